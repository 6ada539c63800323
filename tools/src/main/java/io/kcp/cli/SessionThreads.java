package io.kcp.cli;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Threads for serving sessions: one virtual thread per session where the JDK has them (21+);
 * before that, a pool of at most {@link #PLATFORM_LIMIT} daemon platform threads, so a flood of
 * sessions from spoofed addresses cannot make the server start thousands of threads. A session
 * the pool has no thread for is refused ({@link RejectedExecutionException}) and the caller
 * closes it. Reflection, because the code is compiled for release 17.
 */
final class SessionThreads {

    /** Platform threads serving sessions at once, before JDK 21. */
    static final int PLATFORM_LIMIT = 256;
    private static final String PREFIX = "kcp-peer-session-";

    private SessionThreads() {
    }

    /** A thread per task, virtual on JDK 21+, or a bounded pool of daemons before. */
    static Executor executor() {
        ThreadFactory virtual = virtualFactory();
        if (virtual != null) {
            return task -> virtual.newThread(task).start();
        }
        return boundedPool(PLATFORM_LIMIT);
    }

    /** At most {@code limit} daemon threads; tasks beyond that are rejected, never queued. */
    static ThreadPoolExecutor boundedPool(int limit) {
        AtomicLong n = new AtomicLong();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(0, limit, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, PREFIX + n.getAndIncrement());
                    t.setDaemon(true);
                    return t;
                });
        return pool;
    }

    private static ThreadFactory virtualFactory() {
        try {
            Class<?> builderType = Class.forName("java.lang.Thread$Builder");
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            builder = builderType.getMethod("name", String.class, long.class)
                    .invoke(builder, PREFIX, 0L);
            return (ThreadFactory) builderType.getMethod("factory").invoke(builder);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }
}
