package io.kcp.arq;

import static io.kcp.arq.ArqTestKit.PUSH;
import static io.kcp.arq.ArqTestKit.bytes;
import static io.kcp.arq.ArqTestKit.drain;
import static io.kcp.arq.ArqTestKit.newArq;
import static io.kcp.arq.ArqTestKit.seg;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Hostile input, and two instances talking over a lossy, reordering, duplicating link. */
class JavaArqHostileTest {

    @Test
    void randomAndForgedDatagramsNeverThrow() {
        Random r = new Random(12345);
        try (Arq b = newArq(7)) {
            b.windowSize(64, 64);
            int now = 0xFFFF0000; // run across the clock wrap too
            long[] snap = new long[ArqField.COUNT];
            for (int i = 0; i < 20000; i++) {
                now += r.nextInt(30);
                byte[] d = r.nextInt(4) == 0 ? randomBytes(r) : forged(r, (int) b.field(ArqField.RCV_NXT));
                int rc = b.input(ByteBuffer.wrap(d), r.nextBoolean(), r.nextBoolean(), now);
                assertTrue(rc == 0 || rc == -1 || rc == -2 || rc == -3, "rc " + rc);
                switch (r.nextInt(6)) {
                    case 0:
                        b.flush(now);
                        break;
                    case 1:
                        int peek = b.peekSize();
                        assertTrue(peek >= -1);
                        int got = b.recv(ByteBuffer.allocate(r.nextInt(3000)));
                        assertTrue(got >= -2);
                        break;
                    case 2:
                        b.send(ByteBuffer.wrap(bytes(r.nextInt(3000), i)));
                        break;
                    default:
                        break;
                }
                b.snapshot(snap);
                assertEquals(b.waitSnd(), snap[ArqField.SND_QUEUE.ordinal()] + snap[ArqField.SND_BUF.ordinal()]);
                assertTrue(snap[ArqField.RCV_QUEUE.ordinal()] <= 64);
                if (b.outputCount() > 100) {
                    drain(b);
                }
            }
            b.digest();
        }
    }

    private static byte[] randomBytes(Random r) {
        byte[] d = new byte[r.nextInt(200)];
        r.nextBytes(d);
        return d;
    }

    /** Well-formed-looking segments with hostile field values near the receiver's window. */
    private static byte[] forged(Random r, int rcvNxt) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) {
            int cmd = r.nextInt(10) == 0 ? r.nextInt(256) : 81 + r.nextInt(4);
            int sn = r.nextBoolean() ? rcvNxt + r.nextInt(80) - 10 : r.nextInt();
            byte[] data = bytes(r.nextInt(40), i);
            byte[] s = seg(r.nextInt(50) == 0 ? 8 : 7, cmd, r.nextInt(256), r.nextInt(65536),
                    r.nextInt(), sn, r.nextBoolean() ? r.nextInt(8) : r.nextInt(), data);
            if (r.nextInt(20) == 0) { // lie about the length
                int len = r.nextInt();
                s[20] = (byte) len;
                s[21] = (byte) (len >> 8);
                s[22] = (byte) (len >> 16);
                s[23] = (byte) (len >> 24);
            }
            out.writeBytes(s);
        }
        if (r.nextInt(5) == 0) {
            out.writeBytes(new byte[r.nextInt(24)]);
        }
        return out.toByteArray();
    }

    @Test
    void messagesSurviveALossyLink() {
        List<byte[]> sent = new ArrayList<>();
        Random r = new Random(99);
        for (int i = 0; i < 300; i++) {
            sent.add(bytes(1 + r.nextInt(6000), i));
        }
        List<byte[]> received = run(sent, false, new Random(7));
        assertEquals(sent.size(), received.size());
        for (int i = 0; i < sent.size(); i++) {
            assertArrayEquals(sent.get(i), received.get(i), "message " + i);
        }
    }

    @Test
    void streamSurvivesALossyLink() {
        List<byte[]> sent = new ArrayList<>();
        Random r = new Random(5);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < 300; i++) {
            byte[] m = bytes(1 + r.nextInt(3000), i);
            sent.add(m);
            all.writeBytes(m);
        }
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        for (byte[] m : run(sent, true, new Random(8))) {
            got.writeBytes(m);
        }
        assertArrayEquals(all.toByteArray(), got.toByteArray());
    }

    private record InFlight(int due, long order, boolean toB, byte[] datagram) {
    }

    /** Sends {@code messages} from a to b over a link with 15% loss, 5% duplication and jitter. */
    private static List<byte[]> run(List<byte[]> messages, boolean stream, Random link) {
        List<byte[]> received = new ArrayList<>();
        long total = 0;
        for (byte[] m : messages) {
            total += m.length;
        }
        try (Arq a = newArq(3); Arq b = newArq(3)) {
            for (Arq x : new Arq[] {a, b}) {
                x.nodelay(1, 10, 2, 0);
                x.windowSize(64, 64);
                x.setStreamMode(stream);
            }
            PriorityQueue<InFlight> wire = new PriorityQueue<>(
                    (p, q) -> p.due != q.due ? Integer.compare(p.due, q.due) : Long.compare(p.order, q.order));
            long order = 0;
            int next = 0;
            long bytesIn = 0;
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            for (int now = 0; now < 600_000 && bytesIn < total; now += 10) {
                while (next < messages.size() && a.waitSnd() < 128) {
                    assertEquals(0, a.send(ByteBuffer.wrap(messages.get(next++))));
                }
                while (!wire.isEmpty() && wire.peek().due <= now) {
                    InFlight p = wire.poll();
                    Arq dst = p.toB ? b : a;
                    assertEquals(0, dst.input(ByteBuffer.wrap(p.datagram), true, false, now));
                }
                int n;
                while ((n = b.recv(buf.clear())) >= 0) {
                    received.add(java.util.Arrays.copyOf(buf.array(), n));
                    bytesIn += n;
                }
                a.flush(now);
                b.flush(now);
                for (Arq src : new Arq[] {a, b}) {
                    for (byte[] d : drain(src)) {
                        if (link.nextInt(100) < 15) {
                            continue;
                        }
                        int copies = link.nextInt(100) < 5 ? 2 : 1;
                        for (int c = 0; c < copies; c++) {
                            wire.add(new InFlight(now + 5 + link.nextInt(40), order++, src == a, d));
                        }
                    }
                }
            }
            assertTrue(a.field(ArqField.RETRANS_SEGS) > 0, "the link should have forced retransmissions");
            assertTrue(b.field(ArqField.REPEAT_SEGS) > 0, "duplicates should have been seen");
            assertEquals(0, a.state());
        }
        return received;
    }

    @Test
    void receiverBufferSurvivesHeavyReordering() {
        try (Arq b = newArq(1)) {
            b.windowSize(32, 256);
            Random r = new Random(3);
            int[] order = new int[200];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            for (int i = order.length - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int sn : order) {
                ArqTestKit.feed(b, seg(1, PUSH, 0, 32, 0, sn, 0, bytes(4, sn)), 0);
            }
            assertEquals(200, b.field(ArqField.RCV_QUEUE));
            assertEquals(0, b.field(ArqField.RCV_BUF));
            for (int sn = 0; sn < 200; sn++) {
                byte[] m = new byte[4];
                assertEquals(4, b.recv(ByteBuffer.wrap(m)));
                assertArrayEquals(bytes(4, sn), m);
            }
        }
    }
}
