package io.kcp.arq;

/**
 * Recycles segments and their payload buffers so that the steady-state send and receive paths
 * allocate nothing, while no segment holds much more than its payload and an idle instance
 * holds little. The buffer rules are those of {@code native/src/arq.c} (the differential test
 * compares {@code DATA_BYTES} and {@code POOL_BYTES}): a request for {@code want} bytes gets
 * no buffer when want is 0, else the newest pooled buffer of want to 2 * want bytes, else a new
 * one of exactly want; released buffers are kept up to {@link #MAX_BUFFERS} and
 * {@link #MAX_BYTES}, the oldest dropped first.
 */
final class SegmentPool {
    /** Buffers kept: the segments one full-MTU datagram of ACKs can release (1400 / 24 = 58). */
    static final int MAX_BUFFERS = 64;
    /** Bytes kept (KCP_POOL_MAX_BYTES): 64 buffers at the default mss fit, jumbo ones do not. */
    static final int MAX_BYTES = 128 * 1024;
    /** Segment objects kept (small; they carry no buffer while pooled). */
    static final int MAX_SEGMENTS = 256;

    private final Segment[] segments = new Segment[MAX_SEGMENTS];
    private int segmentCount;
    private final byte[][] buffers = new byte[MAX_BUFFERS][]; // oldest first
    private int bufferCount;
    private long pooledBytes;
    private long heldBytes;

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
        if (b.length > MAX_BYTES) {
            return;
        }
        while (bufferCount == MAX_BUFFERS || pooledBytes + b.length > MAX_BYTES) {
            remove(0);
        }
        buffers[bufferCount++] = b;
        pooledBytes += b.length;
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
