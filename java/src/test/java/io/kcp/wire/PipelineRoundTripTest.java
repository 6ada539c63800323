package io.kcp.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kcp.SnmpCounter;
import io.kcp.arq.ArqField;
import io.kcp.crypto.PacketCipher;
import io.kcp.crypto.PacketCiphers;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Two endpoints talk through Outbound -> lossy wire -> Inbound for every cipher and FEC off/10+3,
 * in both directions (data one way, ACKs the other), and every message arrives intact and in
 * order; the counters agree with what the wire carried.
 */
class PipelineRoundTripTest {

    static final byte[] KEY = PacketCiphers.kcptunKey("round trip");
    private static final double LOSS = 0.1;
    private static final int MESSAGES = 150;

    @TestFactory
    Stream<DynamicTest> everyCipherWithAndWithoutFec() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : PacketCiphers.names()) {
            for (int[] fec : new int[][] {{0, 0}, {10, 3}}) {
                tests.add(DynamicTest.dynamicTest(name + " fec " + fec[0] + "/" + fec[1],
                        () -> roundTrip(name, fec[0], fec[1], name.hashCode() * 31L + fec[0])));
            }
        }
        return tests.stream();
    }

    /** Tells a parity datagram from a data one by decrypting a copy (test side only). */
    static Predicate<byte[]> parityDetector(String name, boolean fec) {
        PacketCipher c = Endpoint.cipher(name, KEY);
        int at = (c.hasHeader() ? PacketCipher.HEADER_SIZE : 0) + 4;
        return d -> {
            if (!fec || d.length < at + 2) {
                return false;
            }
            byte[] p = d.clone();
            c.decrypt(p, 0, p.length);
            return (p[at] & 0xFF) == 0xF2 && p[at + 1] == 0;
        };
    }

    private static void roundTrip(String name, int ds, int ps, long seed) {
        Random rnd = new Random(seed);
        Counters root = new Counters(null);
        boolean fec = ds > 0;
        LossyWire ab = new LossyWire(seed + 1, LOSS, parityDetector(name, fec));
        LossyWire ba = new LossyWire(seed + 2, LOSS, parityDetector(name, fec));
        List<byte[]> messages = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            byte[] m = new byte[1 + rnd.nextInt(rnd.nextInt(4) == 0 ? 4000 : 300)];
            rnd.nextBytes(m);
            messages.add(m);
        }
        List<byte[]> got = new ArrayList<>();
        try (Endpoint a = new Endpoint(0x1234, name, KEY, ds, ps, new SeededNonceSource(seed), root, 1400);
             Endpoint b = new Endpoint(0x1234, name, KEY, ds, ps, new SeededNonceSource(~seed), root, 1400)) {
            ByteBuffer rx = ByteBuffer.allocate(1500);
            ByteBuffer msg = ByteBuffer.allocate(8192);
            int next = 0;
            int now = 0;
            for (; got.size() < MESSAGES && now < 120_000; now += 10) {
                while (next < MESSAGES && a.arq.waitSnd() < 200) {
                    assertEquals(0, a.arq.send(ByteBuffer.wrap(messages.get(next++))));
                }
                a.flush(now, ab);
                for (byte[] d : ab.take()) {
                    b.receive(rx.clear().put(d).flip(), now, ba);
                }
                b.flush(now, ba);
                for (byte[] d : ba.take()) {
                    a.receive(rx.clear().put(d).flip(), now, ab);
                }
                while (b.arq.recv(msg.clear()) >= 0) {
                    byte[] x = new byte[msg.position()];
                    msg.flip().get(x);
                    got.add(x);
                }
            }
            assertEquals(MESSAGES, got.size(), "delivered by " + now + " ms");
            for (int i = 0; i < MESSAGES; i++) {
                assertArrayEquals(messages.get(i), got.get(i), "message " + i);
            }
            // Last ACKs in flight are not delivered; the counters still match the wire so far.
            int header = Endpoint.cipher(name, KEY).hasHeader() ? PacketCipher.HEADER_SIZE : 0;
            check(a, b, ab, header);
            check(b, a, ba, header);
            if (fec) {
                assertTrue(b.counters.get(Counter.FEC_RECOVERED) > 0, "FEC repaired some loss");
            }
            for (SnmpCounter c : SnmpCounter.values()) {
                assertEquals(a.counters.get(Counter.valueOf(c.name())) + b.counters.get(Counter.valueOf(c.name())), root.get(Counter.valueOf(c.name())), "root " + c.kcpGoName());
            }
            if (!fec) {
                assertTrue(a.counters.get(Counter.RETRANS_SEGS) > 0, "loss made the ARQ retransmit");
            }
        }
    }

    /** The sender's and receiver's counters against what the wire from sender to receiver carried. */
    private static void check(Endpoint sender, Endpoint receiver, LossyWire wire, int header) {
        Counters s = sender.counters;
        Counters r = receiver.counters;
        assertEquals(wire.sent, s.get(Counter.OUT_PKTS));
        assertEquals(wire.sentBytes, s.get(Counter.OUT_BYTES));
        assertEquals(wire.delivered, r.get(Counter.IN_PKTS));
        assertEquals(wire.deliveredBytes - header * wire.delivered, r.get(Counter.IN_BYTES));
        assertEquals(wire.deliveredParity, r.get(Counter.FEC_PARITY_SHARDS));
        assertEquals(sender.arq.field(ArqField.OUT_SEGS), s.get(Counter.OUT_SEGS));
        assertEquals(receiver.arq.field(ArqField.IN_SEGS), r.get(Counter.IN_SEGS));
        for (SnmpCounter bad : new SnmpCounter[] {SnmpCounter.IN_ERRS, SnmpCounter.IN_CSUM_ERRORS,
                SnmpCounter.KCP_IN_ERRORS, SnmpCounter.FEC_ERRS}) {
            assertEquals(0, r.get(Counter.valueOf(bad.name())), bad.kcpGoName());
        }
    }
}
