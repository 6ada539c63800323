package io.kcp.arq;

import static io.kcp.arq.ArqTestKit.PUSH;
import static io.kcp.arq.ArqTestKit.WASK;
import static io.kcp.arq.ArqTestKit.drain;
import static io.kcp.arq.ArqTestKit.newArq;
import static io.kcp.arq.ArqTestKit.segments;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kcp.arq.ArqTestKit.Seg;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * An upload to a kcp-go listener, on a simulated clock: the way a transfer used to stall.
 *
 * <p>kcp-go's listener creates the session with its default receive window 32 when our first
 * datagram arrives, feeds it our first flush and acks at once; its application then raises the
 * window to 1024 and reads everything, but kcp-go announces a window only when asked (a WASK) or
 * when {@code Recv} finds the queue full against the window in force at that moment. If that
 * first ack (or a later one) says {@code wnd=0}, nobody speaks until our window probe: kcp-go
 * 5.6.1 sends the first after 7 s, long enough for the peer application's idle timeout. The peer
 * here is one of our kernels with kcp-go's defaults, which receives exactly as kcp-go does.
 */
class ArqZeroWindowStallTest {
    private static final int CONV = 0x5a11;
    private static final int ONE_WAY_MS = 20;
    private static final int MESSAGES = 300;
    private static final int MESSAGE = 1000;

    /** What one run saw: times in ms from the start, -1 when it never happened. */
    record Run(int doneAt, int firstFlushPushes, int zeroWindowAt, int firstProbeAt, int longestSilence) {
    }

    /** A one-way link with a fixed delay. */
    private static final class Link {
        private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
        private final ArrayDeque<Integer> due = new ArrayDeque<>();

        void send(byte[] d, int now) {
            queue.add(d);
            due.add(now + ONE_WAY_MS);
        }

        byte[] poll(int now) {
            if (due.isEmpty() || due.peek() > now) {
                return null;
            }
            due.poll();
            return queue.poll();
        }
    }

    /**
     * Uploads {@link #MESSAGES} messages; the peer's application starts {@code appStartMs} after
     * the peer session was created, raises its receive window to 1024 and from then on reads
     * everything that arrives.
     */
    private static Run upload(int appStartMs) {
        try (Arq us = newArq(CONV); Arq peer = newArq(CONV)) {
            us.nodelay(1, 10, 2, 1); // kcptun's fast3, as kcp-java's sessions run it
            us.windowSize(1024, 1024);
            byte[] msg = new byte[MESSAGE];
            for (int i = 0; i < MESSAGES; i++) {
                Arrays.fill(msg, (byte) i);
                assertEquals(0, us.send(ByteBuffer.wrap(msg)));
            }
            Link toPeer = new Link();
            Link toUs = new Link();
            ByteBuffer inbox = ByteBuffer.allocate(MESSAGE);
            int received = 0;
            int peerCreated = -1;
            int peerFlushAt = 0;
            boolean appStarted = false;
            int usFlushAt = 0;
            int firstFlushPushes = 0;
            int zeroAt = -1;
            int probeAt = -1;
            int lastSent = 0;
            int silence = 0;
            for (int now = 0; now < 60_000; now++) {
                // our side: the update timer, then whatever arrives (input may flush)
                if (now >= usFlushAt) {
                    usFlushAt = now + Math.max(1, us.flush(now));
                }
                for (byte[] d; (d = toUs.poll(now)) != null; ) {
                    assertEquals(0, us.input(ByteBuffer.wrap(d), true, false, now));
                    if (zeroAt < 0 && us.field(ArqField.RMT_WND) == 0) {
                        zeroAt = now;
                    }
                }
                for (byte[] d : drain(us)) {
                    int pushes = 0;
                    for (Seg s : segments(d, 0)) {
                        pushes += s.cmd() == PUSH ? 1 : 0;
                        if (s.cmd() == WASK && zeroAt >= 0 && probeAt < 0) {
                            probeAt = now;
                        }
                    }
                    if (now == 0) {
                        firstFlushPushes += pushes;
                    }
                    silence = Math.max(silence, now - lastSent);
                    lastSent = now;
                    toPeer.send(d, now);
                }

                // the peer: created by our first datagram, acks at once, then every interval
                for (byte[] d; (d = toPeer.poll(now)) != null; ) {
                    if (peerCreated < 0) {
                        peerCreated = now;
                        peerFlushAt = now;
                    }
                    assertEquals(0, peer.input(ByteBuffer.wrap(d), true, false, now));
                }
                if (peerCreated >= 0 && now >= peerFlushAt) {
                    peerFlushAt = now + Math.max(1, peer.flush(now));
                }
                if (peerCreated >= 0 && !appStarted && now - peerCreated >= appStartMs) {
                    appStarted = true;
                    peer.windowSize(0, 1024); // the application's configuration; no announcement
                }
                if (appStarted) {
                    while (peer.recv(inbox.clear()) == MESSAGE) {
                        assertEquals((byte) received, inbox.get(0));
                        received++;
                    }
                }
                for (byte[] d : drain(peer)) {
                    toUs.send(d, now);
                }
                if (received == MESSAGES && us.waitSnd() == 0) {
                    return new Run(now, firstFlushPushes, zeroAt, probeAt, silence);
                }
            }
            return new Run(-1, firstFlushPushes, zeroAt, probeAt, silence);
        }
    }

    @Test
    void peerApplicationStartingAtOnceNeverSeesItsQueueFull() {
        // our first flush used to burst the assumed window (32): the peer's first ack said wnd=0
        Run r = upload(0);
        System.out.println("zero-window stall, peer application at once: " + r);
        assertEquals(16, r.firstFlushPushes(), r.toString());
        assertEquals(-1, r.zeroWindowAt(), "the peer's window never closed: " + r);
        assertTrue(r.doneAt() > 0 && r.doneAt() < 1000, r.toString());
        assertTrue(r.longestSilence() < 500, r.toString());
    }

    @Test
    void zeroWindowIsProbedWithinHalfASecond() {
        // the application starts late: the peer acks wnd=0 once our second flight fills its queue
        Run r = upload(200);
        System.out.println("zero-window stall, peer application after 200 ms: " + r);
        assertTrue(r.zeroWindowAt() > 0, "the peer's window closed: " + r);
        int wait = r.firstProbeAt() - r.zeroWindowAt();
        // kcp-go 5.6.1 probes 7000 ms after the zero window, past a peer's idle timeout
        // (at most 500 ms, sent by the first flush after that: one interval, 10 ms, later)
        assertTrue(r.firstProbeAt() > 0 && wait <= 510, "first probe " + wait + " ms after the zero window: " + r);
        assertTrue(r.doneAt() > 0 && r.doneAt() < r.zeroWindowAt() + 1500, r.toString());
        assertTrue(r.longestSilence() < 1000, r.toString());
    }
}
