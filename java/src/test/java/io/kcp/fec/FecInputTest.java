package io.kcp.fec;

import io.kcp.format.LittleEndian;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kcp.crypto.PacketCipher;
import io.kcp.crypto.PacketCiphers;
import io.kcp.fec.FecTestKit.Collector;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class FecInputTest {

    @Test
    void plainDatagramsPassWhole() {
        byte[][] plain = FecVectors.hexList(FecVectors.capture("no FEC, no crypto"), "datagrams");
        try (FecInput in = new FecInput(10, 3, ReedSolomonFactory.JAVA)) {
            Collector sink = new Collector();
            ByteBuffer buf = ByteBuffer.allocate(1600);
            for (byte[] d : plain) {
                buf.put(7, d);
                assertEquals(1, in.input(buf, 7, d.length, 0, sink));
                assertArrayEquals(d, sink.payloads.get(sink.payloads.size() - 1));
            }
            assertEquals(plain.length, sink.regular.stream().filter(r -> r).count());
            assertEquals(0, in.decoder().queued());
        }
    }

    @Test
    void decoderIsCreatedLazilyAsOneOne() {
        byte[][] d = FecTestKit.captureDatagrams();
        try (FecInput in = new FecInput(0, 0, ReedSolomonFactory.JAVA)) {
            Collector sink = new Collector();
            ByteBuffer buf = ByteBuffer.allocate(1500);
            assertNull(in.decoder());
            assertEquals(0, in.fecParityShards());
            buf.put(0, d[0], 0, 7);
            assertEquals(-1, in.input(buf, 0, 7, 0, sink), "a 7-byte FEC packet is InErrs");
            assertNull(in.decoder());
            buf.put(0, d[0]);
            assertEquals(1, in.input(buf, 0, d[0].length, 0, sink));
            assertNotNull(in.decoder());
            assertEquals(1, in.decoder().dataShards());
            assertEquals(1, in.decoder().parityShards());
            assertArrayEquals(Arrays.copyOfRange(d[0], 8, d[0].length), sink.payloads.get(0));
        }
        // kcp-go turns FEC on only when both counts are positive.
        try (FecInput in = new FecInput(10, 0, ReedSolomonFactory.JAVA)) {
            assertNull(in.decoder());
        }
        try (FecInput in = new FecInput(10, 3, ReedSolomonFactory.JAVA)) {
            assertEquals(10, in.decoder().dataShards());
        }
        assertThrows(IllegalArgumentException.class, () -> new FecInput(200, 100, ReedSolomonFactory.JAVA));
    }

    /** The aes-128 capture: one FEC data datagram behind the 20-byte crypto header. */
    @Test
    void encryptedCaptureDecodesAndReencodes() {
        Map<String, Object> c = FecVectors.capture("aes-128");
        byte[] wire = FecVectors.hexList(c, "datagrams")[0];
        byte[] message = FecVectors.hexList(c, "messages")[0];
        PacketCipher cipher = PacketCiphers.create("aes-128", FecVectors.hex((String) c.get("key")));
        byte[] plain = wire.clone();
        cipher.decrypt(plain, 0, plain.length);
        CRC32 crc = new CRC32();
        crc.update(plain, 20, plain.length - 20);
        assertEquals((int) crc.getValue(), LittleEndian.u32(ByteBuffer.wrap(plain), 16));

        try (FecInput in = new FecInput(10, 3, ReedSolomonFactory.JAVA)) {
            Collector sink = new Collector();
            assertEquals(1, in.input(ByteBuffer.wrap(plain), 20, plain.length - 20, 0, sink));
            byte[] kcp = sink.payloads.get(0);
            assertEquals(24 + message.length, kcp.length);
            assertArrayEquals(message, Arrays.copyOfRange(kcp, 24, kcp.length));
            assertEquals(FecVectors.integer(c, "conv"), LittleEndian.u32(ByteBuffer.wrap(kcp), 0));

            try (FecEncoder enc = new FecEncoder(10, 3, 20, ReedSolomonFactory.JAVA)) {
                ByteBuffer out = FecTestKit.outgoing(20, kcp);
                assertEquals(0, enc.encode(out, 0, out.capacity()));
                assertArrayEquals(Arrays.copyOfRange(plain, 20, plain.length),
                        Arrays.copyOfRange(out.array(), 20, out.capacity()));
            }
        }
    }
}
