package io.kcp.relay;

/**
 * A token bucket in front of a FIFO queue with a byte limit: the bottleneck of one direction.
 * It does not hold datagrams, it computes when each would leave the queue; the relay releases
 * the datagram at that time (plus the propagation delay). Times are {@link System#nanoTime()}
 * values, compared wrap-safe.
 *
 * <p>A datagram larger than the bucket still passes: it waits until the tokens reach its size.
 */
final class RateLimiter {
    private final double bytesPerNano;
    private final double bucketBytes;
    private final long queueLimitBytes;

    private double tokens;
    private long tokensAt;
    private boolean started;

    // Departure times and sizes of the datagrams still waiting, oldest first (a ring).
    private long[] departures = new long[64];
    private int[] sizes = new int[64];
    private int head;
    private int count;
    private long backlogBytes;

    private long lastDeparture;

    RateLimiter(long bytesPerSecond, int bucketBytes, int queueLimitBytes) {
        this.bytesPerNano = bytesPerSecond / 1e9;
        this.bucketBytes = bucketBytes;
        this.queueLimitBytes = queueLimitBytes;
        this.tokens = bucketBytes;
    }

    /**
     * Admits a datagram of {@code length} bytes arriving at {@code now}; false when the queue
     * cannot take it (tail drop). When admitted, {@link #lastDeparture()} says when it leaves.
     */
    boolean admit(long now, int length) {
        if (!started) {
            tokensAt = now;
            started = true;
        }
        while (count > 0 && departures[head] - now <= 0) {
            backlogBytes -= sizes[head];
            head = (head + 1) & (departures.length - 1);
            count--;
        }
        if (backlogBytes + length > queueLimitBytes) {
            return false;
        }
        // It starts competing for tokens when the datagram ahead of it has left.
        long start = count == 0 ? now : departures[(head + count - 1) & (departures.length - 1)];
        tokens = Math.min(bucketBytes, tokens + (start - tokensAt) * bytesPerNano);
        long departure = start;
        if (tokens < length) {
            long wait = (long) Math.ceil((length - tokens) / bytesPerNano);
            departure = start + wait;
            tokens += wait * bytesPerNano;
        }
        tokens -= length;
        tokensAt = departure;
        lastDeparture = departure;
        if (departure - now > 0) {
            enqueue(departure, length);
        }
        return true;
    }

    /** When the datagram admitted last leaves the queue. */
    long lastDeparture() {
        return lastDeparture;
    }

    /** Bytes admitted and not yet departed, as of the last {@link #admit} call. */
    long backlogBytes() {
        return backlogBytes;
    }

    private void enqueue(long departure, int length) {
        if (count == departures.length) {
            grow();
        }
        int tail = (head + count) & (departures.length - 1);
        departures[tail] = departure;
        sizes[tail] = length;
        count++;
        backlogBytes += length;
    }

    private void grow() {
        long[] d = new long[departures.length * 2];
        int[] s = new int[d.length];
        for (int i = 0; i < count; i++) {
            int from = (head + i) & (departures.length - 1);
            d[i] = departures[from];
            s[i] = sizes[from];
        }
        departures = d;
        sizes = s;
        head = 0;
    }
}
