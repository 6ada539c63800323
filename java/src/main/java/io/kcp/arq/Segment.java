package io.kcp.arq;

/**
 * One KCP segment: kcp-go's {@code segment} struct. Fields holding Go {@code uint32}/{@code uint8}/
 * {@code uint16} values are plain ints read as unsigned; {@code data[0..len)} is the payload.
 * Instances are pooled by {@link SegmentPool}, so the data array is usually larger than
 * {@code len}.
 */
final class Segment {
    static final byte[] NO_DATA = new byte[0];

    int conv;
    int cmd;
    int frg;
    int wnd;
    int ts;
    int sn;
    int una;
    int rto;
    int xmit;
    int resendts;
    int fastack;
    int acked;
    int len;
    byte[] data = NO_DATA;

    /** Back to the zero value a fresh Go segment has; the data array is kept for reuse. */
    void reset() {
        conv = 0;
        cmd = 0;
        frg = 0;
        wnd = 0;
        ts = 0;
        sn = 0;
        una = 0;
        rto = 0;
        xmit = 0;
        resendts = 0;
        fastack = 0;
        acked = 0;
        len = 0;
    }

    /** Makes room for {@code n} payload bytes, keeping the first {@code len}; grows to at least
     * {@code floor} so that later stream-mode appends up to the mss need no copy. */
    void ensureCapacity(int n, int floor) {
        if (data.length < n) {
            byte[] bigger = new byte[Math.max(n, floor)];
            System.arraycopy(data, 0, bigger, 0, len);
            data = bigger;
        }
    }
}
