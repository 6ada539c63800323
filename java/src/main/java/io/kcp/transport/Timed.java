package io.kcp.transport;

/** Something the {@link FlushScheduler} runs at a deadline. */
public interface Timed {

    /**
     * Runs the task. Called on the scheduler thread, never concurrently with itself.
     *
     * @param nowNanos {@link System#nanoTime()} at the call
     * @return the {@code nanoTime} of the next run, or {@link #DONE} to be dropped
     */
    long runAt(long nowNanos);

    /** Returned by {@link #runAt} when the task has ended. */
    long DONE = Long.MIN_VALUE;
}
