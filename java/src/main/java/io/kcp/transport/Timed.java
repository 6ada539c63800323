package io.kcp.transport;

/** Something the {@link FlushScheduler} runs at a deadline. */
public interface Timed {

    /**
     * Runs the task. Called on the scheduler thread, never concurrently with itself. Must not
     * wait for another thread.
     *
     * @param nowNanos {@link System#nanoTime()} at the call
     * @return the {@code nanoTime} of the next run, or {@link #DONE} to be dropped
     */
    long runAt(long nowNanos);

    /**
     * {@link #runAt} threw {@code cause}; the task has been dropped and will not run again.
     * The task should fail whatever it serves (a session), so that the failure is seen there.
     * Called on the scheduler thread; must not wait for another thread. By default the cause
     * goes to the thread's uncaught-exception handler.
     */
    default void failed(Throwable cause) {
        Thread me = Thread.currentThread();
        me.getUncaughtExceptionHandler().uncaughtException(me, cause);
    }

    /** Returned by {@link #runAt} when the task has ended. */
    long DONE = Long.MIN_VALUE;
}
