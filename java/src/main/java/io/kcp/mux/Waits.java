package io.kcp.mux;

import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.Condition;

/** Timeouts, deadlines and waiting on a condition, as {@code KcpSession} does them. */
final class Waits {

    private Waits() {
    }

    /**
     * The deadline of a call that started at {@code start} (System.nanoTime), from the settings
     * in force now; 0 for none.
     */
    static long deadline(long start, long timeoutNanos, long absolute) {
        long d = timeoutNanos > 0 ? start + timeoutNanos : 0;
        if (absolute != 0 && (d == 0 || absolute - d < 0)) d = absolute;
        return d;
    }

    /** Waits for a signal on {@code c} or the deadline; the caller holds c's lock. */
    static void await(Condition c, long deadline, String what) throws InterruptedIOException {
        try {
            if (deadline == 0) {
                c.await();
            } else {
                long left = deadline - System.nanoTime();
                if (left <= 0) throw new SocketTimeoutException(what + " timed out");
                c.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(what + " interrupted");
        }
    }

    static long nonNegative(Duration d) {
        if (d == null || d.isZero()) return 0;
        if (d.isNegative()) throw new IllegalArgumentException("timeout must be >= 0, got " + d);
        return d.toNanos();
    }

    /** An Instant as a System.nanoTime() deadline (never 0); null is 0, none. */
    static long toNano(Instant when) {
        if (when == null) return 0;
        Duration left = Duration.between(Instant.now(), when);
        long cap = 100L * 365 * 24 * 3600;
        long nanos = left.getSeconds() > cap ? cap * 1_000_000_000L
                : left.getSeconds() < -cap ? -cap * 1_000_000_000L : left.toNanos();
        long d = System.nanoTime() + nanos;
        return d == 0 ? 1 : d;
    }
}
