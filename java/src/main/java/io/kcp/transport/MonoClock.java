package io.kcp.transport;

/**
 * The ARQ's clock: milliseconds from a process-wide origin, as a wrapping u32 (the kernels
 * compare times with wrap-around arithmetic, so the int overflowing after 24 days is fine).
 * Monotonic: built on {@link System#nanoTime()}, never on the wall clock.
 */
public final class MonoClock {

    private static final long ORIGIN = System.nanoTime();

    private MonoClock() {
    }

    /** The ARQ time for {@code nanoTime}. */
    public static int millis(long nanoTime) {
        return (int) ((nanoTime - ORIGIN) / 1_000_000L);
    }

    /** The ARQ time now. */
    public static int millis() {
        return millis(System.nanoTime());
    }
}
