package io.kcp.arq;

/**
 * Recycles segments and their payload buffers so that the steady-state send and receive paths
 * allocate nothing, while no segment holds much more than its payload and an idle instance
 * holds little. The buffer rules are those of {@code native/src/arq.c} (the differential test
 * compares {@code DATA_BYTES} and {@code POOL_BYTES}): a request for {@code want} bytes gets
 * no buffer when want is 0, else the newest pooled buffer of want to 2 * want bytes, else a new
 * one of exactly want. Released buffers are kept, at most {@link #MAX_BUFFERS} (the oldest
 * dropped first); once an interval {@link #trim} drops the oldest down to the number of
 * buffers taken since the last trim or, when fewer were taken, to {@link #KEEP_BUFFERS} and
 * {@link #KEEP_BYTES}: a busy instance keeps what one interval uses, an idle one next to nothing.
 */
final class SegmentPool {
    static final int MAX_BUFFERS = 1024;
    static final int KEEP_BUFFERS = 16;
    static final int KEEP_BYTES = 64 * 1024;
    /** Segment objects kept (small; they carry no buffer while pooled). */
    static final int MAX_SEGMENTS = 256;

    private final Segment[] segments = new Segment[MAX_SEGMENTS];
    private int segmentCount;
    private final byte[][] buffers = new byte[MAX_BUFFERS][]; // oldest first
    private int bufferCount;
    private long pooledBytes;
    private long heldBytes;
    private int taken; // buffers taken since the last trim
    private int trimmedAt;

    /** A zeroed segment with a buffer for {@code want} bytes (none when want is 0). */
    Segment take(int want) {
        Segment s;
        if (segmentCount > 0) {
            s = segments[--segmentCount];
            segments[segmentCount] = null;
        } else {
            s = new Segment();
        }
        s.data = buffer(want);
        return s;
    }

    private byte[] buffer(int want) {
        if (want == 0) {
            return Segment.NO_DATA;
        }
        taken++;
        for (int i = bufferCount - 1; i >= 0; i--) {
            byte[] b = buffers[i];
            if (b.length >= want && b.length <= 2L * want) {
                remove(i);
                heldBytes += b.length;
                return b;
            }
        }
        heldBytes += want;
        return new byte[want];
    }

    private void remove(int i) {
        pooledBytes -= buffers[i].length;
        bufferCount--;
        System.arraycopy(buffers, i + 1, buffers, i, bufferCount - i);
        buffers[bufferCount] = null;
    }

    /** Replaces a queued segment's buffer by one of {@code cap} bytes, keeping its payload. */
    void grow(Segment s, int cap) {
        byte[] bigger = new byte[cap];
        System.arraycopy(s.data, 0, bigger, 0, s.len);
        heldBytes += cap - s.data.length;
        s.data = bigger;
    }

    /** Takes a segment's buffer back; the segment stays (acked, with length 0). */
    void release(Segment s) {
        byte[] b = s.data;
        s.data = Segment.NO_DATA;
        s.len = 0;
        if (b.length == 0) {
            return;
        }
        heldBytes -= b.length;
        if (bufferCount == MAX_BUFFERS) {
            remove(0);
        }
        buffers[bufferCount++] = b;
        pooledBytes += b.length;
    }

    /** Called by every flush; trims when {@code interval} ms have passed since the last trim
     * (compared unsigned, so a clock that went back trims too). */
    void trim(int now, int interval) {
        if (Integer.compareUnsigned(now - trimmedAt, interval) < 0) {
            return;
        }
        while (Integer.compareUnsigned(bufferCount, taken) > 0
                && (bufferCount > KEEP_BUFFERS || pooledBytes > KEEP_BYTES)) {
            remove(0);
        }
        taken = 0;
        trimmedAt = now;
    }

    /** Takes a segment and its buffer back. */
    void give(Segment s) {
        release(s);
        s.reset();
        if (segmentCount < MAX_SEGMENTS) {
            segments[segmentCount++] = s;
        }
    }

    /** Bytes of the buffers handed out and not yet released. */
    long heldBytes() {
        return heldBytes;
    }

    /** Bytes of the buffers kept for reuse. */
    long pooledBytes() {
        return pooledBytes;
    }

    void clear() {
        java.util.Arrays.fill(segments, 0, segmentCount, null);
        segmentCount = 0;
        java.util.Arrays.fill(buffers, 0, bufferCount, null);
        bufferCount = 0;
        pooledBytes = 0;
    }
}
