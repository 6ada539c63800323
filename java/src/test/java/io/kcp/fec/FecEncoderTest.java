package io.kcp.fec;

import io.kcp.format.LittleEndian;
import static io.kcp.fec.FecTestKit.bytes;
import static io.kcp.fec.FecTestKit.outgoing;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FecEncoderTest {

    /** 10+3 as in the captures; paws = floor(0xFFFFFFFF / 13) * 13. */
    private static final int PAWS_10_3 = (int) 4294967287L;

    /** A codec that is not the Java one, so the encoder takes its direct-buffer path. */
    static final ReedSolomonFactory WRAPPED = (ds, ps) -> {
        JavaReedSolomon inner = new JavaReedSolomon(ds, ps);
        return new ReedSolomon() {
            public int dataShards() { return ds; }
            public int parityShards() { return ps; }
            public void encode(ByteBuffer g, int stride, int len) { inner.encode(g, stride, len); }
            public boolean verify(ByteBuffer g, int stride, int len) { return inner.verify(g, stride, len); }
            public boolean reconstruct(ByteBuffer g, int stride, int len, boolean[] present, boolean dataOnly) {
                return inner.reconstruct(g, stride, len, present, dataOnly);
            }
            public void close() { inner.close(); }
        };
    };

    @Test
    void reproducesTheKcpGoCapture() {
        byte[][] dgrams = FecTestKit.captureDatagrams();
        for (ReedSolomonFactory f : new ReedSolomonFactory[] {ReedSolomonFactory.JAVA, WRAPPED}) {
            try (FecEncoder enc = new FecEncoder(10, 3, 0, f)) {
                for (int i = 0; i < 10; i++) {
                    ByteBuffer d = outgoing(0, Arrays.copyOfRange(dgrams[i], 8, dgrams[i].length));
                    int n = enc.encode(d, 0, d.capacity());
                    assertArrayEquals(dgrams[i], d.array(), "data datagram " + i);
                    assertEquals(i == 9 ? 3 : 0, n);
                }
                for (int p = 0; p < 3; p++) {
                    assertArrayEquals(dgrams[10 + p], bytes(enc.parity(p)), "parity datagram " + p);
                }
                assertEquals(13, enc.nextSeqid());
            }
        }
    }

    /** With crypto header room, at an offset in a bigger (direct) buffer: the room is not touched. */
    @Test
    void writesOnlyBehindTheHeaderRoom() {
        byte[][] dgrams = FecTestKit.captureDatagrams();
        try (FecEncoder enc = new FecEncoder(10, 3, 20, ReedSolomonFactory.JAVA)) {
            for (int i = 0; i < 10; i++) {
                int len = 20 + dgrams[i].length;
                ByteBuffer big = ByteBuffer.allocateDirect(len + 9);
                for (int j = 0; j < big.capacity(); j++) {
                    big.put(j, (byte) 0xEE);
                }
                big.put(5 + 28, dgrams[i], 8, dgrams[i].length - 8);
                enc.encode(big, 5, len);
                assertArrayEquals(dgrams[i], bytes(big, 25, 25 + dgrams[i].length), "datagram " + i);
                for (int j : new int[] {0, 4, 5, 24, 5 + len, len + 8}) {
                    assertEquals((byte) 0xEE, big.get(j), "byte " + j + " of datagram " + i);
                }
            }
            for (int p = 0; p < 3; p++) {
                ByteBuffer par = enc.parity(p);
                assertEquals(20 + 1400, par.remaining());
                assertArrayEquals(dgrams[10 + p], bytes(par, 20, par.limit()), "parity " + p);
            }
        }
    }

    /** Parity is RS over each datagram from its size field on, zero-padded to the longest. */
    @Test
    void parityCoversZeroPaddedShardsFromTheSizeField() {
        Random rnd = new Random(11);
        for (int[] shape : new int[][] {{1, 1}, {3, 2}, {7, 9}, {20, 5}}) {
            int ds = shape[0];
            int ps = shape[1];
            int ho = rnd.nextBoolean() ? 20 : 0;
            ReferenceRs ref = new ReferenceRs(ds, ps);
            try (FecEncoder enc = new FecEncoder(ds, ps, ho, ReedSolomonFactory.JAVA)) {
                for (int group = 0; group < 3; group++) {
                    byte[][] sent = new byte[ds][];
                    int maxLen = 0;
                    int n = 0;
                    for (int i = 0; i < ds; i++) {
                        byte[] kcp = new byte[rnd.nextInt(group == 1 ? 3 : 1300)];
                        rnd.nextBytes(kcp);
                        ByteBuffer d = outgoing(ho, kcp);
                        n = enc.encode(d, 0, d.capacity());
                        sent[i] = d.array();
                        assertEquals(2 + kcp.length, LittleEndian.u16(d, ho + 6), "size field");
                        assertEquals(group * (ds + ps) + i, LittleEndian.u32(d, ho));
                        assertEquals(FecPacket.TYPE_DATA, LittleEndian.u16(d, ho + 4));
                        maxLen = Math.max(maxLen, d.capacity());
                    }
                    assertEquals(ps, n);
                    int l = maxLen - ho - 6;
                    byte[][] shards = new byte[ds][l];
                    for (int i = 0; i < ds; i++) {
                        System.arraycopy(sent[i], ho + 6, shards[i], 0, sent[i].length - ho - 6);
                    }
                    byte[][] parity = ref.parity(shards, l);
                    for (int p = 0; p < ps; p++) {
                        ByteBuffer par = enc.parity(p);
                        assertEquals(maxLen, par.remaining());
                        assertEquals(group * (ds + ps) + ds + p, LittleEndian.u32(par, ho));
                        assertEquals(FecPacket.TYPE_PARITY, LittleEndian.u16(par, ho + 4));
                        assertArrayEquals(parity[p], bytes(par, ho + 6, maxLen), ds + "+" + ps + " parity " + p);
                    }
                }
            }
        }
    }

    @Test
    void seqidWrapsAtPawsOnParityIncrements() {
        try (FecEncoder enc = new FecEncoder(10, 3, 0, ReedSolomonFactory.JAVA)) {
            enc.setNextSeqid(PAWS_10_3 - 26);
            int[] seen = seqids(enc, 30);
            for (int i = 0; i < 26; i++) {
                assertEquals(PAWS_10_3 - 26 + i, seen[i], "seqid " + i);
            }
            for (int i = 26; i < 30; i++) {
                assertEquals(i - 26, seen[i], "after the wrap, seqid " + i);
            }
        }
        // 5.6.1 applies the modulo only when a parity shard is marked: a misaligned start lets
        // data seqids run past paws, and the wrap lands inside the parity run.
        try (FecEncoder enc = new FecEncoder(10, 3, 0, ReedSolomonFactory.JAVA)) {
            enc.setNextSeqid(PAWS_10_3 - 5);
            int[] seen = seqids(enc, 14);
            for (int i = 0; i < 11; i++) {
                assertEquals(PAWS_10_3 - 5 + i, seen[i], "seqid " + i);
            }
            assertEquals(6, seen[11]);
            assertEquals(7, seen[12]);
            assertEquals(8, seen[13]);
        }
        try (FecEncoder enc = new FecEncoder(1, 1, 0, ReedSolomonFactory.JAVA)) {
            enc.setNextSeqid(-4); // 0xFFFFFFFC; paws for 1+1 is 0xFFFFFFFE
            int[] seen = seqids(enc, 4);
            assertArrayEquals(new int[] {-4, -3, 0, 1}, seen);
        }
    }

    /** Seqids of the next n datagrams (data and parity in sending order). */
    private static int[] seqids(FecEncoder enc, int n) {
        int[] out = new int[n];
        int i = 0;
        while (i < n) {
            ByteBuffer d = outgoing(0, new byte[] {1, 2, 3});
            int parity = enc.encode(d, 0, d.capacity());
            out[i++] = LittleEndian.u32(d, 0);
            for (int p = 0; p < parity && i < n; p++) {
                out[i++] = LittleEndian.u32(enc.parity(p), 0);
            }
        }
        return out;
    }

    @Test
    void rejectsBadArguments() {
        assertEquals("FEC needs dataShards >= 1 and parityShards >= 1, got 3 and 0",
                assertThrows(IllegalArgumentException.class,
                        () -> new FecEncoder(3, 0, 0, ReedSolomonFactory.JAVA)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new FecEncoder(0, 3, 0, ReedSolomonFactory.JAVA));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new FecEncoder(200, 57, 0, ReedSolomonFactory.JAVA)).getMessage().contains("<= 256"));
        assertThrows(IllegalArgumentException.class, () -> new FecEncoder(10, 3, -1, ReedSolomonFactory.JAVA));
        assertThrows(IllegalArgumentException.class, () -> new FecEncoder(10, 3, 20, ReedSolomonFactory.JAVA, 27));
        try (FecEncoder enc = new FecEncoder(10, 3, 20, ReedSolomonFactory.JAVA)) {
            ByteBuffer b = ByteBuffer.allocate(2000);
            assertThrows(IllegalArgumentException.class, () -> enc.encode(b, 0, 27));
            assertThrows(IllegalArgumentException.class, () -> enc.encode(b, 0, 1501));
            assertEquals(0, enc.nextSeqid());
            enc.encode(b, 0, 28); // the smallest datagram: header room only
            enc.encode(b, 0, 1500);
            assertEquals(2, enc.nextSeqid());
        }
    }
}
