package io.kcp.kernel;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;

/**
 * A {@code DatagramChannel}'s socket descriptor for batched native sends and receives: a
 * duplicate ({@link #open}), or the channel's own ({@link #borrow}).
 *
 * <p>Why a duplicate: the JDK closes a channel's descriptor on its own schedule (after the
 * selector lets go of it), and the number may then be reused by another file. Our own
 * descriptor stays valid until we close it, whatever happens to the channel; sends on a closed
 * channel's socket still go to the same socket, which is harmless.
 *
 * <p>Reference counted: the opener holds one reference, each sender and receive registration
 * {@link #retain()}s one, and a duplicate is closed when the last is {@link #release()}d. A
 * listener's sessions share their listener port's. Retain and release are rare (a session's
 * start and end); sends take no lock.
 */
public final class NativeUdpSocket {

    private final int fd;
    private final boolean duplicate; // ours to close
    private int references = 1; // guarded by this
    private boolean closed; // guarded by this

    private NativeUdpSocket(int fd, boolean duplicate) {
        this.fd = fd;
        this.duplicate = duplicate;
    }

    /**
     * A duplicate of {@code channel}'s descriptor, or null (the caller then sends through the
     * channel) when batched native sends are not available ({@link NativeUdp#available()}), this
     * JDK's channel does not expose its descriptor, or the process is out of descriptors.
     */
    public static NativeUdpSocket open(DatagramChannel channel) {
        int fd = channelFd(channel);
        if (fd < 0) return null;
        int dup = NativeUdp.dup0(fd);
        return dup < 0 ? null : new NativeUdpSocket(dup, true);
    }

    /**
     * The channel's own descriptor, not a duplicate, or null as for {@link #open}. Only for a
     * channel that is closed after everything that uses this object has released it: a dialed
     * session's own socket, which its receive thread closes after the session has ended and
     * its registration is gone. It saves a descriptor per dialed session.
     */
    public static NativeUdpSocket borrow(DatagramChannel channel) {
        int fd = channelFd(channel);
        return fd < 0 ? null : new NativeUdpSocket(fd, false);
    }

    private static int channelFd(DatagramChannel channel) {
        // only the JDK's own channel: a subclass's "fdVal", if it had one, could mean anything
        if (!NativeUdp.available() || !channel.isOpen()
                || !channel.getClass().getName().equals("sun.nio.ch.DatagramChannelImpl")) {
            return -1;
        }
        return NativeUdp.channelFd0(channel);
    }

    /**
     * Takes a reference for a sender; false once the socket is closed (the sender must then use
     * another path).
     */
    public synchronized boolean retain() {
        if (closed) return false;
        references++;
        return true;
    }

    /** Gives a reference back; the last one closes the descriptor. Call once per reference. */
    public synchronized void release() {
        if (closed) return;
        if (--references == 0) {
            closed = true;
            if (duplicate) NativeUdp.close0(fd);
        }
    }

    /**
     * Turns UDP GRO on: datagrams that arrive as one run may then be read as one message (only
     * a {@link NativeUdpReceiver} can cut them back, so only for sockets nobody else reads).
     *
     * @return false when the kernel has no GRO for UDP
     */
    public boolean enableGro() {
        return NativeUdp.setGro0(fd, 1) == 0;
    }

    int fd() {
        return fd;
    }

    /**
     * {@code remote} as the bytes of a C socket address for this socket (IPv4-mapped on an IPv6
     * socket), for {@link NativeUdpBatch#send}.
     *
     * @throws IOException if this socket cannot reach that address family, e.g. an IPv6 address
     *     on an IPv4 socket
     */
    public byte[] socketAddress(InetSocketAddress remote) throws IOException {
        if (remote.isUnresolved()) throw new IOException("unresolved address " + remote);
        byte[] out = new byte[NativeUdp.ADDRESS_SIZE];
        byte[] ip = remote.getAddress().getAddress();
        int scope = remote.getAddress() instanceof Inet6Address a ? a.getScopeId() : 0;
        int len = NativeUdp.socketAddress0(fd, ip, remote.getPort(), scope, out);
        if (len < 0) throw new IOException("cannot send to " + remote + " on this socket: " + errorText(-len));
        return Arrays.copyOf(out, len);
    }

    static String errorText(int errno) {
        return NativeUdp.errorText0(errno) + " (errno " + errno + ")";
    }
}
