package io.kcp.transport;

/**
 * Something the {@link FlushScheduler} runs at a deadline. A class rather than an interface so
 * that the scheduler can keep each task's place in its heap here: moving a task to an earlier
 * time, or cancelling it, is then O(log n) with no lookup and no allocation.
 */
public abstract class Timed {

    /** Returned by {@link #runAt} when the task has ended (or has nothing to do until woken). */
    public static final long DONE = Long.MIN_VALUE;

    /** The task's index in its scheduler's heap, or -1 when it is not queued. Scheduler lock. */
    int slot = -1;

    /** Cancelled since it was last scheduled: a run in progress must not queue it again. */
    boolean cancelled;

    /** For subclasses. */
    protected Timed() {
    }

    /**
     * Runs the task. Called on the scheduler thread, never concurrently with itself. Must not
     * wait for another thread.
     *
     * @param nowNanos {@link System#nanoTime()} at the call
     * @return the {@code nanoTime} of the next run, or {@link #DONE} to be dropped until
     *     {@link FlushScheduler#schedule} queues it again
     */
    public abstract long runAt(long nowNanos);

    /**
     * {@link #runAt} threw {@code cause}; the task has been dropped and will not run again.
     * The task should fail whatever it serves (a session), so that the failure is seen there.
     * Called on the scheduler thread; must not wait for another thread. By default the cause
     * goes to the thread's uncaught-exception handler.
     *
     * @param cause what {@link #runAt} threw
     */
    public void failed(Throwable cause) {
        Thread me = Thread.currentThread();
        me.getUncaughtExceptionHandler().uncaughtException(me, cause);
    }
}
