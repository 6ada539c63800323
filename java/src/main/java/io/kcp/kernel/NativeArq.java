package io.kcp.kernel;

import io.kcp.arq.Arq;
import io.kcp.arq.ArqField;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;

/**
 * The C ARQ kernel ({@code native/src/arq.c}) behind the {@link Arq} interface.
 *
 * <p>Each operation is one JNI crossing. The output records live in C memory; Java reads them
 * through a direct buffer view and resets the record counters by writing the shared
 * {@code kcp_arq_output} struct directly, so draining output costs no crossing. Direct buffers
 * are passed as they are; heap buffers given to input and send are copied through a
 * per-instance direct staging buffer, and recv copies a message straight into a heap buffer's
 * array.
 */
public final class NativeArq implements Arq {
    // byte offsets in struct kcp_arq_output (native/include/kcp/arq.h)
    private static final int OUT_DATA = 0, OUT_LEN = 8, OUT_CAP = 12, OUT_COUNT = 16, OUT_OOM = 20;

    private final NativeInstance instance;
    private final ByteBuffer outArea;
    private ByteBuffer outView;
    private long outViewAddress;
    private int outViewCapacity;
    private ByteBuffer staging = ByteBuffer.allocateDirect(2048);
    private final AddressCache inputBuffers = new AddressCache();
    /** Packets queued for one input crossing: i64 address, i32 length, i32 regular / result. */
    private static final int QUEUE_ENTRIES = 64, QUEUE_ENTRY = 16;
    private ByteBuffer queue; // allocated at the first queued packet
    private long queueAddress;
    private int queued;

    /**
     * The address of the direct buffer that input keeps coming from (a receive thread's reused
     * view or staging buffer), so that a datagram crosses JNI as a {@code long}: no
     * {@code GetDirectBufferAddress} and its type check per call. A buffer is cached the second
     * time in a row it is seen, so buffers that rotate cost no extra crossing; the cached one is
     * held, so its memory cannot go while its address is in use.
     */
    private static final class AddressCache {
        private ByteBuffer cached;
        private long address;
        private ByteBuffer lastMiss;

        /** The buffer's base address, or 0 when it is not (yet) cached. */
        long addressOf(ByteBuffer b) {
            if (b == cached) return address;
            if (b != lastMiss) {
                lastMiss = b;
                return 0;
            }
            lastMiss = null;
            cached = b;
            address = NativeUdp.address0(b);
            return address;
        }
    }


    public NativeArq(int conv) {
        NativeLibrary.ensureAvailable();
        long p = create0(conv);
        if (p == 0) throw new OutOfMemoryError("native ARQ: cannot allocate an instance");
        instance = new NativeInstance(this, p, "ARQ instance", NativeArq::destroy0);
        outArea = outputArea0(p).order(ByteOrder.nativeOrder());
    }

    /** The C instance, for {@link NativeOutbound}'s crossing. */
    long ptr() {
        return instance.ptr();
    }

    /** @throws OutOfMemoryError if a growth of the output area failed (the instance is unusable) */
    void checkMemory() {
        if (outArea.getInt(OUT_OOM) != 0) {
            throw new OutOfMemoryError("native ARQ: allocation failed; the instance is unusable");
        }
    }

    /** A direct buffer holding {@code src}'s remaining bytes (src itself when direct). */
    private ByteBuffer stage(ByteBuffer src, int len) {
        if (src.isDirect()) return src;
        if (staging.capacity() < len) staging = ByteBuffer.allocateDirect(Math.max(len, staging.capacity() * 2));
        staging.clear();
        staging.put(0, src, src.position(), len);
        return staging;
    }

    @Override
    public int send(ByteBuffer src) {
        int len = src.remaining();
        ByteBuffer b = stage(src, len);
        int r = send0(ptr(), b, b == src ? src.position() : 0, len);
        if (r == -3) throw new OutOfMemoryError("native ARQ: cannot queue " + len + " bytes");
        if (r == 0) src.position(src.limit());
        return r;
    }

    @Override
    public int recv(ByteBuffer dst) {
        int cap = dst.remaining();
        int r;
        if (dst.isDirect()) {
            r = recv0(ptr(), dst, dst.position(), cap);
        } else if (dst.hasArray()) { // one crossing, straight into the array
            r = recvArray0(ptr(), dst.array(), dst.arrayOffset() + dst.position(), cap);
        } else {
            throw new ReadOnlyBufferException(); // before a message is taken out, not after
        }
        if (r > 0) dst.position(dst.position() + r);
        return r;
    }

    @Override
    public int peekSize() { return peekSize0(ptr()); }

    @Override
    public int input(ByteBuffer datagram, boolean regular, boolean ackNoDelay, int now) {
        int len = datagram.remaining();
        ByteBuffer b = stage(datagram, len);
        int pos = b == datagram ? datagram.position() : 0;
        long address = inputBuffers.addressOf(b);
        int r = address != 0
                ? inputAt0(ptr(), address + pos, len, regular, ackNoDelay, now)
                : input0(ptr(), b, pos, len, regular, ackNoDelay, now);
        checkMemory();
        return r;
    }

    @Override
    public boolean queueInput(ByteBuffer packet, boolean regular) {
        if (queued == QUEUE_ENTRIES || !packet.isDirect()) return false;
        long base = inputBuffers.addressOf(packet);
        if (base == 0) return false; // a buffer not seen before: its address is not known yet
        if (queue == null) {
            queue = ByteBuffer.allocateDirect(QUEUE_ENTRIES * QUEUE_ENTRY).order(ByteOrder.nativeOrder());
            queueAddress = NativeUdp.address0(queue);
        }
        int at = queued++ * QUEUE_ENTRY;
        queue.putLong(at, base + packet.position());
        queue.putInt(at + 8, packet.remaining());
        queue.putInt(at + 12, regular ? 1 : 0);
        return true;
    }

    @Override
    public int queuedInputs() {
        return queued;
    }

    @Override
    public int inputQueued(boolean ackNoDelay, int now) {
        int n = queued;
        if (n == 0) return 0;
        queued = 0;
        int accepted = inputQueued0(ptr(), queueAddress, n, ackNoDelay, now);
        checkMemory();
        return accepted;
    }

    @Override
    public int queuedResult(int i) {
        if (queue == null || i < 0 || i >= QUEUE_ENTRIES) throw new IndexOutOfBoundsException(i);
        return queue.getInt(i * QUEUE_ENTRY + 12);
    }

    @Override
    public int flush(int now) {
        int r = flush0(ptr(), now);
        checkMemory();
        return r;
    }

    @Override
    public void flushAcks(int now) {
        flushAcks0(ptr(), now);
        checkMemory();
    }

    @Override
    public ByteBuffer output() {
        ptr();
        long address = outArea.getLong(OUT_DATA);
        int capacity = outArea.getInt(OUT_CAP);
        if (outView == null || address != outViewAddress || capacity != outViewCapacity) {
            outView = address == 0 ? ByteBuffer.allocateDirect(0) : view0(address, capacity);
            outView.order(ByteOrder.LITTLE_ENDIAN);
            outViewAddress = address;
            outViewCapacity = capacity;
        }
        outView.limit(outArea.getInt(OUT_LEN)).position(0);
        return outView;
    }

    @Override
    public int outputCount() {
        ptr();
        return outArea.getInt(OUT_COUNT);
    }

    /** Bytes of records in the output area (a read of shared memory, no crossing). */
    int outputLength() {
        ptr();
        return outArea.getInt(OUT_LEN);
    }

    @Override
    public void clearOutput() {
        ptr();
        outArea.putInt(OUT_LEN, 0);
        outArea.putInt(OUT_COUNT, 0);
    }

    @Override
    public boolean setMtu(int mtu) { return setMtu0(ptr(), mtu) == 0; }

    @Override
    public boolean reserveBytes(int n) { return reserveBytes0(ptr(), n) == 0; }

    @Override
    public void nodelay(int nodelay, int interval, int resend, int nc) { nodelay0(ptr(), nodelay, interval, resend, nc); }

    @Override
    public void setMinRto(int minRto) { setMinRto0(ptr(), minRto); }

    @Override
    public void windowSize(int sndWnd, int rcvWnd) { wndSize0(ptr(), sndWnd, rcvWnd); }

    @Override
    public void setStreamMode(boolean stream) { setStream0(ptr(), stream); }

    @Override
    public void setAckClocking(boolean on) { setAckClocking0(ptr(), on); }

    @Override
    public int waitSnd() { return waitSnd0(ptr()); }

    @Override
    public long field(ArqField field) { return field0(ptr(), field.ordinal()); }

    @Override
    public void snapshot(long[] dst) {
        if (dst.length < ArqField.COUNT) {
            throw new IllegalArgumentException("snapshot needs " + ArqField.COUNT + " slots, got " + dst.length);
        }
        snapshot0(ptr(), dst);
    }

    @Override
    public long digest() { return digest0(ptr()); }

    @Override
    public void close() { instance.close(); }

    private static native long create0(int conv);
    private static native void destroy0(long ptr);
    private static native ByteBuffer outputArea0(long ptr);
    private static native ByteBuffer view0(long address, int capacity);
    private static native int send0(long ptr, ByteBuffer src, int pos, int len);
    private static native int recv0(long ptr, ByteBuffer dst, int pos, int cap);
    private static native int recvArray0(long ptr, byte[] dst, int off, int cap);
    private static native int peekSize0(long ptr);
    private static native int input0(long ptr, ByteBuffer src, int pos, int len, boolean regular, boolean ackNoDelay, int now);
    private static native int inputAt0(long ptr, long address, int len, boolean regular, boolean ackNoDelay, int now);
    private static native int inputQueued0(long ptr, long queue, int count, boolean ackNoDelay, int now);
    private static native int flush0(long ptr, int now);
    private static native void flushAcks0(long ptr, int now);
    private static native int setMtu0(long ptr, int mtu);
    private static native int reserveBytes0(long ptr, int n);
    private static native void nodelay0(long ptr, int nodelay, int interval, int resend, int nc);
    private static native void setMinRto0(long ptr, int minRto);
    private static native void wndSize0(long ptr, int snd, int rcv);
    private static native void setStream0(long ptr, boolean stream);
    private static native void setAckClocking0(long ptr, boolean on);
    private static native int waitSnd0(long ptr);
    private static native long field0(long ptr, int field);
    private static native void snapshot0(long ptr, long[] dst);
    private static native long digest0(long ptr);
}
