package io.kcp.arq;

/**
 * One KCP segment: kcp-go's {@code segment} struct. Fields holding Go {@code uint32}/{@code uint8}/
 * {@code uint16} values are plain ints read as unsigned; {@code data[0..len)} is the payload.
 * Instances and their data arrays are pooled by {@link SegmentPool}, so the data array may be
 * larger than {@code len} (at most twice what the segment needed when it got it).
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

    /** Back to the zero value a fresh Go segment has (the pool has taken the data array). */
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
}
