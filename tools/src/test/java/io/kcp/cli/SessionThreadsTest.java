package io.kcp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Sessions are served on virtual threads where the JDK has them (21+) and on a bounded pool of
 * daemon platform threads before, which refuses work beyond its limit instead of growing.
 */
class SessionThreadsTest {

    @Test
    void virtualOnJdk21AndLaterBoundedDaemonsBefore() throws Exception {
        AtomicReference<Thread> ran = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        Executor e = SessionThreads.executor();
        e.execute(() -> {
            ran.set(Thread.currentThread());
            done.countDown();
        });
        assertTrue(done.await(5, TimeUnit.SECONDS));
        Thread t = ran.get();
        boolean virtual = isVirtual(t);
        assertEquals(Runtime.version().feature() >= 21, virtual, "virtual=" + virtual);
        assertTrue(virtual || t.isDaemon(), "platform session threads must not keep the JVM alive");
        assertTrue(t.getName().startsWith("kcp-peer-session-"), t.getName());
        assertEquals(virtual, !(e instanceof ThreadPoolExecutor));
    }

    @Test
    void thePlatformPoolRefusesWorkBeyondItsLimit() throws Exception {
        ThreadPoolExecutor pool = SessionThreads.boundedPool(3);
        CountDownLatch release = new CountDownLatch(1);
        try {
            for (int i = 0; i < 3; i++) {
                pool.execute(() -> {
                    try {
                        release.await();
                    } catch (InterruptedException ignored) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            assertThrows(RejectedExecutionException.class, () -> pool.execute(() -> { }));
            assertEquals(3, pool.getPoolSize());
        } finally {
            release.countDown();
            pool.shutdown();
        }
    }

    private static boolean isVirtual(Thread t) {
        try {
            return (Boolean) Thread.class.getMethod("isVirtual").invoke(t);
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
