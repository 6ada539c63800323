package io.kcp.transport;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs sessions' flushes at the times their ARQs asked for: one binary heap keyed by deadline
 * and one daemon thread that sleeps until the earliest entry. The process has one per core
 * ({@link #forNewSession()} deals sessions out in turn). Work is proportional to the
 * sessions that are due, not to all sessions (kcp-go's {@code SystemTimedSched} works the same
 * way). The thread starts with the first task and ends a second ({@link #LINGER_NANOS}) after
 * the last task is gone, so nothing lingers after the last session closes, and sessions that
 * park their timers between bursts do not start a thread per burst. A task that throws is
 * dropped and told why ({@link Timed#failed}); the others keep their times.
 *
 * <p>Steady state allocates nothing: the heap is two parallel arrays that only grow, and the
 * thread sleeps with {@link LockSupport#parkNanos} (a {@code Condition} wait allocates a node).
 */
public final class FlushScheduler {

    /** One scheduler per core, at most 8; each thread runs while it has timers, and a second after. */
    private static final FlushScheduler[] SHARDS =
            create(Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors())));
    private static final AtomicInteger NEXT_SHARD = new AtomicInteger();

    /** How long the thread waits for a new task before it ends. */
    static final long LINGER_NANOS = 1_000_000_000L;

    private final String threadName;
    private final ReentrantLock lock = new ReentrantLock();
    private Timed[] tasks = new Timed[64];
    private long[] deadlines = new long[64];
    private int size;
    private Thread thread;

    public FlushScheduler(String threadName) {
        this.threadName = threadName;
    }

    private static FlushScheduler[] create(int n) {
        FlushScheduler[] shards = new FlushScheduler[n];
        for (int i = 0; i < n; i++) shards[i] = new FlushScheduler("kcp-flush-" + i);
        return shards;
    }

    /**
     * The scheduler for a new session: the process's schedulers take sessions in turn, so that
     * flushing spreads over the cores.
     *
     * @return one of the process-wide schedulers
     */
    public static FlushScheduler forNewSession() {
        return SHARDS[Math.floorMod(NEXT_SHARD.getAndIncrement(), SHARDS.length)];
    }

    /**
     * How many process-wide schedulers there are.
     *
     * @return the number of shards
     */
    public static int shards() {
        return SHARDS.length;
    }

    /**
     * Queues a task to run no later than {@code deadlineNanos} ({@link System#nanoTime()} scale):
     * a task not queued is added; a queued one moves to the earlier of its two times. A session
     * that parked its timer (nothing to send, acknowledge or probe) wakes it this way.
     *
     * @param task the task
     * @param deadlineNanos when it should run at the latest
     */
    public void schedule(Timed task, long deadlineNanos) {
        lock.lock();
        try {
            task.cancelled = false;
            boolean moved = pushOrAdvance(task, deadlineNanos);
            if (thread == null) {
                thread = new Thread(this::loop, threadName);
                thread.setDaemon(true);
                thread.start();
            } else if (moved && tasks[0] == task) {
                LockSupport.unpark(thread);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Drops a task that has ended (a closed session), so the thread can stop as soon as the last
     * one is gone. A task already running finishes its run and is not queued again, whatever
     * time it returns (a session parked with a distant timeout must not linger).
     *
     * @param task the task
     */
    public void cancel(Timed task) {
        lock.lock();
        try {
            task.cancelled = true;
            if (task.slot >= 0) {
                removeAt(task.slot);
                if (thread != null) LockSupport.unpark(thread);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Tasks waiting to run (for tests and diagnostics). */
    int pending() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    /** True while the scheduler thread is alive. */
    public boolean isRunning() {
        lock.lock();
        try {
            return thread != null;
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        long lingerEnd = 0; // when the thread ends if no task comes: set as the heap empties
        boolean idle = false;
        while (true) {
            Timed task;
            lock.lock();
            try {
                while (true) {
                    long now = System.nanoTime();
                    long wait;
                    if (size == 0) {
                        // Lingers before it ends: idle sessions park their timers between
                        // bursts (a ping every few microseconds, say), and a thread started
                        // anew for each burst costs far more than the burst.
                        if (!idle) {
                            idle = true;
                            lingerEnd = now + LINGER_NANOS;
                        }
                        wait = lingerEnd - now;
                        if (wait <= 0) {
                            thread = null;
                            return;
                        }
                    } else {
                        idle = false;
                        wait = deadlines[0] - now;
                        if (wait <= 0) break;
                    }
                    lock.unlock();
                    try {
                        // a new or earlier task or a cancel unparks us; spurious wake-ups just loop
                        LockSupport.parkNanos(this, wait);
                    } finally {
                        lock.lock();
                    }
                }
                task = pop();
            } finally {
                lock.unlock();
            }
            long next;
            try {
                next = task.runAt(System.nanoTime());
            } catch (Throwable e) {
                // a failing task must not take every other session's timers down with it, and
                // its own session must learn why it will not be flushed any more
                next = Timed.DONE;
                failQuietly(task, e);
            }
            if (next != Timed.DONE) {
                Throwable lost = null;
                lock.lock();
                try {
                    // cancelled while it ran: dropped; woken while it ran (already queued
                    // again): the earlier time wins
                    if (!task.cancelled) pushOrAdvance(task, next);
                } catch (Throwable e) { // growing the heap ran out of memory: this task is lost
                    lost = e;
                } finally {
                    lock.unlock();
                }
                if (lost != null) failQuietly(task, lost);
            }
        }
    }

    private static void failQuietly(Timed task, Throwable cause) {
        try {
            task.failed(cause);
        } catch (Throwable t) {
            t.addSuppressed(cause);
            Thread me = Thread.currentThread();
            me.getUncaughtExceptionHandler().uncaughtException(me, t);
        }
    }

    /** Adds the task, or moves it to {@code deadline} if that is earlier; true if it changed. */
    private boolean pushOrAdvance(Timed task, long deadline) {
        int i = task.slot;
        if (i < 0) {
            if (size == tasks.length) {
                tasks = Arrays.copyOf(tasks, size * 2);
                deadlines = Arrays.copyOf(deadlines, size * 2);
            }
            i = size++;
        } else if (deadlines[i] - deadline <= 0) {
            return false;
        }
        siftUp(i, task, deadline);
        return true;
    }

    private void siftUp(int i, Timed task, long deadline) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (deadlines[parent] - deadline <= 0) break;
            place(i, tasks[parent], deadlines[parent]);
            i = parent;
        }
        place(i, task, deadline);
    }

    private void place(int i, Timed task, long deadline) {
        tasks[i] = task;
        deadlines[i] = deadline;
        task.slot = i;
    }

    private Timed pop() {
        Timed top = tasks[0];
        removeAt(0);
        return top;
    }

    /** Removes entry i: the last entry takes its place and sifts up or down. */
    private void removeAt(int i) {
        tasks[i].slot = -1;
        int last = --size;
        Timed t = tasks[last];
        long d = deadlines[last];
        tasks[last] = null;
        if (i == last) return;
        int parent = (i - 1) >>> 1;
        if (i > 0 && deadlines[parent] - d > 0) {
            siftUp(i, t, d);
            return;
        }
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) break;
            if (child + 1 < size && deadlines[child + 1] - deadlines[child] < 0) child++;
            if (d - deadlines[child] <= 0) break;
            place(i, tasks[child], deadlines[child]);
            i = child;
        }
        place(i, t, d);
    }
}
