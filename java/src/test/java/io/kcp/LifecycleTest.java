package io.kcp;

import static io.kcp.SessionTestKit.ANY_LOOPBACK;
import static io.kcp.SessionTestKit.addressOf;
import static io.kcp.SessionTestKit.fast;
import static io.kcp.SessionTestKit.readFully;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kcp.transport.SharedReceiveLoops;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Safe defaults, accept() and deadlines as a Java (or Go) programmer expects, threads shared. */
@Timeout(60)
class LifecycleTest {

    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void acceptedSessionsTimeOutByDefaultAndDialedOnesDoNot() {
        KcpConfig defaults = KcpConfig.builder().build();
        assertEquals(KcpConfig.DEFAULT_ACCEPTED_IDLE_TIMEOUT, defaults.acceptedIdleTimeout());
        assertTrue(defaults.acceptedIdleTimeout().compareTo(Duration.ZERO) > 0);
        assertEquals(Duration.ZERO, defaults.idleTimeout());
        KcpConfig never = KcpConfig.builder().idleTimeout(Duration.ZERO).build();
        assertEquals(Duration.ZERO, never.acceptedIdleTimeout(), "zero still means never");
        KcpConfig set = KcpConfig.builder().idleTimeout(Duration.ofSeconds(7)).build();
        assertEquals(Duration.ofSeconds(7), set.acceptedIdleTimeout());
        assertEquals(Duration.ofSeconds(7), set.idleTimeout());
    }

    @Test
    void acceptNeverReturnsASessionThatEndedWhileItWaited() throws Exception {
        KcpConfig cfg = fast().idleTimeout(Duration.ofMillis(200)).build();
        try (KcpListener l = Kcp.listen(ANY_LOOPBACK, cfg)) {
            try (KcpSession c = Kcp.dial(addressOf(l), fast().build())) {
                c.write(ByteBuffer.wrap(new byte[] {1}));
                long end = System.nanoTime() + 5_000_000_000L;
                while (l.sessionCount() == 0 && System.nanoTime() < end) Thread.sleep(5);
                assertEquals(1, l.sessionCount());
            } // the client goes away before anyone accepts its session
            long end = System.nanoTime() + 5_000_000_000L;
            while (l.sessionCount() > 0 && System.nanoTime() < end) Thread.sleep(10);
            assertEquals(0, l.sessionCount(), "the silent session should have timed out");
            assertThrows(SocketTimeoutException.class, () -> l.accept(Duration.ofMillis(200)));
        }
    }

    @Test
    void aPastDeadlineUnblocksAWaitingReaderAtOnceAsInGo() throws Exception {
        KcpConfig cfg = fast().build();
        try (KcpListener l = Kcp.listen(ANY_LOOPBACK, cfg);
             KcpSession c = Kcp.dial(addressOf(l), cfg)) {
            Future<Integer> reader = pool.submit(() -> c.read(ByteBuffer.allocate(10)));
            Thread.sleep(200);
            long t0 = System.nanoTime();
            c.setReadDeadline(Instant.now().minusSeconds(1));
            assertTimesOut(reader);
            assertTrue(elapsedMs(t0) < 1000, "took " + elapsedMs(t0) + " ms");
            assertThrows(SocketTimeoutException.class, () -> c.read(ByteBuffer.allocate(1)));
            c.setReadDeadline(null); // cleared: reads work again
            c.write(ByteBuffer.wrap(new byte[] {5}));
            KcpSession s = l.accept(Duration.ofSeconds(5));
            s.write(ByteBuffer.wrap(new byte[] {6}));
            assertEquals(6, readFully(c, 1)[0]);
        }
    }

    @Test
    void aTimeoutSetWhileAReadWaitsCountsFromTheStartOfTheRead() throws Exception {
        KcpConfig cfg = fast().build();
        try (KcpListener l = Kcp.listen(ANY_LOOPBACK, cfg);
             KcpSession c = Kcp.dial(addressOf(l), cfg)) {
            long t0 = System.nanoTime();
            Future<Integer> reader = pool.submit(() -> c.read(ByteBuffer.allocate(10)));
            Thread.sleep(300);
            c.setReadTimeout(Duration.ofMillis(100)); // already overdue: fails at once
            assertTimesOut(reader);
            assertTrue(elapsedMs(t0) < 1500, "took " + elapsedMs(t0) + " ms");
        }
    }

    @Test
    void aDeadlineSetWhileAWriteWaitsForTheWindowAppliesAtOnce() throws Exception {
        KcpConfig cfg = fast().windows(4, 4).build();
        try (KcpListener l = Kcp.listen(ANY_LOOPBACK, cfg);
             KcpSession c = Kcp.dial(addressOf(l), cfg)) {
            // nobody reads on the other side and the window is 4: this write blocks
            Future<Integer> writer = pool.submit(() -> c.write(ByteBuffer.wrap(new byte[1 << 20])));
            Thread.sleep(300);
            long t0 = System.nanoTime();
            c.setDeadline(Instant.now().plusMillis(50));
            assertTimesOut(writer);
            assertTrue(elapsedMs(t0) < 1000, "took " + elapsedMs(t0) + " ms");
        }
    }

    @Test
    void dialedSessionsShareAFewReceiveThreads() throws Exception {
        KcpConfig cfg = fast().build();
        List<KcpSession> sessions = new ArrayList<>();
        try (KcpListener l = Kcp.listen(ANY_LOOPBACK, cfg)) {
            int before = Thread.activeCount();
            for (int i = 0; i < 200; i++) {
                KcpSession c = Kcp.dial(addressOf(l), cfg);
                sessions.add(c);
                c.write(ByteBuffer.wrap(new byte[] {(byte) i}));
            }
            for (int i = 0; i < 200; i++) {
                assertEquals(1, readFully(l.accept(Duration.ofSeconds(5)), 1).length);
            }
            List<String> rx = SessionTestKit.threads("kcp-rx-");
            assertTrue(rx.size() <= SharedReceiveLoops.size(), "receive threads: " + rx);
            assertTrue(Thread.activeCount() - before <= SharedReceiveLoops.size() + 2,
                    "200 dialed sessions started " + (Thread.activeCount() - before) + " threads");
        } finally {
            for (KcpSession c : sessions) c.close();
        }
        assertEquals(List.of(), SessionTestKit.awaitNoThreads("kcp-rx-", 5000));
    }

    private static void assertTimesOut(Future<Integer> call) throws InterruptedException {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> call.get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof SocketTimeoutException, String.valueOf(e.getCause()));
    }

    private static long elapsedMs(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
