package io.kcp.relay;

import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The one thread that sends held datagrams when their time comes: a priority queue ordered by
 * release time, then arrival order, so a long delay never blocks a short one and equal times
 * keep their order.
 */
final class ReleaseScheduler implements AutoCloseable {
    private static final int BATCH = 64;

    private final PacketPool pool;
    private final PriorityQueue<Packet> queue = new PriorityQueue<>(1024, (a, b) -> a.release != b.release
            ? Long.signum(a.release - b.release) : Long.compare(a.order, b.order));
    private final Thread thread;
    private long nextOrder;
    private volatile boolean closed;

    ReleaseScheduler(PacketPool pool, String threadName) {
        this.pool = pool;
        this.thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Hands {@code p} over; it is sent at {@code p.release} and then returned to the pool. */
    void schedule(Packet p) {
        boolean newHead;
        synchronized (queue) {
            if (closed) {
                pool.give(p);
                return;
            }
            p.order = nextOrder++;
            queue.add(p);
            newHead = queue.peek() == p;
        }
        if (newHead) {
            // Wakes the thread, or makes its next park return at once if it is about to park.
            LockSupport.unpark(thread);
        }
    }

    /** Datagrams waiting for their release time. */
    int size() {
        synchronized (queue) {
            return queue.size();
        }
    }

    // Parks rather than waiting on a Condition, whose every wait allocates a node.
    private void run() {
        Packet[] due = new Packet[BATCH];
        while (!closed) {
            int n = 0;
            long wait = -1; // nanoseconds until the head is due; -1 when the queue is empty
            synchronized (queue) {
                long now = System.nanoTime();
                Packet head = queue.peek();
                while (n < BATCH && head != null && head.release - now <= 0) {
                    due[n++] = queue.poll();
                    head = queue.peek();
                }
                if (n == 0 && head != null) {
                    wait = head.release - now;
                }
            }
            if (n == 0) {
                if (wait < 0) {
                    LockSupport.park(this);
                } else {
                    LockSupport.parkNanos(this, wait);
                }
                continue;
            }
            // Sent outside the lock so that the receiver is never kept waiting by a send.
            for (int i = 0; i < n; i++) {
                Packet p = due[i];
                due[i] = null;
                Sender.send(p.channel, p.target, p.data, p.counters);
                pool.give(p);
            }
        }
    }

    /** Stops the thread and waits for it; datagrams still waiting are discarded. */
    @Override
    public void close() {
        synchronized (queue) {
            closed = true;
            queue.clear();
        }
        LockSupport.unpark(thread);
        if (Thread.currentThread() != thread) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
                if (thread.isAlive()) {
                    thread.interrupt();
                    thread.join();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
