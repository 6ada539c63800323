package io.kcp.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kcp.SnmpCounter;
import io.kcp.crypto.PacketCiphers;
import io.kcp.fec.ReedSolomonFactory;
import io.kcp.kernel.Kernel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutboundPipelineTest {

    private static final byte[] KEY = PacketCiphers.kcptunKey("outbound");
    private static final ReedSolomonFactory RS = Kernel.active().reedSolomon();

    private static OutboundPipeline pipeline(String cipher, int ds, int ps, Counters c) {
        return new OutboundPipeline(Endpoint.cipher(cipher, KEY), ds, ps, RS, new SeededNonceSource(1), c, 1400);
    }

    @Test
    void reservesRoomForTheHeadersItWrites() {
        Counters c = new Counters(null);
        String[][] cases = {{"aes", "10", "3", "28"}, {"aes", "0", "0", "20"}, {"none", "0", "0", "20"},
            {"null", "10", "3", "8"}, {"null", "0", "0", "0"}, {"salsa20", "5", "0", "20"}, {"xor", "0", "2", "20"}};
        for (String[] k : cases) {
            try (OutboundPipeline p = pipeline(k[0], Integer.parseInt(k[1]), Integer.parseInt(k[2]), c)) {
                assertEquals(Integer.parseInt(k[3]), p.reserveBytes(), String.join(" ", k));
                assertEquals(Integer.parseInt(k[1]) > 0 && Integer.parseInt(k[2]) > 0, p.fecEnabled());
                assertEquals(1500, p.maxDatagram());
            }
        }
        try (OutboundPipeline p = new OutboundPipeline(PacketCiphers.NULL, 0, 0, RS, null, c, 9000)) {
            assertEquals(0, p.reserveBytes());
            assertEquals(9000, p.maxDatagram());
        }
    }

    @Test
    void rejectsWhatCannotWork() {
        Counters c = new Counters(null);
        // "no crypto" is PacketCiphers.NULL, never a Java null
        assertThrows(NullPointerException.class, () -> new OutboundPipeline(null, 0, 0, RS, null, c, 1400));
        assertThrows(NullPointerException.class, () -> new InboundPipeline(null, 0, 0, RS, c));
        assertThrows(IllegalArgumentException.class, () -> new OutboundPipeline(PacketCiphers.NULL, 0, 0, RS, null, c, 49));
        assertThrows(IllegalArgumentException.class, () -> new OutboundPipeline(PacketCiphers.NULL, 0, 0, RS, null, c, 65536));
        assertThrows(IllegalArgumentException.class,
                () -> new OutboundPipeline(Endpoint.cipher("aes", KEY), 10, 3, RS, new SeededNonceSource(1), c, 52));
        assertThrows(IllegalArgumentException.class,
                () -> new OutboundPipeline(Endpoint.cipher("aes", KEY), 0, 0, RS, null, c, 1400));
        assertThrows(IllegalArgumentException.class,
                () -> new OutboundPipeline(PacketCiphers.NULL, 200, 100, RS, null, c, 1400));
        assertThrows(IllegalArgumentException.class, () -> new OutboundPipeline(PacketCiphers.NULL, 0, 0, RS, null, null, 1400));
        try (OutboundPipeline p = pipeline("aes", 10, 3, c)) {
            DatagramSink none = d -> { };
            assertThrows(IllegalArgumentException.class, () -> p.encode(ByteBuffer.allocate(27), none));
            assertThrows(IllegalArgumentException.class, () -> p.encode(ByteBuffer.allocate(1501), none));
            ByteBuffer area = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            area.putInt(0, 100).limit(64);
            assertThrows(IllegalArgumentException.class, () -> p.encodeOutput(area, 1, none));
            area.putInt(0, 40);
            assertThrows(IllegalArgumentException.class, () -> p.encodeOutput(area, 2, none),
                    "the second record header is missing");
            assertThrows(IllegalArgumentException.class, () -> p.setDuplicates(-1));
        }
        OutboundPipeline closed = pipeline("aes", 0, 0, c);
        closed.close();
        closed.close();
        assertThrows(IllegalStateException.class, () -> closed.encode(ByteBuffer.allocate(100), d -> { }));
    }

    @Test
    void duplicatesRepeatDataButNotParity() {
        Counters c = new Counters(null);
        try (OutboundPipeline p = pipeline("null", 2, 1, c)) {
            p.setDuplicates(2);
            List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                ByteBuffer d = ByteBuffer.allocate(8 + 30);
                d.put(8 + 4, (byte) 81);
                p.encode(d, x -> {
                    byte[] b = new byte[x.remaining()];
                    x.get(b);
                    sent.add(b);
                });
            }
            assertEquals(3 + 3 + 1, sent.size());
            assertArrayEquals(sent.get(0), sent.get(2));
            assertEquals(0xF1, sent.get(3)[4] & 0xFF);
            assertEquals(0xF2, sent.get(6)[4] & 0xFF);
            assertEquals(7, c.get(Counter.OUT_PKTS));
            assertEquals(7 * 38, c.get(Counter.OUT_BYTES));
        }
    }

    @Test
    void callersBufferKeepsItsPositionAndLimit() {
        Counters c = new Counters(null);
        try (OutboundPipeline p = pipeline("aes-128", 10, 3, c)) {
            ByteBuffer big = ByteBuffer.allocateDirect(200);
            big.position(50).limit(150);
            byte[][] got = new byte[1][];
            p.encode(big, x -> {
                got[0] = new byte[x.remaining()];
                x.get(got[0]);
            });
            assertEquals(50, big.position());
            assertEquals(150, big.limit());
            assertEquals(100, got[0].length);
            byte[] inPlace = new byte[100];
            big.get(50, inPlace);
            assertArrayEquals(got[0], inPlace, "encrypted in place");
            // Decrypts to a valid datagram: the counterpart accepts it.
            try (InboundPipeline in = new InboundPipeline(Endpoint.cipher("aes-128", KEY), 10, 3, RS, c)) {
                ByteBuffer b = ByteBuffer.wrap(got[0]);
                assertTrue(in.decryptAndCheck(b));
                assertEquals(20, b.position());
                assertEquals(-1, InboundPipeline.peekConv(ByteBuffer.allocate(23)));
                assertFalse(KcpPackets.startsConversation(ByteBuffer.allocate(10)));
            }
        }
    }

    /** kcp-go's lazy decoder: a receiver without FEC learns the peer's shape from what arrives. */
    @Test
    void receiverWithoutFecAdoptsThePeersShape() {
        Counters c = new Counters(null);
        try (OutboundPipeline out = pipeline("salsa20", 4, 2, c);
             InboundPipeline in = new InboundPipeline(Endpoint.cipher("salsa20", KEY), 0, 0, RS, c)) {
            assertEquals(0, in.fecDataShards());
            List<byte[]> wire = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                ByteBuffer d = ByteBuffer.allocate(28 + 24 + i);
                d.put(28 + 4, (byte) 81);
                out.encode(d, x -> {
                    byte[] b = new byte[x.remaining()];
                    x.get(b);
                    wire.add(b);
                });
            }
            int[] regular = {0};
            for (byte[] w : wire) {
                in.input(ByteBuffer.wrap(w), 0, (k, r) -> {
                    regular[0] += r ? 1 : 0;
                    return 0;
                });
            }
            assertEquals(4, in.fecDataShards());
            assertEquals(2, in.fecParityShards());
            assertEquals(40, regular[0]);
            assertEquals(20, c.get(Counter.FEC_PARITY_SHARDS));
        }
    }
}
