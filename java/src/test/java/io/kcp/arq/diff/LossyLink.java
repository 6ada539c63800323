package io.kcp.arq.diff;

import java.util.PriorityQueue;
import java.util.Random;

/**
 * One direction of a simulated network: datagrams are lost, duplicated, delayed and reordered
 * (random jitter), all drawn from the script's random source. Times are the script's 64-bit
 * elapsed milliseconds, so wraps of the u32 clock do not disturb the ordering.
 */
final class LossyLink {
    private static final int CAPACITY = 256;

    private record InFlight(long dueAt, long order, byte[] data) {}

    private final Random rnd;
    private final double loss;
    private final double dup;
    private final int delay;
    private final int jitter;
    private final PriorityQueue<InFlight> queue = new PriorityQueue<>((a, b) ->
            a.dueAt != b.dueAt ? Long.compare(a.dueAt, b.dueAt) : Long.compare(a.order, b.order));
    private long sent;

    LossyLink(Random rnd, double loss, double dup, int delay, int jitter) {
        this.rnd = rnd;
        this.loss = loss;
        this.dup = dup;
        this.delay = delay;
        this.jitter = jitter;
    }

    /** True when nothing gets through. */
    boolean down() { return loss >= 1; }

    static LossyLink random(Random rnd) {
        if (rnd.nextInt(25) == 0) {
            return new LossyLink(rnd, 1, 0, 0, 0); // an outage: retransmits up to a dead link
        }
        if (rnd.nextInt(5) == 0) {
            return new LossyLink(rnd, 0, 0, rnd.nextBoolean() ? 0 : rnd.nextInt(30), 0); // clean link
        }
        return new LossyLink(rnd, rnd.nextDouble() * 0.3, rnd.nextDouble() * 0.1,
                rnd.nextInt(60), rnd.nextInt(120));
    }

    void send(byte[] data, long elapsed) {
        if (rnd.nextDouble() < loss) {
            return;
        }
        enqueue(data, elapsed);
        if (rnd.nextDouble() < dup) {
            enqueue(data, elapsed);
        }
    }

    private void enqueue(byte[] data, long elapsed) {
        if (queue.size() >= CAPACITY) {
            return; // a full queue drops, like a router would
        }
        long due = elapsed + delay + (jitter == 0 ? 0 : rnd.nextInt(jitter + 1));
        queue.add(new InFlight(due, sent++, data));
    }

    /** The earliest datagram due at {@code elapsed}, or null. */
    byte[] poll(long elapsed) {
        InFlight f = queue.peek();
        if (f == null || f.dueAt > elapsed) {
            return null;
        }
        queue.poll();
        return f.data;
    }

    boolean hasDue(long elapsed) {
        InFlight f = queue.peek();
        return f != null && f.dueAt <= elapsed;
    }

    /** Elapsed time of the next arrival, or Long.MAX_VALUE. */
    long nextDue() {
        InFlight f = queue.peek();
        return f == null ? Long.MAX_VALUE : f.dueAt;
    }
}
