package io.kcp.cli;

import java.util.concurrent.ThreadFactory;

/**
 * Threads for the tunnel's per-connection work: virtual threads on JDK 21+, otherwise daemon
 * platform threads with small stacks (two per connection; a tunnel's connections are bounded by
 * its stream limit). Reflection, because the code compiles for release 17.
 */
final class PumpThreads {

    private static final ThreadFactory VIRTUAL = virtual();

    private PumpThreads() {
    }

    static Thread start(String name, Runnable task) {
        Thread t;
        if (VIRTUAL != null) {
            t = VIRTUAL.newThread(task);
            t.setName(name);
        } else {
            t = new Thread(null, task, name, 256 * 1024);
            t.setDaemon(true);
        }
        t.start();
        return t;
    }

    private static ThreadFactory virtual() {
        try {
            Class<?> builderType = Class.forName("java.lang.Thread$Builder");
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            return (ThreadFactory) builderType.getMethod("factory").invoke(builder);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }
}
