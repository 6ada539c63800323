package io.kcp.arq;

/**
 * Recycles segments and their data arrays so that the steady-state send and receive paths
 * allocate nothing. Bounded: a burst beyond the limit is left to the garbage collector.
 */
final class SegmentPool {
    /** Segments kept per instance; covers the churn between one input and the next send. */
    static final int LIMIT = 256;
    /** Larger data arrays (only a hostile or jumbo datagram makes them) are not kept. */
    static final int MAX_POOLED_DATA = 65536;

    private final Segment[] free = new Segment[LIMIT];
    private int size;

    /** A zeroed segment with room for {@code n} bytes (at least {@code floor}). */
    Segment take(int n, int floor) {
        Segment s;
        if (size > 0) {
            s = free[--size];
            free[size] = null;
            s.reset();
        } else {
            s = new Segment();
        }
        s.ensureCapacity(n, floor);
        return s;
    }

    void give(Segment s) {
        if (s.data.length > MAX_POOLED_DATA) {
            s.data = Segment.NO_DATA;
        }
        if (size < LIMIT) {
            free[size++] = s;
        }
    }

    void clear() {
        java.util.Arrays.fill(free, 0, size, null);
        size = 0;
    }
}
