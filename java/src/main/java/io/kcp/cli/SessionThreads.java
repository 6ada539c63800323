package io.kcp.cli;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Threads for serving sessions: virtual threads where the JDK has them (21+), daemon platform
 * threads otherwise. Reflection, because the code is compiled for release 17.
 */
final class SessionThreads {

    private SessionThreads() {
    }

    static ThreadFactory factory() {
        try {
            Class<?> builderType = Class.forName("java.lang.Thread$Builder");
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            builder = builderType.getMethod("name", String.class, long.class)
                    .invoke(builder, "kcp-peer-session-", 0L);
            return (ThreadFactory) builderType.getMethod("factory").invoke(builder);
        } catch (ReflectiveOperationException e) {
            AtomicLong n = new AtomicLong();
            return r -> {
                Thread t = new Thread(r, "kcp-peer-session-" + n.getAndIncrement());
                t.setDaemon(true);
                return t;
            };
        }
    }
}
