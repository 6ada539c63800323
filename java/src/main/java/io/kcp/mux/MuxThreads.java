package io.kcp.mux;

import java.util.concurrent.ThreadFactory;

/**
 * Starts a session's reader and writer: virtual threads where the JDK has them (21+), daemon
 * platform threads before. Reflection, because the library compiles for release 17.
 */
final class MuxThreads {

    private static final ThreadFactory VIRTUAL = virtualFactory();

    private MuxThreads() {
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

    private static ThreadFactory virtualFactory() {
        try {
            Class<?> builderType = Class.forName("java.lang.Thread$Builder");
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            return (ThreadFactory) builderType.getMethod("factory").invoke(builder);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }
}
