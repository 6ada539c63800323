package io.kcp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadFactory;

/** Helpers for tests that run real sessions on loopback. */
final class SessionTestKit {

    private SessionTestKit() {
    }

    static final InetSocketAddress ANY_LOOPBACK =
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    /** A fast configuration for tests on the kernel under test (tests pin the kernel per run). */
    static KcpConfig.Builder fast() {
        return KcpConfig.builder().mode(KcpMode.FAST3).windows(256, 256);
    }

    static InetSocketAddress addressOf(KcpListener l) throws IOException {
        return (InetSocketAddress) l.localAddress();
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Reads exactly {@code n} bytes. */
    static byte[] readFully(KcpSession s, int n) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(n);
        while (buf.hasRemaining()) {
            s.read(buf);
        }
        return buf.array();
    }

    /** The library's own threads: listeners' and shared receive loops, the flush scheduler. */
    static final String LIBRARY_THREADS = "kcp-(listener-|rx-|flush).*";

    /** Names of live threads that start with {@code prefix}. */
    static List<String> threads(String prefix) {
        return threadsMatching(java.util.regex.Pattern.quote(prefix) + ".*");
    }

    /** Names of live threads whose whole name matches {@code regex}. */
    static List<String> threadsMatching(String regex) {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().matches(regex)) names.add(t.getName());
        }
        return names;
    }

    /** Waits up to {@code millis} for none of the library's threads; returns those left. */
    static List<String> awaitNoLibraryThreads(long millis) throws InterruptedException {
        return awaitNoThreadsMatching(LIBRARY_THREADS, millis);
    }

    private static List<String> awaitNoThreadsMatching(String regex, long millis)
            throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000L;
        List<String> left = threadsMatching(regex);
        while (!left.isEmpty() && System.nanoTime() < end) {
            Thread.sleep(10);
            left = threadsMatching(regex);
        }
        return left;
    }

    /** Waits up to {@code millis} for no thread named {@code prefix*}; returns those left. */
    static List<String> awaitNoThreads(String prefix, long millis) throws InterruptedException {
        return awaitNoThreadsMatching(java.util.regex.Pattern.quote(prefix) + ".*", millis);
    }

    /**
     * Virtual threads where the JDK has them (21+), else platform threads: the same code path
     * must work on both, and the build runs on both JDK 17 and 25.
     */
    static ThreadFactory virtualOrPlatform() {
        try {
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            return (ThreadFactory) builder.getClass().getMethod("factory").invoke(builder);
        } catch (ReflectiveOperationException e) {
            return Thread::new;
        }
    }

    static boolean isVirtual(Thread t) {
        try {
            return (Boolean) Thread.class.getMethod("isVirtual").invoke(t);
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
