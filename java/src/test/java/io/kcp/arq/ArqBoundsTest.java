package io.kcp.arq;

import static io.kcp.arq.ArqTestKit.ACK;
import static io.kcp.arq.ArqTestKit.PUSH;
import static io.kcp.arq.ArqTestKit.ack;
import static io.kcp.arq.ArqTestKit.bytes;
import static io.kcp.arq.ArqTestKit.drain;
import static io.kcp.arq.ArqTestKit.feed;
import static io.kcp.arq.ArqTestKit.newArq;
import static io.kcp.arq.ArqTestKit.seg;
import static io.kcp.arq.ArqTestKit.segments;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kcp.arq.ArqTestKit.Seg;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a peer can make an instance hold: payload buffers, pooled buffers, pending ACKs. */
class ArqBoundsTest {
    private static final byte[] NONE = new byte[0];

    /** One datagram of empty PUSHes with the given sequence numbers. */
    private static byte[] pushes(int conv, int from, int count) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            b.writeBytes(seg(conv, PUSH, 0, 32, from + i, from + i, 0, NONE));
        }
        return b.toByteArray();
    }

    @Test
    void receivedSegmentsHoldWhatTheirPayloadNeeds() {
        try (Arq a = newArq(9)) {
            a.windowSize(2048, 1024);
            a.nodelay(1, 10, 2, 1);
            feed(a, pushes(9, 1, 500), 0); // out of order: all held in rcv_buf
            assertEquals(500, a.field(ArqField.RCV_BUF));
            assertEquals(0, a.field(ArqField.DATA_BYTES)); // used to be 500 * mss
            for (int sn = 501; sn <= 1000; sn++) {
                feed(a, seg(9, PUSH, 0, 32, 0, sn, 0, bytes(sn % 3, sn)), 0);
            }
            assertEquals(499, a.field(ArqField.DATA_BYTES)); // 0, 1 and 2 bytes in turn
            feed(a, seg(9, PUSH, 0, 32, 0, 0, 0, bytes(10, 0)), 0);
            assertEquals(1001, a.field(ArqField.RCV_QUEUE));
            ByteBuffer dst = ByteBuffer.allocate(64);
            while (a.recv(dst.clear()) >= 0) {
                // drain
            }
            assertEquals(0, a.field(ArqField.DATA_BYTES));
            assertEquals(509, a.field(ArqField.POOL_BYTES));
            a.flush(5); // within the interval: kept
            assertEquals(509, a.field(ArqField.POOL_BYTES));
            a.flush(10); // an interval on: 334 buffers were taken since the start, all kept
            assertEquals(509, a.field(ArqField.POOL_BYTES));
            a.flush(20); // an interval without takes: the newest 16 (sizes 1 and 2 in turn)
            assertEquals(8 * (1 + 2), a.field(ArqField.POOL_BYTES));
        }
    }

    @Test
    void emptyPushesAllocateNoPayloadInTheJavaKernel() {
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        byte[] flood = pushes(9, 1, 1000);
        try (JavaArq a = new JavaArq(9)) {
            a.windowSize(32, 1024);
            long before = mx.getCurrentThreadAllocatedBytes();
            feed(a, flood, 0);
            long allocated = mx.getCurrentThreadAllocatedBytes() - before;
            assertEquals(1000, a.field(ArqField.RCV_BUF));
            // segment objects and the queues' arrays only; an mss-sized array each was 1.4 MB
            assertTrue(allocated < 200_000, allocated + " bytes allocated for 1000 empty segments");
        }
    }

    /** Sends {@code count} segments of {@code size} bytes at {@code now}, acks them at now + 1. */
    private static void sendAllAcked(Arq a, int count, int size, int now) {
        for (int i = 0; i < count; i++) {
            assertEquals(0, a.send(ByteBuffer.wrap(bytes(size, i))));
        }
        a.flush(now);
        assertEquals(count, a.field(ArqField.SND_NXT) - a.field(ArqField.SND_UNA));
        drain(a);
        feed(a, ack(a.conv(), 4096, now, 0, (int) a.field(ArqField.SND_NXT)), now + 1);
        assertEquals(0, a.waitSnd());
        drain(a);
    }

    @Test
    void poolKeepsWhatAnIntervalTookAndLittleWhenIdle() {
        try (Arq a = newArq(9)) {
            a.nodelay(1, 10, 2, 1); // interval 10
            a.windowSize(2048, 256);
            feed(a, seg(9, ArqTestKit.WINS, 0, 4096, 0, 0, 0, NONE), 0); // the peer has spoken
            a.flush(0);
            sendAllAcked(a, 300, 1376, 5);
            assertEquals(0, a.field(ArqField.DATA_BYTES));
            assertEquals(300 * 1376, a.field(ArqField.POOL_BYTES));
            a.flush(10); // 300 taken in the last interval: kept for the next one
            assertEquals(300 * 1376, a.field(ArqField.POOL_BYTES));
            a.flush(20); // an idle interval: 16 buffers (was up to 1024 in C, 256 in Java)
            assertEquals(16 * 1376, a.field(ArqField.POOL_BYTES));
            sendAllAcked(a, 1100, 1376, 25);
            assertEquals(1024 * 1376, a.field(ArqField.POOL_BYTES)); // the hard limit
            a.flush(30);
            a.flush(40);
            assertEquals(16 * 1376, a.field(ArqField.POOL_BYTES));
            // a received full segment reuses a pooled buffer; a small one gets its own
            int rcv = (int) a.field(ArqField.RCV_NXT);
            feed(a, seg(9, PUSH, 0, 32, 0, rcv, 0, bytes(1376, 1)), 41);
            assertEquals(15 * 1376, a.field(ArqField.POOL_BYTES));
            assertEquals(1376, a.field(ArqField.DATA_BYTES));
            feed(a, seg(9, PUSH, 0, 32, 0, rcv + 1, 0, bytes(100, 1)), 41);
            assertEquals(15 * 1376, a.field(ArqField.POOL_BYTES));
            assertEquals(1476, a.field(ArqField.DATA_BYTES));
            // jumbo buffers: an idle pool keeps at most 64 KiB
            assertTrue(a.setMtu(9000));
            sendAllAcked(a, 20, 8976, 45);
            a.flush(50);
            a.flush(60);
            assertEquals(7 * 8976, a.field(ArqField.POOL_BYTES));
        }
    }

    @Test
    void ackListIsEmittedAtItsLimit() {
        try (Arq a = newArq(5)) {
            a.windowSize(32, 4096);
            int n = 2 * 1024 + 100;
            assertEquals(0, feed(a, pushes(5, 1, n), 7));
            assertEquals(100, a.field(ArqField.ACKLIST)); // kcp-go 5.6.1: 2148
            assertEquals(2048, a.field(ArqField.OUT_SEGS));
            assertEquals(n, a.field(ArqField.RCV_BUF));
            int sn = 1;
            for (byte[] d : drain(a)) {
                assertTrue(d.length <= 1400);
                for (Seg s : segments(d, 0)) {
                    assertEquals(ACK, s.cmd());
                    assertEquals(sn++, s.sn());
                }
            }
            assertEquals(2049, sn);
            a.flushAcks(8);
            assertEquals(100, drain(a).stream().mapToInt(d -> d.length / 24).sum());
            // old PUSHes: acked, but only the last of each batch is sent
            feed(a, pushes(5, -4096, n), 9);
            assertTrue(a.field(ArqField.ACKLIST) <= 1024);
            List<byte[]> out = drain(a);
            assertEquals(2, out.size());
            assertEquals(n, a.field(ArqField.REPEAT_SEGS));
        }
    }
}
