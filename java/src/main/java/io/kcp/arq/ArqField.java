package io.kcp.arq;

/**
 * The observable state of an {@link Arq}, in the order of {@code enum kcp_arq_field} in
 * {@code native/include/kcp/arq.h}. Names follow kcp-go's fields and Snmp counters; four are
 * this project's own: {@code RMT_WND_KNOWN} (1 once a regular packet has set {@code rmt_wnd}),
 * {@code ACK_CLOCKING} (1 while ACK clocking is on, see {@link Arq#setAckClocking}),
 * {@code DATA_BYTES} (bytes of the payload buffers the queued segments hold) and
 * {@code POOL_BYTES} (bytes of released buffers kept for reuse).
 */
public enum ArqField {
    CONV, MTU, MSS, STATE,
    SND_UNA, SND_NXT, RCV_NXT, SSTHRESH,
    RX_RTTVAR, RX_SRTT, RX_RTO, RX_MINRTO,
    SND_WND, RCV_WND, RMT_WND, RMT_WND_KNOWN, CWND, PROBE,
    INTERVAL, NODELAY, TS_PROBE, PROBE_WAIT, DEAD_LINK,
    INCR, FASTRESEND, NOCWND, STREAM, ACK_CLOCKING, RESERVED,
    SND_QUEUE, RCV_QUEUE, SND_BUF, RCV_BUF, ACKLIST,
    DATA_BYTES, POOL_BYTES,
    OUT_SEGS, IN_SEGS, RETRANS_SEGS, FAST_RETRANS_SEGS,
    EARLY_RETRANS_SEGS, LOST_SEGS, REPEAT_SEGS;

    /** Number of fields; the native library reports its own count and must agree. */
    public static final int COUNT = values().length;

    private static final ArqField[] VALUES = values();

    public static ArqField of(int ordinal) { return VALUES[ordinal]; }

    /** True for the u64 Snmp counters kept at this layer. */
    public boolean isCounter() { return ordinal() >= OUT_SEGS.ordinal(); }
}
