package io.kcp.arq;

import static io.kcp.arq.ArqTestKit.ACK;
import static io.kcp.arq.ArqTestKit.PUSH;
import static io.kcp.arq.ArqTestKit.WINS;
import static io.kcp.arq.ArqTestKit.ack;
import static io.kcp.arq.ArqTestKit.bytes;
import static io.kcp.arq.ArqTestKit.concat;
import static io.kcp.arq.ArqTestKit.drain;
import static io.kcp.arq.ArqTestKit.drainSegments;
import static io.kcp.arq.ArqTestKit.feed;
import static io.kcp.arq.ArqTestKit.hex;
import static io.kcp.arq.ArqTestKit.newArq;
import static io.kcp.arq.ArqTestKit.seg;
import static io.kcp.arq.ArqTestKit.segments;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kcp.arq.ArqTestKit.Seg;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Wire format, send/recv, fragmentation, input validation and configuration (kcp-go 5.6.1). */
class JavaArqTest {
    private static final int CONV = 0x7aa6ad5a;
    private static final byte[] HELLO = "hello kcp".getBytes(StandardCharsets.US_ASCII);
    /** docs/wire.md, "A KCP segment": the PUSH kcp-go sends for "hello kcp" (wnd 1024, ts 4, sn 0, una 0). */
    private static final byte[] HELLO_PUSH = concat(
            hex("5aada67a 51 00 0004 04000000 00000000 00000000 09000000"), HELLO);

    @Test
    void defaultsAreKcpGos() {
        try (Arq a = newArq(CONV)) {
            assertEquals(0x7aa6ad5aL, a.field(ArqField.CONV));
            assertEquals(1400, a.field(ArqField.MTU));
            assertEquals(1376, a.field(ArqField.MSS));
            assertEquals(0, a.field(ArqField.STATE));
            assertEquals(2, a.field(ArqField.SSTHRESH));
            assertEquals(200, a.field(ArqField.RX_RTO));
            assertEquals(100, a.field(ArqField.RX_MINRTO));
            assertEquals(32, a.field(ArqField.SND_WND));
            assertEquals(32, a.field(ArqField.RCV_WND));
            assertEquals(32, a.field(ArqField.RMT_WND));
            assertEquals(0, a.field(ArqField.RMT_WND_KNOWN)); // 32 is only assumed
            assertEquals(0, a.field(ArqField.CWND));
            assertEquals(100, a.field(ArqField.INTERVAL));
            assertEquals(20, a.field(ArqField.DEAD_LINK));
            assertEquals(0, a.field(ArqField.DATA_BYTES));
            assertEquals(0, a.field(ArqField.POOL_BYTES));
            long[] all = new long[ArqField.COUNT];
            a.snapshot(all);
            for (ArqField f : ArqField.values()) {
                assertEquals(a.field(f), all[f.ordinal()], f.name());
            }
        }
    }

    @Test
    void convIsZeroExtended() {
        try (Arq a = newArq(0xFFFFFFFE)) {
            assertEquals(0xFFFFFFFEL, a.field(ArqField.CONV));
            assertEquals(0xFFFFFFFE, a.conv());
        }
    }

    @Test
    void helloPushMatchesWireExample() {
        try (Arq a = newArq(CONV)) {
            a.windowSize(32, 1024);
            a.nodelay(-1, -1, -1, 1); // no cwnd: the first flush already sends
            assertEquals(0, a.send(ByteBuffer.wrap(HELLO)));
            assertEquals(1, a.waitSnd());
            assertEquals(100, a.flush(4)); // next flush: min(interval 100, rto 200)
            List<byte[]> records = drain(a);
            assertEquals(1, records.size());
            assertArrayEquals(HELLO_PUSH, records.get(0));
            assertEquals(1, a.field(ArqField.OUT_SEGS));
            assertEquals(1, a.field(ArqField.SND_BUF));
            assertEquals(1, a.field(ArqField.SND_NXT));
        }
    }

    @Test
    void firstFlushWithCongestionControlOnlyOpensTheWindow() {
        // kcp-go starts with cwnd 0: the first flush moves nothing and then sets cwnd to 1
        try (Arq a = newArq(CONV)) {
            a.windowSize(32, 1024);
            a.send(ByteBuffer.wrap(HELLO));
            a.flush(3);
            assertEquals(0, a.outputCount());
            assertEquals(1, a.field(ArqField.CWND));
            assertEquals(1376, a.field(ArqField.INCR));
            a.flush(4);
            assertArrayEquals(HELLO_PUSH, drain(a).get(0));
        }
    }

    @Test
    void ackReplyMatchesWireExample() {
        try (Arq b = newArq(CONV)) {
            b.windowSize(32, 1024);
            ByteBuffer in = ByteBuffer.wrap(HELLO_PUSH);
            assertEquals(0, b.input(in, true, false, 50));
            assertEquals(0, in.position()); // input does not move the position
            assertEquals(1, b.field(ArqField.IN_SEGS));
            assertEquals(1, b.field(ArqField.ACKLIST));
            assertEquals(1, b.field(ArqField.RCV_NXT));
            assertEquals(9, b.peekSize());
            ByteBuffer dst = ByteBuffer.allocate(32);
            assertEquals(9, b.recv(dst));
            assertEquals(9, dst.position());
            assertArrayEquals(HELLO, java.util.Arrays.copyOf(dst.array(), 9));
            b.flushAcks(60);
            List<byte[]> records = drain(b);
            assertEquals(1, records.size());
            assertArrayEquals(hex("5aada67a 52 00 0004 04000000 00000000 01000000 00000000"),
                    records.get(0));
            assertEquals(0, b.field(ArqField.ACKLIST));
        }
    }

    @Test
    void ackAdvertisesTheWindowLeftByTheQueue() {
        try (Arq b = newArq(CONV)) {
            b.windowSize(32, 1024);
            feed(b, HELLO_PUSH, 50);
            b.flush(60); // the message is still queued: wnd 1023
            List<Seg> segs = drainSegments(b);
            assertEquals(1, segs.size());
            assertEquals(ACK, segs.get(0).cmd());
            assertEquals(1023, segs.get(0).wnd());
            assertEquals(1, segs.get(0).una());
        }
    }

    @Test
    void windowFieldIsTruncatedToSixteenBits() {
        try (Arq b = newArq(CONV)) {
            b.windowSize(32, 65536 + 5);
            feed(b, HELLO_PUSH, 0);
            b.flushAcks(0);
            // rcv_wnd - len(rcv_queue) = 65540, sent as u16
            assertEquals(4, drainSegments(b).get(0).wnd());
        }
    }

    @Test
    void ackNoDelayFlushesAcksFromInput() {
        try (Arq b = newArq(CONV)) {
            assertEquals(0, b.input(ByteBuffer.wrap(HELLO_PUSH), true, true, 5));
            List<Seg> segs = drainSegments(b);
            assertEquals(1, segs.size());
            assertEquals(ACK, segs.get(0).cmd());
            assertEquals(4, segs.get(0).ts());
        }
    }

    @Test
    void messageIsFragmentedAndReassembled() {
        try (Arq a = newArq(1); Arq b = newArq(1)) {
            assertTrue(a.setMtu(50));
            assertEquals(26, a.mss());
            a.nodelay(-1, -1, -1, 1);
            byte[] msg = bytes(100, 7);
            assertEquals(0, a.send(ByteBuffer.wrap(msg)));
            assertEquals(4, a.field(ArqField.SND_QUEUE));
            a.flush(0);
            List<byte[]> records = drain(a);
            assertEquals(4, records.size()); // each 50-byte segment fills the mtu
            int[] frg = new int[4];
            for (int i = 0; i < 4; i++) {
                Seg s = segments(records.get(i), 0).get(0);
                frg[i] = s.frg();
                assertEquals(i, s.sn());
                assertEquals(i < 3 ? 26 : 22, s.data().length);
            }
            assertArrayEquals(new int[] {3, 2, 1, 0}, frg);
            // deliver in reverse: nothing is readable until the first fragment arrives
            for (int i = 3; i >= 1; i--) {
                assertEquals(0, feed(b, records.get(i), 1));
                assertEquals(-1, b.peekSize());
                assertEquals(-1, b.recv(ByteBuffer.allocate(200)));
            }
            assertEquals(3, b.field(ArqField.RCV_BUF));
            feed(b, records.get(0), 1);
            assertEquals(0, b.field(ArqField.RCV_BUF));
            assertEquals(4, b.field(ArqField.RCV_QUEUE));
            assertEquals(100, b.peekSize());
            assertEquals(-2, b.recv(ByteBuffer.allocate(99)));
            ByteBuffer dst = ByteBuffer.allocateDirect(100);
            assertEquals(100, b.recv(dst));
            byte[] got = new byte[100];
            dst.flip().get(got);
            assertArrayEquals(msg, got);
            assertEquals(-1, b.peekSize());
        }
    }

    @Test
    void incompleteMessageIsNotReadableWhenQueueIsShort() {
        try (Arq b = newArq(1)) {
            feed(b, seg(1, PUSH, 2, 32, 0, 0, 0, bytes(5, 1)), 0);
            feed(b, seg(1, PUSH, 1, 32, 0, 1, 0, bytes(5, 2)), 0);
            assertEquals(2, b.field(ArqField.RCV_QUEUE));
            assertEquals(-1, b.peekSize());
            feed(b, seg(1, PUSH, 0, 32, 0, 2, 0, bytes(5, 3)), 0);
            assertEquals(15, b.peekSize());
        }
    }

    @Test
    void fragmentCount255WrapsInPeekSize() {
        // kcp-go computes frg+1 in uint8: a (hostile) frg of 255 skips the completeness check
        try (Arq b = newArq(1)) {
            feed(b, seg(1, PUSH, 255, 32, 0, 0, 0, bytes(5, 1)), 0);
            assertEquals(5, b.peekSize());
            feed(b, seg(1, PUSH, 7, 32, 0, 1, 0, bytes(3, 1)), 0);
            assertEquals(8, b.peekSize());
            ByteBuffer dst = ByteBuffer.allocate(8);
            assertEquals(8, b.recv(dst));
            assertEquals(0, b.field(ArqField.RCV_QUEUE));
        }
    }

    @Test
    void atMost255Fragments() {
        try (Arq a = newArq(1)) {
            ByteBuffer ok = ByteBuffer.allocate(255 * 1376);
            assertEquals(0, a.send(ok));
            assertEquals(ok.limit(), ok.position());
            assertEquals(255, a.waitSnd());
            ByteBuffer tooBig = ByteBuffer.allocate(255 * 1376 + 1);
            assertEquals(-2, a.send(tooBig));
            assertEquals(0, tooBig.position());
            assertEquals(255, a.waitSnd());
            assertEquals(-1, a.send(ByteBuffer.allocate(0)));
        }
    }

    @Test
    void streamModeFillsTheLastSegmentFirst() {
        try (Arq a = newArq(1)) {
            a.setStreamMode(true);
            a.nodelay(-1, -1, -1, 1);
            assertEquals(1, a.field(ArqField.STREAM));
            a.send(ByteBuffer.wrap(bytes(2000, 1)));
            assertEquals(2, a.waitSnd());
            a.send(ByteBuffer.wrap(bytes(1000, 2)));
            assertEquals(3, a.waitSnd()); // 752 bytes top up the 624-byte segment, 248 go to a new one
            a.flush(0);
            List<Seg> segs = drainSegments(a);
            assertEquals(3, segs.size());
            assertEquals(1376, segs.get(0).data().length);
            assertEquals(1376, segs.get(1).data().length);
            assertEquals(248, segs.get(2).data().length);
            for (Seg s : segs) {
                assertEquals(0, s.frg());
            }
            byte[] expected = concat(bytes(2000, 1), bytes(1000, 2));
            assertArrayEquals(expected, concat(segs.get(0).data(), segs.get(1).data(), segs.get(2).data()));
        }
    }

    @Test
    void messageModeKeepsMessagesApart() {
        try (Arq a = newArq(1)) {
            a.send(ByteBuffer.wrap(bytes(3, 1)));
            a.send(ByteBuffer.wrap(bytes(3, 2)));
            assertEquals(2, a.waitSnd());
        }
    }

    @Test
    void streamModeAppendsBeforeFailingOnTooManyFragments() {
        try (Arq a = newArq(1)) {
            a.setStreamMode(true);
            a.nodelay(-1, -1, -1, 1);
            a.send(ByteBuffer.wrap(bytes(10, 1)));
            ByteBuffer big = ByteBuffer.allocateDirect(1366 + 255 * 1376 + 1);
            assertEquals(-2, a.send(big));
            assertEquals(0, big.position());
            assertEquals(1, a.waitSnd());
            a.flush(0);
            assertEquals(1376, drainSegments(a).get(0).data().length);
        }
    }

    @Test
    void sendAcceptsDirectBuffersAndConsumesThem() {
        try (Arq a = newArq(1); Arq b = newArq(1)) {
            a.nodelay(-1, -1, -1, 1);
            ByteBuffer src = ByteBuffer.allocateDirect(64);
            src.put(bytes(64, 9)).position(10).limit(40);
            assertEquals(0, a.send(src));
            assertEquals(40, src.position());
            a.flush(0);
            for (byte[] d : drain(a)) {
                ByteBuffer in = ByteBuffer.allocateDirect(d.length + 8).order(ByteOrder.LITTLE_ENDIAN);
                in.position(8);
                in.put(d).position(8);
                assertEquals(0, b.input(in, true, false, 0));
                assertEquals(8, in.position());
            }
            byte[] got = new byte[30];
            assertEquals(30, b.recv(ByteBuffer.wrap(got)));
            assertArrayEquals(java.util.Arrays.copyOfRange(bytes(64, 9), 10, 40), got);
        }
    }

    @Test
    void inputErrorCodes() {
        try (Arq b = newArq(CONV)) {
            assertEquals(-1, feed(b, new byte[23], 0));
            assertEquals(-1, feed(b, seg(CONV + 1, PUSH, 0, 7, 0, 0, 0, HELLO), 0));
            byte[] truncated = seg(CONV, PUSH, 0, 7, 0, 0, 0, HELLO);
            assertEquals(-2, feed(b, java.util.Arrays.copyOf(truncated, truncated.length - 1), 0));
            byte[] hugeLen = ack(CONV, 7, 0, 0, 0);
            hugeLen[20] = hugeLen[21] = hugeLen[22] = hugeLen[23] = (byte) 0xff;
            assertEquals(-2, feed(b, hugeLen, 0));
            assertEquals(-3, feed(b, seg(CONV, 80, 0, 7, 0, 0, 0, new byte[0]), 0));
            assertEquals(-3, feed(b, seg(CONV, 85, 0, 7, 0, 0, 0, new byte[0]), 0));
            assertEquals(0, b.field(ArqField.IN_SEGS));
            assertEquals(0, b.field(ArqField.ACKLIST));
            assertEquals(32, b.field(ArqField.RMT_WND));
        }
    }

    @Test
    void segmentsBeforeABadOneAreProcessed() {
        try (Arq b = newArq(CONV)) {
            byte[] d = concat(HELLO_PUSH, seg(CONV, 90, 0, 7, 0, 0, 0, new byte[0]));
            assertEquals(-3, feed(b, d, 0));
            assertEquals(1, b.field(ArqField.RCV_QUEUE));
            assertEquals(1, b.field(ArqField.ACKLIST));
            assertEquals(1024, b.field(ArqField.RMT_WND));
            assertEquals(0, b.field(ArqField.IN_SEGS)); // InSegs is added only after a clean loop
            d = concat(seg(CONV, PUSH, 0, 32, 0, 1, 0, HELLO), seg(CONV ^ 1, PUSH, 0, 32, 0, 2, 0, HELLO));
            assertEquals(-1, feed(b, d, 0));
            assertEquals(2, b.field(ArqField.RCV_QUEUE));
        }
    }

    @Test
    void trailingBytesShorterThanAHeaderAreIgnored() {
        try (Arq b = newArq(CONV)) {
            assertEquals(0, feed(b, concat(HELLO_PUSH, new byte[23]), 0));
            assertEquals(1, b.field(ArqField.IN_SEGS));
            assertEquals(9, b.peekSize());
        }
    }

    @Test
    void repeatedAndOutOfWindowPushesAreCounted() {
        try (Arq b = newArq(1)) {
            feed(b, seg(1, PUSH, 0, 32, 1, 0, 0, HELLO), 0);
            feed(b, seg(1, PUSH, 0, 32, 2, 0, 0, HELLO), 0); // below rcv_nxt: acked, repeat
            assertEquals(1, b.field(ArqField.REPEAT_SEGS));
            feed(b, seg(1, PUSH, 0, 32, 3, 5, 0, HELLO), 0);
            feed(b, seg(1, PUSH, 0, 32, 4, 5, 0, HELLO), 0); // already held in rcv_buf
            assertEquals(2, b.field(ArqField.REPEAT_SEGS));
            feed(b, seg(1, PUSH, 0, 32, 5, 33, 0, HELLO), 0); // rcv_nxt 1 + rcv_wnd 32: out of window
            assertEquals(3, b.field(ArqField.REPEAT_SEGS));
            assertEquals(4, b.field(ArqField.ACKLIST)); // the out-of-window one is not acked
            b.input(ByteBuffer.wrap(seg(1, PUSH, 0, 32, 6, 5, 0, HELLO)), false, false, 0);
            assertEquals(3, b.field(ArqField.REPEAT_SEGS)); // FEC-recovered repeats are not counted
            assertEquals(5, b.field(ArqField.ACKLIST));
            assertEquals(6, b.field(ArqField.IN_SEGS));
        }
    }

    @Test
    void staleAcksAreFilteredExceptTheLast() {
        try (Arq b = newArq(1)) {
            feed(b, concat(seg(1, PUSH, 0, 32, 10, 0, 0, HELLO), seg(1, PUSH, 0, 32, 11, 0, 0, HELLO),
                    seg(1, PUSH, 0, 32, 12, 1, 0, HELLO)), 0);
            assertEquals(3, b.field(ArqField.ACKLIST));
            b.flushAcks(0);
            List<Seg> segs = drainSegments(b);
            assertEquals(1, segs.size()); // rcv_nxt is 2: only the last (sn 1) survives
            assertEquals(1, segs.get(0).sn());
            assertEquals(12, segs.get(0).ts());
            assertEquals(2, segs.get(0).una());
            assertEquals(1, b.field(ArqField.OUT_SEGS));
        }
    }

    @Test
    void acksAreSplitAtTheMtuAfterReservedBytes() {
        try (Arq b = newArq(1)) {
            assertTrue(b.reserveBytes(28));
            assertEquals(1348, b.mss());
            b.windowSize(128, 128);
            byte[][] pushes = new byte[60][];
            for (int i = 0; i < 60; i++) { // sn 1..60: rcv_nxt stays 0, so no ACK is filtered
                pushes[i] = seg(1, PUSH, 0, 32, i, i + 1, 0, new byte[1]);
            }
            feed(b, concat(pushes), 0);
            b.flushAcks(0);
            List<byte[]> records = drain(b);
            assertEquals(2, records.size());
            assertEquals(28 + 57 * 24, records.get(0).length); // 1396 <= 1400 < 1420
            assertEquals(28 + 3 * 24, records.get(1).length);
            for (byte[] r : records) {
                assertArrayEquals(new byte[28], java.util.Arrays.copyOf(r, 28));
            }
            assertEquals(60, segments(records.get(1), 28).get(2).sn());
        }
    }

    @Test
    void reservedBytesAreZeroEvenAfterTheCallerWroteIntoThem() {
        try (Arq a = newArq(1)) {
            a.reserveBytes(8);
            a.nodelay(-1, -1, -1, 1);
            a.send(ByteBuffer.wrap(HELLO));
            a.flush(0);
            ByteBuffer out = a.output();
            assertEquals(0, out.position());
            assertEquals(4 + 8 + 24 + 9, out.limit());
            assertEquals(8 + 24 + 9, out.order(ByteOrder.LITTLE_ENDIAN).getInt(0));
            for (int i = 4; i < 12; i++) {
                out.put(i, (byte) 0x5a); // the FEC/crypto layer writes its header in place
            }
            a.clearOutput();
            assertEquals(0, a.output().limit());
            a.flush(300); // retransmission
            byte[] d = drain(a).get(0);
            assertArrayEquals(new byte[8], java.util.Arrays.copyOf(d, 8));
            assertEquals(300, segments(d, 8).get(0).ts());
        }
    }

    @Test
    void oversizedSegmentAfterMtuShrinkIsEmittedWhole() {
        try (Arq a = newArq(1)) {
            a.nodelay(-1, -1, -1, 1);
            a.reserveBytes(10);
            a.send(ByteBuffer.wrap(bytes(1000, 3)));
            assertTrue(a.setMtu(100));
            assertEquals(66, a.mss());
            a.flush(0);
            List<byte[]> records = drain(a);
            // makeSpace first emits the datagram under construction, which holds only the reserved bytes
            assertEquals(2, records.size());
            assertArrayEquals(new byte[10], records.get(0));
            assertEquals(10 + 24 + 1000, records.get(1).length);
        }
    }

    @Test
    void mtuAndReserveValidation() {
        try (Arq a = newArq(1)) {
            assertFalse(a.setMtu(49));
            assertEquals(1400, a.mtu());
            assertTrue(a.setMtu(50));
            assertEquals(26, a.mss());
            assertFalse(a.reserveBytes(26));
            assertFalse(a.reserveBytes(-1));
            assertTrue(a.reserveBytes(25));
            assertEquals(1, a.mss());
            assertEquals(25, a.field(ArqField.RESERVED));
            assertTrue(a.setMtu(1400));
            assertEquals(1351, a.mss());
            assertTrue(a.reserveBytes(1375));
            assertFalse(a.setMtu(1399)); // the new mtu would leave no room after the reserved bytes
            assertEquals(1400, a.mtu());
            assertEquals(1, a.mss());
        }
    }

    @Test
    void nodelayWindowAndMinRtoSettings() {
        try (Arq a = newArq(1)) {
            a.nodelay(1, 5, 2, 1);
            assertEquals(1, a.field(ArqField.NODELAY));
            assertEquals(30, a.field(ArqField.RX_MINRTO));
            assertEquals(10, a.field(ArqField.INTERVAL));
            assertEquals(2, a.field(ArqField.FASTRESEND));
            assertEquals(1, a.field(ArqField.NOCWND));
            a.nodelay(-1, 6000, -1, -1);
            assertEquals(5000, a.field(ArqField.INTERVAL));
            assertEquals(30, a.field(ArqField.RX_MINRTO));
            assertEquals(2, a.field(ArqField.FASTRESEND));
            a.nodelay(0, -1, -1, -1);
            assertEquals(100, a.field(ArqField.RX_MINRTO));
            a.setMinRto(5);
            assertEquals(5, a.field(ArqField.RX_MINRTO));
            a.setMinRto(0);
            assertEquals(5, a.field(ArqField.RX_MINRTO));
            a.windowSize(0, 512);
            assertEquals(32, a.field(ArqField.SND_WND));
            assertEquals(512, a.field(ArqField.RCV_WND));
            a.windowSize(64, -1);
            assertEquals(64, a.field(ArqField.SND_WND));
            assertEquals(512, a.field(ArqField.RCV_WND));
        }
    }

    @Test
    void fullQueueDrainingTellsThePeerTheWindow() {
        try (Arq b = newArq(1)) {
            b.windowSize(32, 2);
            feed(b, concat(seg(1, PUSH, 0, 32, 0, 0, 0, HELLO), seg(1, PUSH, 0, 32, 0, 1, 0, HELLO)), 0);
            b.flushAcks(0);
            List<Seg> acks = drainSegments(b);
            assertEquals(1, acks.size()); // the ACK for sn 0 is stale by now
            assertEquals(0, acks.get(0).wnd());
            assertEquals(9, b.recv(ByteBuffer.allocate(9)));
            assertEquals(2, b.field(ArqField.PROBE)); // IKCP_ASK_TELL
            b.flush(0);
            List<Seg> segs = drainSegments(b);
            assertEquals(1, segs.size());
            assertEquals(WINS, segs.get(0).cmd());
            assertEquals(1, segs.get(0).wnd());
            assertEquals(0, b.field(ArqField.PROBE));
        }
    }

    @Test
    void receiveWindowLimitsTheQueue() {
        try (Arq b = newArq(1)) {
            b.windowSize(32, 2);
            feed(b, seg(1, PUSH, 0, 32, 0, 1, 0, HELLO), 0);
            feed(b, seg(1, PUSH, 0, 32, 0, 0, 0, HELLO), 0);
            assertEquals(2, b.field(ArqField.RCV_QUEUE));
            feed(b, seg(1, PUSH, 0, 32, 0, 2, 0, HELLO), 0); // in window (sn < rcv_nxt 2 + 2)
            assertEquals(1, b.field(ArqField.RCV_BUF)); // but the queue is full
            b.recv(ByteBuffer.allocate(9));
            assertEquals(2, b.field(ArqField.RCV_QUEUE)); // recv moved sn 2 over
            assertEquals(3, b.field(ArqField.RCV_NXT));
        }
    }

    @Test
    void digestFollowsTheContract() {
        try (Arq a = newArq(1)) {
            long h = 0xcbf29ce484222325L;
            long empty = h;
            for (int i = 0; i < 5; i++) {
                empty = mix(empty, 0);
            }
            assertEquals(empty, a.digest());
            a.send(ByteBuffer.wrap(new byte[] {1, 2, (byte) 0xff}));
            // a queued segment: conv and cmd are only set when it moves to snd_buf
            long d = mix(h, 1);
            for (int i = 0; i < 12; i++) {
                d = mix(d, 0);
            }
            d = mix(mix(mix(mix(d, 3), 1), 2), 0xff);
            for (int i = 0; i < 4; i++) {
                d = mix(d, 0);
            }
            assertEquals(d, a.digest());
        }
    }

    @Test
    void digestSeesAckedSegmentsLoseTheirData() {
        try (Arq a = newArq(1)) {
            a.nodelay(-1, -1, -1, 1);
            a.send(ByteBuffer.wrap(HELLO));
            a.send(ByteBuffer.wrap(HELLO));
            a.flush(0);
            drain(a);
            long before = a.digest();
            feed(a, ack(1, 32, 0, 1, 0), 10); // sn 1 acked, una still 0
            assertEquals(2, a.field(ArqField.SND_BUF));
            assertTrue(before != a.digest());
            a.flush(20);
            List<Seg> segs = drainSegments(a);
            assertEquals(1, segs.size()); // sn 0: early retransmit; sn 1 acked, skipped
            assertEquals(0, segs.get(0).sn());
        }
    }

    @Test
    void outputAccumulatesUntilCleared() {
        try (Arq a = newArq(1)) {
            a.nodelay(-1, -1, -1, 1);
            a.send(ByteBuffer.wrap(HELLO));
            a.flush(0);
            a.flush(200);
            assertEquals(2, a.outputCount());
            assertEquals(2 * (4 + 33), a.output().limit());
            List<byte[]> r = drain(a);
            assertEquals(0, segments(r.get(0), 0).get(0).ts());
            assertEquals(200, segments(r.get(1), 0).get(0).ts());
            assertEquals(0, a.outputCount());
        }
    }

    @Test
    void closedInstanceRejectsCalls() {
        Arq a = newArq(1);
        a.close();
        a.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> a.send(ByteBuffer.wrap(HELLO)));
        assertThrows(IllegalStateException.class, () -> a.input(ByteBuffer.wrap(HELLO_PUSH), true, false, 0));
        assertThrows(IllegalStateException.class, () -> a.flush(0));
        assertThrows(IllegalStateException.class, () -> a.recv(ByteBuffer.allocate(9)));
        assertThrows(IllegalStateException.class, () -> a.field(ArqField.CONV));
    }

    private static long mix(long h, int v) {
        return (h ^ Integer.toUnsignedLong(v)) * 0x100000001b3L;
    }
}
