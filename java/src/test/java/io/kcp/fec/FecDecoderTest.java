package io.kcp.fec;

import io.kcp.format.LittleEndian;
import static io.kcp.fec.FecTestKit.feed;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kcp.fec.FecTestKit.Collector;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FecDecoderTest {

    private static final int PAWS_10_3 = (int) 4294967287L;

    private final ByteBuffer rxBuf = ByteBuffer.allocate(1500);

    private static byte[] kcpOf(byte[] dataDatagram) {
        return Arrays.copyOfRange(dataDatagram, 8, dataDatagram.length);
    }

    /** Every way of losing up to 3 of the capture's 13 datagrams: all 10 packets arrive once. */
    @Test
    void captureSurvivesEveryLossOfUpToThree() {
        byte[][] d = FecTestKit.captureDatagrams();
        int patterns = 0;
        for (int mask = 0; mask < (1 << 13); mask++) {
            int lost = Integer.bitCount(mask);
            if (lost > 4) {
                continue;
            }
            Collector sink = new Collector();
            try (FecDecoder dec = new FecDecoder(10, 3, ReedSolomonFactory.JAVA)) {
                for (int i = 0; i < 13; i++) {
                    if ((mask & 1 << i) == 0) {
                        int before = sink.payloads.size();
                        int calls = feed(dec, rxBuf, d[i], 0, sink);
                        assertEquals(sink.payloads.size() - before, calls);
                    }
                }
                int lostData = Integer.bitCount(mask & 0x3FF);
                for (int i = 0; i < 10; i++) {
                    boolean wasLost = (mask & 1 << i) != 0;
                    int expected = wasLost && lost > 3 ? 0 : 1;
                    assertEquals(expected, sink.count(kcpOf(d[i])), "mask " + mask + " packet " + i);
                }
                assertEquals(lost > 3 ? 0 : lostData, sink.recoveredCount(), "mask " + mask);
                assertEquals(lost > 3 ? 0 : lostData, dec.fecRecovered());
                assertEquals(0, dec.fecErrs());
                assertEquals(3 - Integer.bitCount(mask >>> 10), dec.fecParityShards());
                patterns++;
            }
        }
        assertEquals(1 + 13 + 78 + 286 + 715, patterns);
    }

    /** Shuffled arrival with losses: every packet still arrives, recovered ones intact. */
    @Test
    void reorderedGroupsRecover() {
        Random rnd = new Random(5);
        List<byte[]> kcp = randomPayloads(rnd, 100, 1300);
        for (int trial = 0; trial < 50; trial++) {
            List<byte[]> wire;
            try (FecEncoder enc = new FecEncoder(10, 3, 0, ReedSolomonFactory.JAVA)) {
                wire = FecTestKit.encodeAll(enc, kcp);
            }
            // Lose up to 3 per group, then shuffle within windows of 8 datagrams.
            List<byte[]> arriving = new ArrayList<>();
            for (int g = 0; g < wire.size(); g += 13) {
                List<byte[]> group = new ArrayList<>(wire.subList(g, g + 13));
                Collections.shuffle(group, rnd);
                arriving.addAll(group.subList(0, 10 + rnd.nextInt(4)));
            }
            for (int w = 0; w + 8 <= arriving.size(); w += 8) {
                Collections.shuffle(arriving.subList(w, w + 8), rnd);
            }
            Collector sink = new Collector();
            try (FecDecoder dec = new FecDecoder(10, 3, ReedSolomonFactory.JAVA)) {
                for (byte[] a : arriving) {
                    feed(dec, rxBuf, a, 0, sink);
                }
                for (int i = 0; i < kcp.size(); i++) {
                    assertTrue(sink.count(kcp.get(i)) >= 1, "trial " + trial + " packet " + i);
                }
                for (int i = 0; i < sink.payloads.size(); i++) {
                    byte[] got = sink.payloads.get(i);
                    assertTrue(kcp.stream().anyMatch(p -> Arrays.equals(p, got)), "delivery " + i);
                }
                assertEquals(0, dec.fecErrs());
            }
        }
    }

    @Test
    void duplicatesAreQueuedOnceButDataStillGoesToTheArq() {
        byte[][] d = FecTestKit.captureDatagrams();
        Collector sink = new Collector();
        try (FecDecoder dec = new FecDecoder(10, 3, ReedSolomonFactory.JAVA)) {
            assertEquals(1, feed(dec, rxBuf, d[0], 0, sink));
            assertEquals(1, feed(dec, rxBuf, d[0], 0, sink));
            assertEquals(1, dec.queued());
            assertEquals(0, feed(dec, rxBuf, d[11], 0, sink));
            assertEquals(0, feed(dec, rxBuf, d[11], 0, sink));
            assertEquals(2, dec.queued());
            assertEquals(2, dec.fecParityShards());
            assertEquals(List.of(true, true), sink.regular);
            assertArrayEquals(kcpOf(d[0]), sink.payloads.get(1));
            // Eight more data shards complete the group (10 of 13): shard 9 is rebuilt.
            for (int i = 1; i <= 8; i++) {
                feed(dec, rxBuf, d[i], 0, sink);
            }
            assertEquals(1, sink.recoveredCount());
            assertArrayEquals(kcpOf(d[9]), sink.payloads.get(sink.payloads.size() - 1));
            assertEquals(0, dec.queued());
            // A late shard of a finished group is queued again (kcp-go has no memory of it).
            feed(dec, rxBuf, d[12], 0, sink);
            assertEquals(1, dec.queued());
        }
    }

    @Test
    void shardsExpireAfterSixtySeconds() {
        try (FecDecoder dec = new FecDecoder(10, 3, ReedSolomonFactory.JAVA)) {
            Collector sink = new Collector();
            int t0 = Integer.MAX_VALUE - 5; // the clock wraps during the test
            feed(dec, rxBuf, shard(0, true, 40), t0, sink);
            feed(dec, rxBuf, shard(13, true, 40), t0 + 30_000, sink);
            feed(dec, rxBuf, shard(26, true, 40), t0 + FecDecoder.EXPIRE_MS, sink);
            assertEquals(3, dec.queued(), "exactly 60 s old is not expired");
            feed(dec, rxBuf, shard(39, true, 40), t0 + FecDecoder.EXPIRE_MS + 1, sink);
            assertEquals(3, dec.queued());
            feed(dec, rxBuf, shard(52, true, 40), t0 + 2 * FecDecoder.EXPIRE_MS + 1, sink);
            assertEquals(2, dec.queued(), "seqids 39 and 52 remain");
            assertEquals(0, dec.fecShortShards());
        }
    }

    @Test
    void queueIsCappedAndDroppedDataCountsAsShort() {
        try (FecDecoder dec = new FecDecoder(10, 3, ReedSolomonFactory.JAVA)) {
            Collector sink = new Collector();
            feed(dec, rxBuf, shard(10, false, 40), 0, sink); // a lone parity shard of group 0
            for (int g = 1; g < 39; g++) {
                feed(dec, rxBuf, shard(13 * g, true, 40), 0, sink);
            }
            assertEquals(39, dec.queued());
            feed(dec, rxBuf, shard(13 * 39, true, 40), 0, sink);
            assertEquals(39, dec.queued());
            assertEquals(0, dec.fecShortShards(), "the dropped shard was parity");
            feed(dec, rxBuf, shard(13 * 40, true, 40), 0, sink);
            assertEquals(39, dec.queued());
            assertEquals(1, dec.fecShortShards());
            // An older shard is inserted in order and then, being the oldest, dropped at once.
            feed(dec, rxBuf, shard(5, true, 40), 0, sink);
            assertEquals(39, dec.queued());
            assertEquals(2, dec.fecShortShards());
        }
    }

    @Test
    void recoversAcrossTheSeqidWrap() {
        Random rnd = new Random(9);
        List<byte[]> kcp = randomPayloads(rnd, 60, 200);
        List<byte[]> wire;
        try (FecEncoder enc = new FecEncoder(10, 3, 0, ReedSolomonFactory.JAVA)) {
            enc.setNextSeqid(PAWS_10_3 - 3 * 13);
            wire = FecTestKit.encodeAll(enc, kcp);
        }
        assertEquals(0, LittleEndian.u32(ByteBuffer.wrap(wire.get(39)), 0));
        Collector sink = new Collector();
        try (FecDecoder dec = new FecDecoder(10, 3, ReedSolomonFactory.JAVA)) {
            for (int i = 0; i < wire.size(); i++) {
                int inGroup = i % 13;
                if (inGroup != 2 && inGroup != 7 && inGroup != 11) {
                    feed(dec, rxBuf, wire.get(i), 0, sink);
                }
            }
            for (byte[] p : kcp) {
                assertEquals(1, sink.count(p));
            }
            assertEquals(12, dec.fecRecovered());
        }
    }

    /**
     * A receiver without FEC meets a 10/3 peer, then the peer's shape changes to 4/2. The new
     * shape is only found once its pulses have overwritten the start of the 258-entry ring.
     */
    @Test
    void autotuneFollowsThePeersShape() {
        Random rnd = new Random(13);
        Collector sink = new Collector();
        try (FecInput in = new FecInput(0, 0, ReedSolomonFactory.JAVA)) {
            assertEquals(null, in.decoder());
            int next;
            try (FecEncoder enc = new FecEncoder(10, 3, 0, ReedSolomonFactory.JAVA)) {
                List<byte[]> wire = FecTestKit.encodeAll(enc, randomPayloads(rnd, 50, 300));
                feedInput(in, wire.subList(0, 1), sink);
                assertEquals(1, in.decoder().dataShards());
                assertEquals(1, in.decoder().parityShards());
                feedInput(in, wire.subList(1, wire.size()), sink);
                assertEquals(10, in.decoder().dataShards());
                assertEquals(3, in.decoder().parityShards());
                List<byte[]> kcp = randomPayloads(rnd, 20, 300);
                checkRecovery(in, FecTestKit.encodeAll(enc, kcp), kcp, 13, 10);
                next = enc.nextSeqid();
            }
            try (FecEncoder enc = new FecEncoder(4, 2, 0, ReedSolomonFactory.JAVA)) {
                enc.setNextSeqid((next / 6 + 1) * 6);
                feedInput(in, FecTestKit.encodeAll(enc, randomPayloads(rnd, 40, 300)), sink);
                assertEquals(10, in.decoder().dataShards(), "old pulses still lead the ring");
                feedInput(in, FecTestKit.encodeAll(enc, randomPayloads(rnd, 160, 300)), sink);
                assertEquals(4, in.decoder().dataShards());
                assertEquals(2, in.decoder().parityShards());
                List<byte[]> kcp = randomPayloads(rnd, 20, 300);
                checkRecovery(in, FecTestKit.encodeAll(enc, kcp), kcp, 6, 4);
            }
        }
    }

    /** Drops the first two data shards of every group: each must come back as recovered. */
    private void checkRecovery(FecInput in, List<byte[]> wire, List<byte[]> kcp, int size, int ds) {
        Collector sink = new Collector();
        long before = in.fecRecovered();
        List<byte[]> kept = new ArrayList<>();
        for (int i = 0; i < wire.size(); i++) {
            if (i % size >= 2) {
                kept.add(wire.get(i));
            }
        }
        feedInput(in, kept, sink);
        for (byte[] p : kcp) {
            assertEquals(1, sink.count(p));
        }
        assertEquals(kcp.size() / ds * 2, sink.recoveredCount());
        assertEquals(kcp.size() / ds * 2, in.fecRecovered() - before);
    }

    private void feedInput(FecInput in, List<byte[]> wire, Collector sink) {
        for (byte[] w : wire) {
            rxBuf.clear().put(0, w);
            in.input(rxBuf, 0, w.length, 0, sink);
        }
    }

    @Test
    void autotuneFindsRunLengths() {
        AutoTune t = new AutoTune();
        for (int seq = 0; seq < 3 * 13; seq++) {
            t.sample(seq % 13 < 10, seq);
        }
        assertEquals(10, t.findPeriod(true));
        assertEquals(3, t.findPeriod(false));
        // The ring is scanned from index 0 (seq % 258): here the parity run at indices 5..6
        // (seqids 1037, 1038) runs into an unused slot, which kcp-go reports as no period.
        AutoTune late = new AutoTune();
        for (int seq = 1000; seq < 1000 + 3 * 13; seq++) {
            late.sample(seq % 13 < 10, seq);
        }
        assertEquals(10, late.findPeriod(true));
        assertEquals(-1, late.findPeriod(false));
        AutoTune gap = new AutoTune();
        for (int seq = 0; seq < 40; seq++) {
            if (seq != 20) {
                gap.sample(seq % 13 < 10, seq);
            }
        }
        assertEquals(-1, gap.findPeriod(true), "a missing sample breaks the run");
        assertTrue(new AutoTune().findPeriod(true) <= 0);
    }

    /** A rebuilt shard whose size field is impossible counts as FECErrs and is not delivered. */
    @Test
    void impossibleSizeFieldsCountAsErrors() {
        for (int size : new int[] {0, 1, 0xFFFF, 41}) {
            // Group (2,1): shard 0 is hand-made with the given size field; 40 bytes after seqid/flag.
            byte[] d0 = shard(0, true, 46);
            d0[6] = (byte) size;
            d0[7] = (byte) (size >>> 8);
            byte[] d1 = shard(1, true, 46);
            ByteBuffer g = ByteBuffer.allocate(3 * 40);
            g.put(0, d0, 6, 40).put(40, d1, 6, 40);
            new JavaReedSolomon(2, 1).encode(g, 40, 40);
            byte[] p = new byte[46];
            p[0] = 2;
            p[4] = (byte) 0xF2;
            g.get(80, p, 6, 40);
            try (FecDecoder dec = new FecDecoder(2, 1, ReedSolomonFactory.JAVA)) {
                Collector sink = new Collector();
                feed(dec, rxBuf, d1, 0, sink);
                feed(dec, rxBuf, p, 0, sink);
                assertEquals(0, sink.recoveredCount(), "size " + size);
                assertEquals(1, dec.fecErrs(), "size " + size);
            }
        }
        // 40 = the whole shard: accepted, 38 KCP bytes.
        byte[] d0 = shard(0, true, 46);
        ByteBuffer g = ByteBuffer.allocate(3 * 40);
        g.put(0, d0, 6, 40).put(40, shard(1, true, 46), 6, 40);
        new JavaReedSolomon(2, 1).encode(g, 40, 40);
        byte[] p = new byte[46];
        p[0] = 2;
        p[4] = (byte) 0xF2;
        g.get(80, p, 6, 40);
        try (FecDecoder dec = new FecDecoder(2, 1, ReedSolomonFactory.JAVA)) {
            Collector sink = new Collector();
            sink.result = -3; // the ARQ rejects it: not counted as recovered
            feed(dec, rxBuf, shard(1, true, 46), 0, sink);
            feed(dec, rxBuf, p, 0, sink);
            assertEquals(1, sink.recoveredCount());
            assertArrayEquals(Arrays.copyOfRange(d0, 8, 46), sink.payloads.get(1));
            assertEquals(0, dec.fecRecovered());
            assertEquals(0, dec.fecErrs());
        }
    }

    @Test
    void malformedPacketsAreRejected() {
        try (FecDecoder dec = new FecDecoder(10, 3, ReedSolomonFactory.JAVA)) {
            Collector sink = new Collector();
            assertEquals(-1, feed(dec, rxBuf, new byte[] {0, 0, 0, 0, (byte) 0xF1, 0, 2}, 0, sink));
            assertEquals(-1, feed(dec, rxBuf, new byte[] {0, 0, 0, 0, 0x51, 0, 2, 0, 1, 2}, 0, sink));
            byte[] big = shard(0, true, 1501);
            ByteBuffer large = ByteBuffer.allocate(2000).put(0, big);
            assertEquals(-1, dec.decode(large, 0, big.length, 0, sink));
            assertEquals(1, feed(dec, rxBuf, shard(0, true, 8), 0, sink), "8 bytes: an empty data shard");
            assertArrayEquals(new byte[0], sink.payloads.get(0));
            assertEquals(0, feed(dec, rxBuf, shard(1, false, 8), 0, sink));
        }
    }

    /** Random and mutated datagrams: nothing throws, deliveries stay inside their packets. */
    @Test
    void hostileInputNeverThrows() {
        Random rnd = new Random(17);
        byte[][] capture = FecTestKit.captureDatagrams();
        KcpSink sink = (kcp, regular) -> {
            // Plain datagrams pass whole; FEC ones lose at least their 8 header bytes.
            assertTrue(kcp.remaining() <= (regular ? 1500 : 1500 - 8));
            return rnd.nextInt(3) - 1;
        };
        try (FecInput in = new FecInput(0, 0, ReedSolomonFactory.JAVA)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(1500);
            int base = rnd.nextInt(1000);
            for (int i = 0; i < 200_000; i++) {
                int len;
                if (rnd.nextInt(4) == 0) {
                    byte[] c = capture[rnd.nextInt(13)];
                    len = c.length;
                    buf.put(0, c);
                    buf.put(rnd.nextInt(len), (byte) rnd.nextInt());
                } else {
                    len = rnd.nextInt(1501);
                    for (int j = 0; j < len; j++) {
                        buf.put(j, (byte) rnd.nextInt());
                    }
                }
                if (len >= 8 && rnd.nextInt(3) > 0) {
                    // Plausible headers: nearby seqids, the right flags, self-consistent sizes.
                    LittleEndian.putU32(buf, 0, base + rnd.nextInt(300));
                    LittleEndian.putU16(buf, 4, rnd.nextBoolean() ? 0xF1 : 0xF2);
                    if (rnd.nextBoolean()) {
                        LittleEndian.putU16(buf, 6, len - 6);
                    }
                }
                if (rnd.nextInt(50_000) == 0) {
                    base = rnd.nextInt();
                }
                in.input(buf, 0, len, i * 3, sink);
                FecDecoder dec = in.decoder();
                if (dec != null) {
                    assertTrue(dec.queued() <= FecDecoder.RX_FEC_MULTI * 256 + 1);
                }
            }
            assertTrue(in.fecErrs() > 0, "some rebuilt garbage must fail the size check");
            assertTrue(in.fecParityShards() > 0);
            assertFalse(in.decoder() == null);
        }
    }

    @Test
    void steadyStateAllocatesNothing() {
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Random rnd = new Random(21);
        List<byte[]> kcp = randomPayloads(rnd, 130, 1300);
        ByteBuffer[] tx = new ByteBuffer[kcp.size()];
        for (int i = 0; i < tx.length; i++) {
            tx[i] = FecTestKit.outgoing(20, kcp.get(i));
        }
        long[] delivered = new long[1];
        KcpSink sink = (b, regular) -> {
            delivered[0] += b.remaining();
            return 0;
        };
        ByteBuffer rx = ByteBuffer.allocateDirect(1500);
        try (FecEncoder enc = new FecEncoder(10, 3, 20, ReedSolomonFactory.JAVA);
             FecDecoder dec = new FecDecoder(10, 3, ReedSolomonFactory.JAVA)) {
            long allocated = 0;
            int now = 0;
            for (int round = 0; round < 4; round++) {
                long before = mx.getCurrentThreadAllocatedBytes();
                for (int rep = 0; rep < 40; rep++) {
                    for (int i = 0; i < tx.length; i++) {
                        ByteBuffer d = tx[i];
                        int n = enc.encode(d, 0, d.capacity());
                        if (i % 10 != 3) { // one data shard per group is lost
                            rx.put(0, d, 20, d.capacity() - 20);
                            dec.decode(rx, 0, d.capacity() - 20, now, sink);
                        }
                        for (int p = 0; p < n; p++) {
                            ByteBuffer par = enc.parity(p);
                            rx.put(0, par, 20, par.remaining() - 20);
                            dec.decode(rx, 0, par.remaining() - 20, now, sink);
                        }
                        now += 1;
                    }
                }
                allocated = mx.getCurrentThreadAllocatedBytes() - before;
            }
            assertTrue(allocated < 2000, allocated + " bytes allocated");
            assertEquals(4L * 40 * 13, dec.fecRecovered());
            assertTrue(delivered[0] > 0);
        }
    }

    /** An FEC packet {@code [seqid][flag][size = len-6][filler]} of length len. */
    static byte[] shard(int seqid, boolean data, int len) {
        byte[] b = new byte[len];
        ByteBuffer w = ByteBuffer.wrap(b);
        LittleEndian.putU32(w, 0, seqid);
        LittleEndian.putU16(w, 4, data ? FecPacket.TYPE_DATA : FecPacket.TYPE_PARITY);
        if (data) {
            LittleEndian.putU16(w, 6, len - 6);
        }
        for (int i = 8; i < len; i++) {
            b[i] = (byte) (seqid * 31 + i);
        }
        return b;
    }

    static List<byte[]> randomPayloads(Random rnd, int n, int maxLen) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] p = new byte[24 + rnd.nextInt(maxLen - 23)];
            rnd.nextBytes(p);
            out.add(p);
        }
        return out;
    }
}
