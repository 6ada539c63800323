package io.kcp.arq;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The record area a flush writes into: {@code [u32 LE length][datagram]} per datagram, where a
 * datagram is {@code reserved} zero bytes followed by KCP segments. One datagram is under
 * construction at a time; it becomes a record only when emitted, so an abandoned one costs
 * nothing. The array grows on demand and is exposed through one reused little-endian view.
 */
final class OutputArea {
    private static final VarHandle U32 =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle U16 =
            MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    private byte[] buf = new byte[4096];
    private ByteBuffer view = wrap(buf);
    private int len;
    private int count;

    /** First byte of the datagram under construction (its length prefix sits just before). */
    private int start;
    /** Write position inside the datagram under construction. */
    private int ptr;

    private static ByteBuffer wrap(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Starts a datagram after the last record: {@code reserved} zero bytes. */
    void begin(int reserved) {
        start = len + 4;
        ensure(start + reserved);
        Arrays.fill(buf, start, start + reserved, (byte) 0);
        ptr = start + reserved;
    }

    /** Bytes in the datagram under construction, reserved bytes included. */
    int size() {
        return ptr - start;
    }

    /** Turns the datagram under construction into a record and begins the next one. */
    void emit(int reserved) {
        U32.set(buf, start - 4, ptr - start);
        len = ptr;
        count++;
        begin(reserved);
    }

    /** Encodes one segment header and its payload {@code data[0..n)}. */
    void putSegment(int conv, int cmd, int frg, int wnd, int ts, int sn, int una,
                    byte[] data, int n) {
        ensure(ptr + 24 + n);
        byte[] b = buf;
        int p = ptr;
        U32.set(b, p, conv);
        b[p + 4] = (byte) cmd;
        b[p + 5] = (byte) frg;
        U16.set(b, p + 6, (short) wnd);
        U32.set(b, p + 8, ts);
        U32.set(b, p + 12, sn);
        U32.set(b, p + 16, una);
        U32.set(b, p + 20, n);
        if (n > 0) {
            System.arraycopy(data, 0, b, p + 24, n);
        }
        ptr = p + 24 + n;
    }

    ByteBuffer view() {
        view.clear();
        view.limit(len);
        return view;
    }

    int count() {
        return count;
    }

    void clear() {
        len = 0;
        count = 0;
    }

    private void ensure(int need) {
        if (need > buf.length) {
            long doubled = 2L * buf.length;
            int cap = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(need, doubled));
            if (cap < need) {
                throw new OutOfMemoryError("ARQ output area would exceed 2 GiB");
            }
            buf = Arrays.copyOf(buf, cap);
            view = wrap(buf);
        }
    }
}
