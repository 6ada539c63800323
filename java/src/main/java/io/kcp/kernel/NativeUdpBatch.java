package io.kcp.kernel;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Datagrams to one remote address, gathered end to end in a direct buffer and sent together
 * by {@link #send()}: one system call for up to {@value #MAX_DATAGRAMS} datagrams, with runs of
 * equal-size datagrams handed to the kernel as one UDP GSO message each where it takes them.
 *
 * <p>The buffer starts at one datagram's size and grows, up to {@value #MAX_BYTES} bytes per
 * batch, only when a flush has more to send: a session that only ever sends single datagrams
 * keeps a small one.
 *
 * <p>Not thread-safe: one per session, used under its lock. The steady state allocates nothing.
 */
public final class NativeUdpBatch {

    /** Datagrams per batch: Linux's oldest limit of segments per GSO message. */
    public static final int MAX_DATAGRAMS = 64;
    /** Bytes per batch (a single larger datagram is a batch of its own). */
    public static final int MAX_BYTES = 64 * 1024;
    private static final int FLAG_GSO = 1; // KCP_UDP_GSO
    private static final int INITIAL_BYTES = 2048;

    private final NativeUdpSocket socket;
    private final ByteBuffer destination; // kept reachable: C reads it through its address
    private final long destinationAddress;
    private final int destinationLength;
    private final ByteBuffer meta; // u16 lengths, then int flags and int error for C
    private final long lengthsAddress;
    private final long stateAddress;
    private ByteBuffer data;
    private long dataAddress;
    private int count;
    private int bytes;

    /**
     * @param socket a socket this batch holds a reference of (see {@link NativeUdpSocket#retain()})
     * @throws IOException if the socket cannot send to {@code remote} (another address family)
     */
    public NativeUdpBatch(NativeUdpSocket socket, InetSocketAddress remote) throws IOException {
        this.socket = socket;
        this.destination = socket.socketAddress(remote);
        this.destinationAddress = NativeUdp.address0(destination);
        this.destinationLength = destination.limit();
        this.meta = ByteBuffer.allocateDirect(2 * MAX_DATAGRAMS + 8).order(ByteOrder.nativeOrder());
        this.lengthsAddress = NativeUdp.address0(meta);
        this.stateAddress = lengthsAddress + 2 * MAX_DATAGRAMS;
        meta.putInt(2 * MAX_DATAGRAMS, FLAG_GSO);
        allocate(INITIAL_BYTES);
    }

    /** Datagrams waiting for {@link #send()}. */
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
        meta.putShort(2 * count, (short) len);
        count++;
        bytes += len;
        return true;
    }

    /**
     * Sends the batch and empties it.
     *
     * @return the datagrams that left, from the first on; when fewer than were added, the
     *     rest are dropped and {@link #lastErrno()} says why (EAGAIN: the send buffer was full)
     */
    public int send() {
        if (count == 0) return 0;
        int sent = NativeUdp.send0(socket.fd(), dataAddress, lengthsAddress, count,
                destinationAddress, destinationLength, stateAddress);
        count = 0;
        bytes = 0;
        return sent;
    }

    /** The errno that stopped the last {@link #send()} early, or 0. */
    public int lastErrno() {
        return -meta.getInt(2 * MAX_DATAGRAMS + 4);
    }

    /** True while the kernel takes GSO messages from this batch (it may refuse them once). */
    public boolean gso() {
        return (meta.getInt(2 * MAX_DATAGRAMS) & FLAG_GSO) != 0;
    }

    /** The text of an errno from {@link #lastErrno()}. */
    public static String errorText(int errno) {
        return NativeUdpSocket.errorText(errno);
    }

    private void grow(int needed) {
        int capacity = data.capacity();
        while (capacity < needed) capacity *= 2;
        ByteBuffer old = data;
        allocate(capacity);
        data.put(0, old, 0, bytes);
    }

    private void allocate(int capacity) {
        data = ByteBuffer.allocateDirect(capacity);
        dataAddress = NativeUdp.address0(data);
    }
}
