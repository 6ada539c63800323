package io.kcp.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Datagrams gathered end to end in a direct buffer and sent together by
 * {@link #send}: few system calls for many datagrams, with runs of equal-size datagrams handed
 * to the kernel as one UDP GSO message each where it takes them. Datagrams arrive two ways:
 * copied one by one by {@link #add} (up to {@value #MAX_DATAGRAMS} datagrams and
 * {@value #MAX_BYTES} bytes, then the caller sends), or all of a flush at once, encoded in C by
 * {@link NativeOutbound}.
 *
 * <p>A batch belongs to no session: a sender takes one from {@link #take()} for one flush and
 * gives it back ({@link #give}), so the process holds a batch per flush running at once, not one
 * per session (a session costs no native memory, however many come and go). The buffer starts at
 * one datagram's size and grows only when a flush sends more: to 64 KiB through {@link #add},
 * to a whole flush's output through {@link NativeOutbound}. A grown batch stays grown in the
 * pool.
 *
 * <p>Not thread-safe: used by one thread between take and give. The steady state allocates
 * nothing.
 */
public final class NativeUdpBatch {

    /** Datagrams per batch: Linux's oldest limit of segments per GSO message. */
    public static final int MAX_DATAGRAMS = 64;
    /** Bytes per batch (a single larger datagram is a batch of its own). */
    public static final int MAX_BYTES = 64 * 1024;
    private static final int FLAG_GSO = 1; // KCP_UDP_GSO
    private static final int INITIAL_BYTES = 2048;
    // meta: ints for C (flags in/out, error out, and what an encode appended), then the
    // destination address; the u16 lengths are a buffer of their own, which an encode may grow
    static final int FLAGS = 0, ERROR = 4, COUNT = 8, BYTES = 12, INTERVAL = 16;
    private static final int DESTINATION = 20;
    /** Batches kept for reuse; more flushes at once than this allocate (and drop) their own. */
    private static final int POOL = 64;
    private static final AtomicReferenceArray<NativeUdpBatch> FREE = new AtomicReferenceArray<>(POOL);
    private static final AtomicLong ALLOCATED = new AtomicLong();

    private final ByteBuffer meta =
            ByteBuffer.allocateDirect(DESTINATION + NativeUdp.ADDRESS_SIZE).order(ByteOrder.nativeOrder());
    private final long metaAddress = NativeUdp.address0(meta);
    private ByteBuffer data;
    private long dataAddress;
    private ByteBuffer lens;
    private long lensAddress;
    private int count;
    private int bytes;

    private NativeUdpBatch() {
        allocate(INITIAL_BYTES);
        allocateLengths(MAX_DATAGRAMS);
        ALLOCATED.incrementAndGet();
    }

    /** Batches this process has allocated: at most the flushes that ever ran at once, plus the pool. */
    public static long allocated() {
        return ALLOCATED.get();
    }

    /** An empty batch: a pooled one, or a new one when all are in use. */
    public static NativeUdpBatch take() {
        for (int i = 0; i < POOL; i++) {
            NativeUdpBatch b = FREE.get(i);
            if (b != null && FREE.compareAndSet(i, b, null)) return b;
        }
        return new NativeUdpBatch();
    }

    /** Gives a batch back for reuse (emptied); one that finds the pool full is left to the GC. */
    public static void give(NativeUdpBatch b) {
        b.count = 0;
        b.bytes = 0;
        for (int i = 0; i < POOL; i++) {
            if (FREE.get(i) == null && FREE.compareAndSet(i, null, b)) return;
        }
    }

    /** Datagrams waiting for {@link #send}. */
    public int count() {
        return count;
    }

    /**
     * Copies the datagram between position and limit into the batch (position and limit do
     * not move).
     *
     * @return false, copying nothing, when the batch is full: send it, then add again
     * @throws IllegalArgumentException for a datagram longer than 65535 bytes
     */
    public boolean add(ByteBuffer datagram) {
        int len = datagram.remaining();
        if (len > 0xFFFF) throw new IllegalArgumentException("datagram of " + len + " bytes");
        if (count == MAX_DATAGRAMS || (count > 0 && bytes + len > MAX_BYTES)) return false;
        if (bytes + len > data.capacity()) grow(bytes + len);
        data.put(bytes, datagram, datagram.position(), len);
        lens.putShort(2 * count, (short) len);
        count++;
        bytes += len;
        return true;
    }

    /**
     * Sends the batch on {@code socket} to {@code destination} and empties it.
     *
     * @param socket a socket the caller holds a reference of (see {@link NativeUdpSocket#retain()})
     * @param destination a socket address from {@link NativeUdpSocket#socketAddress}
     * @param gso whether to try UDP GSO (the caller remembers a refusal; see {@link #gsoRefused})
     * @return the datagrams that left, from the first on; when fewer than were added, the
     *     rest are dropped and {@link #lastErrno()} says why (EAGAIN: the send buffer was full)
     */
    public int send(NativeUdpSocket socket, byte[] destination, boolean gso) {
        if (count == 0) return 0;
        long address = prepareSend(destination, gso);
        int sent = NativeUdp.send0(socket.fd(), dataAddress, lensAddress, count,
                address, destination.length, metaAddress + FLAGS);
        count = 0;
        bytes = 0;
        return sent;
    }

    /** Bytes of the datagrams waiting for {@link #send}. */
    public int bytes() {
        return bytes;
    }

    /** The length of datagram {@code i} (0 &le; i &lt; {@link #count()}). */
    public int length(int i) {
        return Short.toUnsignedInt(lens.getShort(2 * i));
    }

    /**
     * The datagrams, end to end from index 0, for changes in place (a cipher's); the view's
     * position and limit are the caller's. Valid until the batch grows or is given back.
     */
    public ByteBuffer data() {
        return data;
    }

    // ---- for NativeOutbound, which appends to an empty batch from C --------------------------

    /** Makes room for an encode that appends at most {@code bytes} bytes and {@code datagrams} datagrams. */
    void reserve(long bytes, int datagrams) {
        if (this.bytes + bytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a batch of " + (this.bytes + bytes) + " bytes");
        }
        if (this.bytes + bytes > data.capacity()) grow((int) (this.bytes + bytes));
        if (count + datagrams > lens.capacity() / 2) {
            ByteBuffer old = lens;
            allocateLengths(Math.max(count + datagrams, 2 * (old.capacity() / 2)));
            lens.put(0, old, 0, 2 * count);
        }
        meta.putInt(COUNT, count);
        meta.putInt(BYTES, this.bytes);
    }

    /** The interval the ARQ flush of {@link NativeOutbound#flushAndSend} returned. */
    int interval() {
        return meta.getInt(INTERVAL);
    }

    /** Takes the counts an encode left in the meta ints. */
    void encoded() {
        count = meta.getInt(COUNT);
        bytes = meta.getInt(BYTES);
    }

    long dataAddress() {
        return dataAddress;
    }

    int dataCapacity() {
        return data.capacity();
    }

    long lengthsAddress() {
        return lensAddress;
    }

    int lengthsCapacity() {
        return lens.capacity() / 2;
    }

    long metaAddress() {
        return metaAddress;
    }

    /** The destination and GSO flag for a send from C ({@link NativeOutbound}). */
    long prepareSend(byte[] destination, boolean gso) {
        meta.put(DESTINATION, destination);
        meta.putInt(FLAGS, gso ? FLAG_GSO : 0);
        return metaAddress + DESTINATION;
    }

    /** The errno that stopped the last {@link #send} early, or 0. */
    public int lastErrno() {
        return -meta.getInt(ERROR);
    }

    /** True when the last {@link #send} asked for GSO and the kernel refused it. */
    public boolean gsoRefused() {
        return (meta.getInt(FLAGS) & FLAG_GSO) == 0;
    }

    /** The text of an errno from {@link #lastErrno()}. */
    public static String errorText(int errno) {
        return NativeUdpSocket.errorText(errno);
    }

    private void grow(int needed) {
        long capacity = data.capacity();
        while (capacity < needed) capacity *= 2;
        capacity = Math.min(capacity, Integer.MAX_VALUE - 8);
        ByteBuffer old = data;
        allocate((int) capacity);
        data.put(0, old, 0, bytes);
    }

    private void allocateLengths(int entries) {
        lens = ByteBuffer.allocateDirect(2 * entries).order(ByteOrder.nativeOrder());
        lensAddress = NativeUdp.address0(lens);
    }

    private void allocate(int capacity) {
        data = ByteBuffer.allocateDirect(capacity);
        dataAddress = NativeUdp.address0(data);
    }
}
