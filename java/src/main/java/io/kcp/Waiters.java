package io.kcp;

import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * The threads waiting on one of a session's conditions (readers for data, writers for room in
 * the window), guarded by the session's lock. A {@code Condition} would do the same, but its
 * await queues a new node on every wait; here the waiting threads sit in an array that only
 * grows, and are woken with {@link LockSupport#unpark}. A waiter loops on its condition, so a
 * wake-up that finds nothing to do, or a stale permit, only costs a look.
 */
final class Waiters {

    private Thread[] threads = new Thread[2];
    private int size;

    /** Adds a thread about to park. Under the lock. */
    void add(Thread t) {
        if (size == threads.length) threads = Arrays.copyOf(threads, 2 * size);
        threads[size++] = t;
    }

    /** Removes a thread that stopped waiting (it is listed at most once). Under the lock. */
    void remove(Thread t) {
        for (int i = size - 1; i >= 0; i--) {
            if (threads[i] == t) {
                threads[i] = threads[--size];
                threads[size] = null;
                return;
            }
        }
    }

    /**
     * Wakes every waiting thread, or, when exactly one waits, returns it for the caller to wake
     * once it has released the lock (so the woken thread does not find the lock still held).
     * Null when nobody waits or all were woken. Under the lock.
     */
    Thread wakeAllButOne() {
        if (size == 1) return threads[0];
        wakeAll();
        return null;
    }

    /** Wakes every waiting thread. Under the lock. */
    void wakeAll() {
        for (int i = 0; i < size; i++) LockSupport.unpark(threads[i]);
    }
}
