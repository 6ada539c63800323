package io.kcp.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kcp.SnmpCounter;
import io.kcp.arq.Arq;
import io.kcp.crypto.CipherKind;
import io.kcp.crypto.PacketCipher;
import io.kcp.kernel.Kernel;
import io.kcp.wire.Captures.Capture;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The four sessions kcp-go 5.6.1 sent, decoded end to end (InboundPipeline into an ARQ of the
 * active kernel) and re-encoded byte for byte (ARQ into OutboundPipeline).
 *
 * <p>What in kcp-go's output is deterministic: given the conv (fixed by the capture program),
 * the segment timestamp and each datagram's nonce, every byte: the KCP headers and data, the
 * FEC seqid/flag/size, the parity shards, the CRC32 and the ciphertext. What is not: the nonce
 * (16 random bytes per datagram) and the ts field (kcp-go's clock, milliseconds since its process
 * started). The encode test therefore takes the nonces (by decrypting the captured datagrams)
 * and the ts and receive window from the capture, and requires all other bytes to match.
 */
class KcpGoCapturesTest {

    private static final HexFormat HEX = HexFormat.of();

    private static PacketCipher cipher(Capture c) {
        return CipherKind.of(c.crypt()).create(c.key());
    }

    private static int header(Capture c) {
        return cipher(c).hasHeader() ? PacketCipher.HEADER_SIZE : 0;
    }

    private static boolean fec(Capture c) {
        return c.dataShards() > 0 && c.parityShards() > 0;
    }

    /** The captured datagram decrypted (a copy). */
    private static byte[] plain(Capture c, byte[] datagram) {
        byte[] p = datagram.clone();
        cipher(c).decrypt(p, 0, p.length);
        return p;
    }

    private static int le32(byte[] b, int i) {
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16 | (b[i + 3] & 0xFF) << 24;
    }

    private static boolean isParity(Capture c, byte[] datagram) {
        byte[] p = plain(c, datagram);
        return fec(c) && (p[header(c) + 4] & 0xFF) == 0xF2;
    }

    @TestFactory
    Stream<DynamicTest> decodesEveryCapture() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Capture c : Captures.all()) {
            for (boolean direct : new boolean[] {false, true}) {
                tests.add(DynamicTest.dynamicTest(c + (direct ? " direct" : " heap"), () -> decode(c, direct)));
            }
        }
        return tests.stream();
    }

    private static void decode(Capture c, boolean direct) {
        Counters counters = new Counters(null);
        List<byte[]> got = receive(c, c.datagrams(), c.dataShards(), c.parityShards(), counters, direct);
        assertMessages(c.messages(), got);

        long bytes = 0;
        long parity = 0;
        for (byte[] d : c.datagrams()) {
            bytes += d.length - header(c);
            parity += isParity(c, d) ? 1 : 0;
        }
        assertEquals(c.datagrams().size(), counters.get(Counter.IN_PKTS));
        assertEquals(bytes, counters.get(Counter.IN_BYTES));
        assertEquals(parity, counters.get(Counter.FEC_PARITY_SHARDS));
        long data = c.datagrams().size() - parity;
        assertEquals(fec(c) ? data / c.dataShards() * c.parityShards() : 0, parity,
                "parity follows every complete group");
        for (SnmpCounter bad : new SnmpCounter[] {SnmpCounter.IN_ERRS, SnmpCounter.IN_CSUM_ERRORS,
                SnmpCounter.KCP_IN_ERRORS, SnmpCounter.FEC_ERRS, SnmpCounter.FEC_RECOVERED}) {
            assertEquals(0, counters.get(Counter.valueOf(bad.name())), bad.kcpGoName());
        }
    }

    /** Feeds the datagrams to a fresh receiver and returns the messages it delivers. */
    private static List<byte[]> receive(Capture c, List<byte[]> datagrams, int ds, int ps,
                                        Counters counters, boolean direct) {
        List<byte[]> got = new ArrayList<>();
        try (Arq arq = Kernel.active().newArq(c.conv());
             InboundPipeline in = new InboundPipeline(cipher(c), ds, ps, Kernel.active().reedSolomon(), counters)) {
            ByteBuffer buf = direct ? ByteBuffer.allocateDirect(1500) : ByteBuffer.allocate(1500);
            ByteBuffer msg = ByteBuffer.allocate(1500);
            int now = 1000;
            for (byte[] d : datagrams) {
                buf.clear().put(d).flip();
                int t = now;
                in.input(buf, t, (kcp, regular) -> arq.input(kcp, regular, false, t));
                assertEquals(0, buf.position(), "input restores the position");
                assertEquals(d.length, buf.limit(), "input restores the limit");
                while (arq.recv(msg.clear()) >= 0) {
                    got.add(Arrays.copyOf(msg.array(), msg.position()));
                }
                now += 10;
            }
        }
        return got;
    }

    private static void assertMessages(List<byte[]> expected, List<byte[]> got) {
        assertEquals(expected.size(), got.size(), "messages delivered");
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), got.get(i), "message " + i);
        }
    }

    /** Every loss pattern FEC 10/3 can repair (at most 3 of the 13 datagrams) is repaired. */
    @Test
    void fecRecoversEveryRepairableLossOfTheFecCapture() {
        Capture c = Captures.all().stream().filter(x -> fec(x) && x.datagrams().size() == 13)
                .findFirst().orElseThrow();
        int n = c.datagrams().size();
        int patterns = 0;
        for (int mask = 0; mask < 1 << n; mask++) {
            if (Integer.bitCount(mask) > 3) {
                continue;
            }
            List<byte[]> kept = new ArrayList<>();
            int lostData = 0;
            for (int i = 0; i < n; i++) {
                if ((mask & 1 << i) == 0) {
                    kept.add(c.datagrams().get(i));
                } else if (!isParity(c, c.datagrams().get(i))) {
                    lostData++;
                }
            }
            Counters counters = new Counters(null);
            List<byte[]> got = receive(c, kept, 10, 3, counters, patterns % 2 == 0);
            assertMessages(c.messages(), got);
            assertEquals(lostData, counters.get(Counter.FEC_RECOVERED), "mask " + Integer.toBinaryString(mask));
            assertEquals(0, counters.get(Counter.KCP_IN_ERRORS));
            assertEquals(0, counters.get(Counter.FEC_ERRS));
            patterns++;
        }
        assertEquals(1 + 13 + 78 + 286, patterns);
    }

    /** A receiver configured without FEC still decodes a peer's FEC stream (kcp-go's lazy decoder). */
    @Test
    void receiverWithoutFecDecodesTheFecCapture() {
        Capture c = Captures.all().stream().filter(KcpGoCapturesTest::fec).filter(x -> header(x) == 0)
                .findFirst().orElseThrow();
        Counters counters = new Counters(null);
        List<byte[]> got = receive(c, c.datagrams(), 0, 0, counters, false);
        assertMessages(c.messages(), got);
        assertEquals(3, counters.get(Counter.FEC_PARITY_SHARDS));
        assertEquals(0, counters.get(Counter.KCP_IN_ERRORS));
    }

    /** What a listener reads from the first datagram of a new session (docs/wire.md, "Sessions"). */
    @Test
    void listenerPeeksConvAndSn() {
        for (Capture c : Captures.all()) {
            try (InboundPipeline in = new InboundPipeline(cipher(c), 0, 0, Kernel.active().reedSolomon(),
                    new Counters(null))) {
                for (int i = 0; i < c.datagrams().size(); i++) {
                    ByteBuffer b = ByteBuffer.wrap(c.datagrams().get(i).clone());
                    assertTrue(in.decryptAndCheck(b), c + " datagram " + i);
                    assertEquals(header(c), b.position());
                    int at = b.position();
                    if (isParity(c, c.datagrams().get(i))) {
                        assertEquals(-1, InboundPipeline.peekConv(b), "parity cannot open a session");
                        assertFalse(KcpPackets.startsConversation(b));
                    } else {
                        assertEquals(c.conv() & 0xFFFFFFFFL, InboundPipeline.peekConv(b));
                        assertEquals(i, InboundPipeline.peekSn(b));
                        assertTrue(KcpPackets.wellFormed(b), c + " datagram " + i);
                        assertEquals(i == 0, KcpPackets.startsConversation(b));
                    }
                    assertEquals(at, b.position(), "peeking does not move the position");
                }
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> reEncodesEveryCaptureByteForByte() {
        return Captures.all().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> encode(c)));
    }

    private static void encode(Capture c) {
        int h = header(c);
        int kcpAt = h + (fec(c) ? 8 : 0);
        List<byte[]> nonces = new ArrayList<>();
        for (byte[] d : c.datagrams()) {
            nonces.add(Arrays.copyOf(plain(c, d), 16));
        }
        byte[] first = plain(c, c.datagrams().get(0));
        int wnd = (first[kcpAt + 6] & 0xFF) | (first[kcpAt + 7] & 0xFF) << 8;
        Counters counters = new Counters(null);
        List<byte[]> sent = new ArrayList<>();
        try (Arq arq = Kernel.active().newArq(c.conv());
             OutboundPipeline out = new OutboundPipeline(cipher(c), c.dataShards(), c.parityShards(),
                     Kernel.active().reedSolomon(), new ReplayingNonceSource(nonces.toArray(new byte[0][])),
                     counters, c.mtu())) {
            assertEquals(kcpAt, out.reserveBytes());
            assertTrue(arq.setMtu(c.mtu()));
            assertTrue(arq.reserveBytes(out.reserveBytes()));
            arq.nodelay(1, 10, 2, 1);
            arq.windowSize(128, wnd);
            for (int i = 0; i < c.messages().size(); i++) {
                // kcp-go's Write flushes after each message; the datagram carries that flush's ts.
                byte[] p = plain(c, c.datagrams().get(sent.size()));
                arq.send(ByteBuffer.wrap(c.messages().get(i)));
                arq.flush(le32(p, kcpAt + 8));
                out.encodeOutput(arq.output(), arq.outputCount(), d -> {
                    byte[] x = new byte[d.remaining()];
                    d.get(x);
                    sent.add(x);
                });
                arq.clearOutput();
            }
        }
        assertEquals(c.datagrams().size(), sent.size(), "datagrams sent");
        long bytes = 0;
        for (int i = 0; i < sent.size(); i++) {
            assertEquals(HEX.formatHex(c.datagrams().get(i)), HEX.formatHex(sent.get(i)), c + " datagram " + i);
            bytes += sent.get(i).length;
        }
        assertEquals(sent.size(), counters.get(Counter.OUT_PKTS));
        assertEquals(bytes, counters.get(Counter.OUT_BYTES));
    }
}
