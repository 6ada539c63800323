package io.kcp.arq;

import static io.kcp.arq.ArqTestKit.ACK;
import static io.kcp.arq.ArqTestKit.PUSH;
import static io.kcp.arq.ArqTestKit.WINS;
import static io.kcp.arq.ArqTestKit.concat;
import static io.kcp.arq.ArqTestKit.drain;
import static io.kcp.arq.ArqTestKit.drainSegments;
import static io.kcp.arq.ArqTestKit.feed;
import static io.kcp.arq.ArqTestKit.newArq;
import static io.kcp.arq.ArqTestKit.seg;
import static io.kcp.arq.ArqTestKit.segments;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kcp.arq.ArqTestKit.Seg;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ACK clocking: with it on, an input that leaves one datagram's worth of ACKs pending
 * ({@code (mtu - reserved) / 24}) sends them at once, in an ACK-only flush run after the whole
 * datagram; with it off (a new instance, kcp-go 5.6.1) nothing leaves before the next flush.
 * Nothing is read here, so every ACK announces the window {@code 1024 - rcv_nxt}.
 */
class ArqAckClockingTest {
    private static final int CONV = 0xac10c;
    private static final byte[] ONE = {'d'};

    private static Arq receiver() {
        Arq arq = newArq(CONV);
        arq.nodelay(1, 10, 2, 1);
        arq.windowSize(128, 1024);
        return arq;
    }

    /** A PUSH of one byte, sn {@code sn}, ts {@code 1000 + sn}, una 0 (slides nothing). */
    private static byte[] push(int sn) {
        return seg(CONV, PUSH, 0, 1024, 1000 + sn, sn, 0, ONE);
    }

    /** Asserts that {@code datagram} holds only ACKs for {@code first .. first + n - 1}. */
    private static void assertAcks(byte[] datagram, int reserved, int first, int n, int una) {
        assertEquals(reserved + 24 * n, datagram.length, "datagram length");
        for (int i = 0; i < reserved; i++) {
            assertEquals(0, datagram[i]);
        }
        List<Seg> segs = segments(datagram, reserved);
        for (int i = 0; i < n; i++) {
            Seg s = segs.get(i);
            assertEquals(ACK, s.cmd(), "cmd of ACK " + i);
            assertEquals(first + i, s.sn());
            assertEquals(1000 + first + i, s.ts());
            assertEquals(una, s.una());
            assertEquals(1024 - una, s.wnd());
            assertEquals(0, s.data().length);
        }
    }

    @Test
    void offByDefaultAcksWaitForTheFlush() {
        try (Arq arq = receiver()) {
            assertEquals(0, arq.field(ArqField.ACK_CLOCKING));
            for (int sn = 1; sn <= 200; sn++) { // sn 0 missing: every ACK would be sent
                assertEquals(0, feed(arq, push(sn), 5));
                assertEquals(0, arq.outputCount(), "output during input " + sn);
            }
            assertEquals(200, arq.field(ArqField.ACKLIST));
            arq.flush(6);
            List<byte[]> out = drain(arq);
            assertEquals(4, out.size()); // 58 + 58 + 58 + 26
            assertAcks(out.get(0), 0, 1, 58, 0);
            assertAcks(out.get(3), 0, 175, 26, 0);
        }
    }

    @Test
    void aDatagramsWorthLeavesDuringInputAndNothingElse() {
        try (Arq arq = receiver()) {
            arq.setAckClocking(true);
            assertEquals(1, arq.field(ArqField.ACK_CLOCKING));
            assertEquals(0, arq.send(ByteBuffer.wrap("reply".getBytes())));
            assertEquals(0, feed(arq, seg(CONV, ArqTestKit.WASK, 0, 1024, 0, 0, 0, new byte[0]), 5));
            for (int sn = 1; sn < 58; sn++) {
                assertEquals(0, feed(arq, push(sn), 5));
                assertEquals(0, arq.outputCount(), "output during input " + sn);
            }
            assertEquals(0, feed(arq, push(58), 5));
            assertEquals(0, arq.field(ArqField.ACKLIST));
            List<byte[]> out = drain(arq);
            assertEquals(1, out.size());
            assertAcks(out.get(0), 0, 1, 58, 0); // one full datagram: 1392 of 1400 bytes
            // no data, no WINS: those wait for the flush
            assertEquals(1, arq.field(ArqField.SND_QUEUE));
            assertEquals(2, arq.field(ArqField.PROBE));
            arq.flush(6);
            List<Seg> flushed = drainSegments(arq);
            assertEquals(2, flushed.size());
            assertEquals(WINS, flushed.get(0).cmd());
            assertEquals(PUSH, flushed.get(1).cmd());
        }
    }

    @Test
    void theThresholdIsCheckedAfterTheWholeDatagram() {
        try (Arq arq = receiver()) {
            arq.setAckClocking(true);
            byte[][] pushes = new byte[130][];
            for (int i = 0; i < pushes.length; i++) {
                pushes[i] = push(1 + i);
            }
            assertEquals(0, feed(arq, concat(pushes), 5));
            assertEquals(0, arq.field(ArqField.ACKLIST));
            List<byte[]> out = drain(arq);
            assertEquals(3, out.size());
            assertAcks(out.get(0), 0, 1, 58, 0);
            assertAcks(out.get(1), 0, 59, 58, 0);
            assertAcks(out.get(2), 0, 117, 14, 0);
        }
    }

    @Test
    void reservedBytesLowerTheThreshold() {
        try (Arq arq = receiver()) {
            arq.setAckClocking(true);
            assertTrue(arq.reserveBytes(20));
            for (int sn = 1; sn < 57; sn++) {
                assertEquals(0, feed(arq, push(sn), 5));
            }
            assertEquals(0, arq.outputCount());
            assertEquals(0, feed(arq, push(57), 5));
            List<byte[]> out = drain(arq);
            assertEquals(1, out.size());
            assertAcks(out.get(0), 20, 1, 57, 0); // 20 + 57 * 24 = 1388 bytes
        }
    }

    @Test
    void inOrderTheClockedFlushCarriesTheNewUna() {
        try (Arq arq = receiver()) {
            arq.setAckClocking(true);
            for (int sn = 0; sn < 57; sn++) {
                assertEquals(0, feed(arq, push(sn), 5));
            }
            assertEquals(0, arq.outputCount());
            assertEquals(0, feed(arq, push(57), 5));
            // ACKs below rcv_nxt are skipped (as kcp-go does): una says it all
            List<byte[]> out = drain(arq);
            assertEquals(1, out.size());
            assertAcks(out.get(0), 0, 57, 1, 58);
            // ack-nodelay still sends every datagram's ACKs at once
            assertEquals(0, arq.input(ByteBuffer.wrap(push(58)), true, true, 6));
            assertAcks(drain(arq).get(0), 0, 58, 1, 59);
            // switched off, they wait for the flush again
            arq.setAckClocking(false);
            for (int sn = 59; sn < 159; sn++) {
                assertEquals(0, feed(arq, push(sn), 7));
            }
            assertEquals(0, arq.outputCount());
            assertEquals(100, arq.field(ArqField.ACKLIST));
        }
    }
}
