package io.kcp.arq;

import java.nio.ByteBuffer;

/**
 * The KCP ARQ state machine with kcp-go 5.6.1 semantics, implemented twice: in C behind JNI
 * ({@code io.kcp.kernel.NativeArq}) and in Java ({@link JavaArq}). For the same calls both
 * produce the same output bytes and the same {@link ArqField} values.
 *
 * <p>Time is an argument: {@code now} is a monotonic millisecond clock truncated to 32 bits;
 * comparisons are wrap-safe. An instance is not thread-safe.
 *
 * <p>Every datagram a flush produces (also the flushes that {@link #input} runs when the peer's
 * una advances or acks are due) is appended to the output area as a record
 * {@code [u32 LE length][reserved zero bytes, then KCP segments]}. Read it with {@link #output()}
 * and empty it with {@link #clearOutput()}; the reserved bytes are the room the FEC and crypto
 * headers are written into, in place.
 */
public interface Arq extends AutoCloseable {

    /** Queues a message (message mode) or bytes (stream mode): the buffer's remaining bytes.
     * Returns 0 and consumes them; -1 when empty; -2 when it needs more than 255 fragments
     * (in stream mode a leading part may already have been appended, as in kcp-go). */
    int send(ByteBuffer src);

    /** Copies the next complete message into {@code dst} (advancing its position).
     * Returns its length; -1 when nothing is complete; -2 when {@code dst} is too small. */
    int recv(ByteBuffer dst);

    /** Size of the next complete message, or -1. */
    int peekSize();

    /** Feeds one datagram's KCP bytes (the buffer's remaining bytes; the position is not moved).
     * {@code regular} is false for packets recovered by FEC. Returns 0, or -1 (short or foreign
     * conv), -2 (truncated segment), -3 (unknown command); segments before a bad one count. */
    int input(ByteBuffer datagram, boolean regular, boolean ackNoDelay, int now);

    /**
     * Queues one packet for {@link #inputQueued}, which inputs every queued packet, in order, as
     * {@link #input} would have: for a kernel whose input crosses into native code, a receive
     * batch then costs one crossing instead of one per packet. The packet's bytes (between
     * position and limit) must stay as they are until then. False, queueing nothing, when this
     * packet cannot be queued (the kernel does not queue, a heap buffer, a full queue): then
     * call {@link #inputQueued} and input it now, so that the order holds.
     */
    default boolean queueInput(ByteBuffer packet, boolean regular) {
        return false;
    }

    /** Packets waiting in the queue of {@link #queueInput}. */
    default int queuedInputs() {
        return 0;
    }

    /**
     * Inputs the queued packets, in order, with one {@code ackNoDelay} and {@code now} for all;
     * returns how many the ARQ accepted (input's 0). {@link #queuedResult} then gives each one's
     * result until the next {@link #queueInput}.
     */
    default int inputQueued(boolean ackNoDelay, int now) {
        return 0;
    }

    /** The input result of queued packet {@code i} of the last {@link #inputQueued}. */
    default int queuedResult(int i) {
        throw new IndexOutOfBoundsException("no queued input");
    }

    /** Full flush. Returns the milliseconds until the next flush is needed. */
    int flush(int now);

    /** Flushes only the pending ACKs. */
    void flushAcks(int now);

    /** The output records, little-endian, position 0, limit at the end of the last record.
     * Valid until the next call on this instance; writable in place. */
    ByteBuffer output();

    /** Number of records in {@link #output()}. */
    int outputCount();

    void clearOutput();

    /** False if {@code mtu < 50} or nothing would be left after the header and reserved bytes. */
    boolean setMtu(int mtu);

    /** Keeps {@code n} bytes at the front of every datagram for headers; false if n &lt; 0 or
     * n &gt;= mtu - 24. */
    boolean reserveBytes(int n);

    /** kcp-go's NoDelay: negative values leave a setting unchanged; interval clamps to 10..5000. */
    void nodelay(int nodelay, int interval, int resend, int nc);

    /** Sets the RTO floor directly (kcp-go's {@code rx_minrto}; nodelay() resets it to 30 or
     * 100). Values &lt;= 0 are ignored. */
    void setMinRto(int minRto);

    /** Values &lt;= 0 leave a window unchanged. */
    void windowSize(int sndWnd, int rcvWnd);

    void setStreamMode(boolean stream);

    /** ACK clocking, off in a new instance (kcp-go 5.6.1's timing): when on, an {@link #input}
     * that neither slid the send window nor ran the ackNoDelay flush, and leaves at least
     * {@code (mtu - reserved) / 24} ACKs pending (one datagram's worth), ends with an ACK-only
     * flush, as later kcp-go releases do. */
    void setAckClocking(boolean on);

    /** Segments queued or in flight. */
    int waitSnd();

    /** One observable value (u32 zero-extended, signed fields sign-extended, counters u64). */
    long field(ArqField field);

    /** All fields in {@link ArqField} order; {@code dst.length >= ArqField.COUNT}. */
    void snapshot(long[] dst);

    /** A digest of every queued segment (header fields, retransmit state, data) and the ACK
     * list, computed identically by both kernels. For tests; costs a pass over all data. */
    long digest();

    /** Releases the instance (native memory for the C kernel). Idempotent. */
    @Override
    void close();

    default int conv() { return (int) field(ArqField.CONV); }
    default int state() { return (int) field(ArqField.STATE); }
    default int rto() { return (int) field(ArqField.RX_RTO); }
    default int srtt() { return (int) field(ArqField.RX_SRTT); }
    default int srttVar() { return (int) field(ArqField.RX_RTTVAR); }
    default int mtu() { return (int) field(ArqField.MTU); }
    default int mss() { return (int) field(ArqField.MSS); }
}
