package io.kcp.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kcp.Snmp;
import io.kcp.SnmpCounter;
import io.kcp.arq.Arq;
import io.kcp.crypto.CipherKind;
import io.kcp.crypto.PacketCipher;
import io.kcp.crypto.PacketCiphers;
import io.kcp.fec.KcpSink;
import io.kcp.kernel.Kernel;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Random, truncated, bit-flipped, replayed, wrong-key and well-sealed garbage datagrams into an
 * {@link InboundPipeline}, for every cipher with FEC off and 10+3: nothing throws, each datagram
 * moves exactly the counters its kind should, the buffer's position and limit come back, and
 * afterwards the same pipeline still carries a session intact.
 */
class InboundHostileTest {

    private static final byte[] KEY = PacketCiphers.kcptunKey("hostile");
    private static final byte[] OTHER_KEY = PacketCiphers.kcptunKey("not the key");
    private static final int CONV = 0x0BADCAFE;
    private static final int ATTACKS = 3000;

    private enum Kind { RANDOM, TRUNCATED, FLIPPED, REPLAYED, WRONG_KEY, BAD_KCP, FEC_JUNK, SHORT }

    @TestFactory
    Stream<DynamicTest> everyCipherWithAndWithoutFec() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : PacketCiphers.names()) {
            for (int[] fec : new int[][] {{0, 0}, {10, 3}}) {
                tests.add(DynamicTest.dynamicTest(name + " fec " + fec[0] + "/" + fec[1],
                        () -> attack(name, fec[0], fec[1], 977L * name.hashCode() + fec[0])));
            }
        }
        return tests.stream();
    }

    private static void attack(String name, int ds, int ps, long seed) {
        Random rnd = new Random(seed);
        boolean crypto = Endpoint.cipher(name, KEY).hasHeader();
        int header = crypto ? PacketCipher.HEADER_SIZE : 0;
        boolean keyed = CipherKind.of(name).kcptunKeyLength() > 0;
        List<byte[]> valid = produce(name, KEY, ds, ps, CONV, seed);
        List<byte[]> wrongKey = produce(name, OTHER_KEY, ds, ps, CONV, seed);
        Counters counters = new Counters(null);
        ByteBuffer heap = ByteBuffer.allocate(2100);
        ByteBuffer direct = ByteBuffer.allocateDirect(2100);
        Map<Kind, Integer> seen = new EnumMap<>(Kind.class);

        try (Arq victim = Kernel.active().newArq(CONV);
             InboundPipeline in = new InboundPipeline(Endpoint.cipher(name, KEY), ds, ps,
                     Kernel.active().reedSolomon(), counters);
             OutboundPipeline sealer = new OutboundPipeline(Endpoint.cipher(name, KEY), 0, 0,
                     Kernel.active().reedSolomon(), new SeededNonceSource(seed), new Counters(null), 1500)) {
            int[] clock = {0};
            KcpSink sink = (kcp, regular) -> victim.input(kcp, regular, false, clock[0]);

            for (byte[] d : valid) {
                feed(in, rnd.nextBoolean() ? heap : direct, rnd, d, clock[0], sink);
                victim.clearOutput();
            }
            assertEquals(valid.size(), counters.get(Counter.IN_PKTS));
            assertEquals(0, counters.get(Counter.IN_CSUM_ERRORS) + counters.get(Counter.IN_ERRS)
                    + counters.get(Counter.KCP_IN_ERRORS));

            for (int i = 0; i < ATTACKS; i++) {
                clock[0] += rnd.nextInt(50);
                Kind kind = Kind.values()[rnd.nextInt(Kind.values().length)];
                if (kind == Kind.WRONG_KEY && !keyed) {
                    kind = Kind.REPLAYED;
                }
                seen.merge(kind, 1, Integer::sum);
                byte[] pick = valid.get(rnd.nextInt(valid.size()));
                byte[] d;
                int flipAt = -1;
                switch (kind) {
                    case RANDOM:
                        d = new byte[rnd.nextInt(4) == 0 ? rnd.nextInt(50) : rnd.nextInt(1600)];
                        rnd.nextBytes(d);
                        break;
                    case TRUNCATED:
                        d = java.util.Arrays.copyOf(pick, rnd.nextInt(pick.length));
                        break;
                    case FLIPPED:
                        d = pick.clone();
                        flipAt = rnd.nextInt(d.length);
                        d[flipAt] ^= (byte) (1 << rnd.nextInt(8));
                        break;
                    case REPLAYED:
                        d = pick;
                        break;
                    case WRONG_KEY:
                        d = wrongKey.get(rnd.nextInt(wrongKey.size()));
                        break;
                    case BAD_KCP:
                        d = seal(sealer, header, badKcp(rnd));
                        break;
                    case FEC_JUNK:
                        d = seal(sealer, header, fecJunk(rnd));
                        break;
                    default:
                        byte[] tiny = new byte[rnd.nextInt(InboundPipeline.KCP_OVERHEAD)];
                        rnd.nextBytes(tiny);
                        d = seal(sealer, header, tiny);
                }
                Snmp before = Snmp.of(counters.values());
                feed(in, rnd.nextBoolean() ? heap : direct, rnd, d, clock[0], sink);
                victim.clearOutput();
                check(kind, crypto, header, d, flipAt, Snmp.of(counters.values()).minus(before), name + " " + kind + " #" + i);
            }
        }
        for (Kind k : Kind.values()) {
            if (k != Kind.WRONG_KEY || keyed) {
                assertEquals(true, seen.getOrDefault(k, 0) > 100, k + " exercised");
            }
        }
        stillCarriesASession(name, ds, ps, seed);
    }

    /** Copies the datagram into the buffer at a random offset, feeds it, checks position and limit. */
    private static void feed(InboundPipeline in, ByteBuffer buf, Random rnd, byte[] d, int now, KcpSink sink) {
        int at = rnd.nextInt(17);
        buf.clear().position(at);
        buf.put(d).flip().position(at);
        in.input(buf, now, sink);
        assertEquals(at, buf.position(), "position restored");
        assertEquals(at + d.length, buf.limit(), "limit restored");
    }

    /** The counter moves each kind must cause. */
    private static void check(Kind kind, boolean crypto, int header, byte[] d, int flipAt, Snmp diff, String what) {
        long pkts = diff.get(SnmpCounter.IN_PKTS);
        long csum = diff.get(SnmpCounter.IN_CSUM_ERRORS);
        long errs = diff.get(SnmpCounter.IN_ERRS);
        int min = header + InboundPipeline.KCP_OVERHEAD;
        boolean rejectedByCrc = crypto && (kind == Kind.RANDOM || kind == Kind.TRUNCATED
                || kind == Kind.WRONG_KEY || (kind == Kind.FLIPPED && flipAt >= PacketCipher.NONCE_SIZE));
        if (crypto && d.length < header) {
            only(diff, SnmpCounter.IN_ERRS, what);
        } else if (rejectedByCrc) {
            only(diff, SnmpCounter.IN_CSUM_ERRORS, what);
        } else if (kind == Kind.FLIPPED && crypto) {
            // A flip inside the nonce: kept if the cipher does not carry it into the checked bytes.
            assertEquals(1, csum + pkts, what);
        } else if (d.length < min) {
            only(diff, SnmpCounter.IN_ERRS, what);
        } else {
            assertEquals(1, pkts, what + " InPkts");
            assertEquals(d.length - header, diff.get(SnmpCounter.IN_BYTES), what + " InBytes");
            assertEquals(0, csum, what + " InCsumErrors");
            if (kind == Kind.REPLAYED) {
                assertEquals(0, errs, what + " InErrs");
            }
            if (kind == Kind.BAD_KCP) {
                assertEquals(1, diff.get(SnmpCounter.KCP_IN_ERRORS), what + " KCPInErrors");
            }
        }
    }

    /** Exactly one counter moved, by one. */
    private static void only(Snmp diff, SnmpCounter c, String what) {
        for (SnmpCounter x : SnmpCounter.values()) {
            assertEquals(x == c ? 1 : 0, diff.get(x), what + ": " + diff);
        }
    }

    /** A plain KCP packet with our conv that the ARQ must reject (unknown cmd or overlong len). */
    private static byte[] badKcp(Random rnd) {
        byte[] p = new byte[24 + rnd.nextInt(200)];
        rnd.nextBytes(p);
        ByteBuffer b = ByteBuffer.wrap(p).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, CONV);
        if (rnd.nextBoolean()) {
            int[] bad = {0, 1, 80, 85, 86, 100, 200, 255};
            p[4] = (byte) bad[rnd.nextInt(bad.length)];
        } else {
            p[4] = (byte) (81 + rnd.nextInt(4));
            b.putInt(20, p.length - 24 + 1 + rnd.nextInt(100000));
        }
        return p;
    }

    /** Random bytes shaped as an FEC data or parity shard (random conv, any length). */
    private static byte[] fecJunk(Random rnd) {
        byte[] p = new byte[24 + rnd.nextInt(rnd.nextBoolean() ? 60 : 1450)];
        rnd.nextBytes(p);
        p[4] = (byte) (rnd.nextBoolean() ? 0xF1 : 0xF2);
        p[5] = 0;
        if (rnd.nextBoolean()) { // seqids near the genuine ones, to mix into real groups
            p[0] = (byte) rnd.nextInt(60);
            p[1] = p[2] = p[3] = 0;
        }
        return p;
    }

    /** The payload as the peer would send it with our key: correct nonce, CRC and encryption. */
    private static byte[] seal(OutboundPipeline sealer, int header, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(header + payload.length);
        b.put(header, payload);
        byte[][] out = new byte[1][];
        sealer.encode(b, d -> {
            out[0] = new byte[d.remaining()];
            d.get(out[0]);
        });
        return out[0];
    }

    /** The datagrams a genuine sender produces for some messages (parity included). */
    private static List<byte[]> produce(String name, byte[] key, int ds, int ps, int conv, long seed) {
        Random rnd = new Random(seed);
        List<byte[]> out = new ArrayList<>();
        try (Endpoint a = new Endpoint(conv, name, key, ds, ps, new SeededNonceSource(seed), null, 1400)) {
            for (int i = 0; i < 40; i++) {
                byte[] m = new byte[1 + rnd.nextInt(2000)];
                rnd.nextBytes(m);
                a.arq.send(ByteBuffer.wrap(m));
                a.flush(i * 10, d -> {
                    byte[] x = new byte[d.remaining()];
                    d.get(x);
                    out.add(x);
                });
            }
        }
        return out;
    }

    /**
     * A fresh session through the attacked pipeline (its FEC decoder may hold junk and a strange
     * autotuned shape): every message arrives intact, FEC or retransmission repairing the loss.
     */
    private static void stillCarriesASession(String name, int ds, int ps, long seed) {
        // Rebuild the attacked state deterministically, then talk through it.
        Random rnd = new Random(seed ^ 0x5EED);
        Counters counters = new Counters(null);
        try (InboundPipeline in = new InboundPipeline(Endpoint.cipher(name, KEY), ds, ps,
                     Kernel.active().reedSolomon(), counters);
             OutboundPipeline sealer = new OutboundPipeline(Endpoint.cipher(name, KEY), 0, 0,
                     Kernel.active().reedSolomon(), new SeededNonceSource(seed), new Counters(null), 1500);
             Endpoint a = new Endpoint(7, name, KEY, ds, ps, new SeededNonceSource(seed + 1), null, 1400);
             Endpoint b = new Endpoint(7, name, KEY, ds, ps, new SeededNonceSource(seed + 2), null, 1400)) {
            int header = in.headerSize();
            ByteBuffer buf = ByteBuffer.allocate(2100);
            KcpSink drop = (kcp, regular) -> 0;
            for (int i = 0; i < 500; i++) {
                byte[] junk = seal(sealer, header, rnd.nextBoolean() ? fecJunk(rnd) : badKcp(rnd));
                feed(in, buf, rnd, junk, i, drop);
            }
            LossyWire ab = new LossyWire(seed, 0.05, d -> false);
            LossyWire ba = new LossyWire(seed + 1, 0.05, d -> false);
            List<byte[]> messages = new ArrayList<>();
            List<byte[]> got = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                byte[] m = new byte[1 + rnd.nextInt(3000)];
                rnd.nextBytes(m);
                messages.add(m);
                a.arq.send(ByteBuffer.wrap(m));
            }
            ByteBuffer msg = ByteBuffer.allocate(4096);
            int[] now = {1000};
            KcpSink toB = (kcp, regular) -> b.arq.input(kcp, regular, false, now[0]);
            for (; got.size() < messages.size() && now[0] < 60_000; now[0] += 10) {
                a.flush(now[0], ab);
                for (byte[] d : ab.take()) {
                    in.input(buf.clear().put(d).flip(), now[0], toB); // the attacked pipeline
                    b.drain(ba);
                }
                b.flush(now[0], ba);
                for (byte[] d : ba.take()) {
                    a.receive(buf.clear().put(d).flip(), now[0], ab);
                }
                while (b.arq.recv(msg.clear()) >= 0) {
                    byte[] x = new byte[msg.position()];
                    msg.flip().get(x);
                    got.add(x);
                }
            }
            assertEquals(messages.size(), got.size(), "messages delivered after the attack");
            for (int i = 0; i < got.size(); i++) {
                assertArrayEquals(messages.get(i), got.get(i), "message " + i);
            }
        }
    }
}
