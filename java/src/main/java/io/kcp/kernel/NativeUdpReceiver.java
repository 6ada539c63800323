package io.kcp.kernel;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A receive loop's buffers for batched native receives: one recvmmsg takes up to
 * {@value #MESSAGES} messages, each into its own 64 KiB slot, because with UDP GRO a message
 * can be a whole run of datagrams that the sender's GSO never cut ({@link #segment}).
 *
 * <p>The sender of each message is decoded from its C socket address; the last one is kept, so
 * a burst from one peer allocates no address. IPv4-mapped IPv6 addresses come out as IPv4
 * addresses, as the JDK's {@code DatagramChannel.receive} gives them.
 *
 * <p>Not thread-safe: one per receive thread. About 1 MiB of direct memory.
 */
public final class NativeUdpReceiver {

    /** Messages per receive. */
    public static final int MESSAGES = 16;
    private static final int SLOT = 64 * 1024;
    private static final int MESSAGE_SIZE = 48; // struct kcp_udp_message
    private static final int LENGTH = 0, SEGMENT = 4, FLAGS = 8, ADDRESS_LENGTH = 12, ADDRESS = 16;
    private static final int TRUNCATED = 1; // KCP_UDP_TRUNCATED
    private static final int EAGAIN = 11, ECONNREFUSED = 111;
    private static final int AF_INET = 2, AF_INET6 = 10; // Linux, the only platform that gets here

    private final ByteBuffer data = ByteBuffer.allocateDirect(MESSAGES * SLOT);
    private final ByteBuffer view = data.duplicate();
    private final ByteBuffer meta =
            ByteBuffer.allocateDirect(MESSAGES * MESSAGE_SIZE + 4).order(ByteOrder.nativeOrder());
    private final long dataAddress = NativeUdp.address0(data);
    private final long metaAddress = NativeUdp.address0(meta);
    private final int errorAt = MESSAGES * MESSAGE_SIZE;
    private int count;
    // the last sender decoded, and its socket address bytes
    private InetSocketAddress lastSource;
    private long last0, last1, last2;
    private int last3, lastLength = -1;

    public NativeUdpReceiver() {
        NativeLibrary.ensureAvailable();
    }

    /**
     * Receives what is waiting on {@code socket}, up to {@value #MESSAGES} messages.
     *
     * @return how many messages arrived; 0 when none was waiting
     * @throws PortUnreachableException on a connected socket whose peer answered with ICMP
     *     port unreachable (as {@code DatagramChannel.receive} throws it)
     * @throws IOException if the socket failed otherwise
     */
    public int receive(NativeUdpSocket socket) throws IOException {
        count = 0;
        int n = NativeUdp.receive0(socket.fd(), dataAddress, SLOT, MESSAGES, metaAddress,
                metaAddress + errorAt);
        if (n == 0) {
            int errno = -meta.getInt(errorAt);
            if (errno == ECONNREFUSED) { // an ICMP answer on a connected socket, as the JDK says it
                throw new PortUnreachableException("receive failed: " + NativeUdpSocket.errorText(errno));
            }
            if (errno != 0 && errno != EAGAIN) {
                throw new IOException("receive failed: " + NativeUdpSocket.errorText(errno));
            }
        }
        count = n;
        return n;
    }

    /** Bytes of message {@code i} of the last receive. */
    public int length(int i) {
        return meta.getInt(at(i) + LENGTH);
    }

    /**
     * The size of the datagrams message {@code i} holds when GRO coalesced several (the last
     * may be shorter), or 0 when it is one datagram.
     */
    public int segment(int i) {
        return meta.getInt(at(i) + SEGMENT);
    }

    /** True when message {@code i} was longer than its slot and was cut. */
    public boolean truncated(int i) {
        return (meta.getInt(at(i) + FLAGS) & TRUNCATED) != 0;
    }

    /**
     * The bytes {@code [offset, offset + length)} of message {@code i}, between position and
     * limit of a view that is reused by the next call.
     */
    public ByteBuffer slice(int i, int offset, int length) {
        at(i);
        int start = i * SLOT + offset;
        return view.limit(start + length).position(start);
    }

    /** The sender of message {@code i}; null for an address family other than IP. */
    public InetSocketAddress source(int i) throws UnknownHostException {
        int base = at(i) + ADDRESS;
        int length = meta.getInt(at(i) + ADDRESS_LENGTH);
        long w0 = meta.getLong(base), w1 = meta.getLong(base + 8), w2 = meta.getLong(base + 16);
        int w3 = meta.getInt(base + 24);
        // one branch, not five: the JIT compiles out a branch its profile never saw taken, and a
        // peer that differs from the last in a word no earlier one did (a new receiver's first,
        // a socket of another family) would send this method back to the interpreter
        long differs = (length ^ lastLength) | (w0 ^ last0) | (w1 ^ last1) | (w2 ^ last2) | (w3 ^ last3);
        if (differs == 0) return lastSource;
        InetSocketAddress decoded = decode(base);
        lastSource = decoded;
        lastLength = length;
        last0 = w0;
        last1 = w1;
        last2 = w2;
        last3 = w3;
        return decoded;
    }

    private InetSocketAddress decode(int base) throws UnknownHostException {
        int family = meta.getShort(base) & 0xFFFF;
        int port = (meta.get(base + 2) & 0xFF) << 8 | (meta.get(base + 3) & 0xFF); // network order
        if (family == AF_INET) {
            byte[] ip = new byte[4];
            meta.get(base + 4, ip);
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        }
        if (family == AF_INET6) {
            byte[] ip = new byte[16];
            meta.get(base + 8, ip);
            if (isIpv4Mapped(ip)) {
                byte[] v4 = {ip[12], ip[13], ip[14], ip[15]};
                return new InetSocketAddress(InetAddress.getByAddress(v4), port);
            }
            int scope = meta.getInt(base + 24);
            return new InetSocketAddress(
                    scope != 0 ? Inet6Address.getByAddress(null, ip, scope)
                            : InetAddress.getByAddress(ip), port);
        }
        return null;
    }

    private static boolean isIpv4Mapped(byte[] ip) {
        for (int k = 0; k < 10; k++) if (ip[k] != 0) return false;
        return ip[10] == (byte) 0xFF && ip[11] == (byte) 0xFF;
    }

    private int at(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("message " + i + " of " + count);
        }
        return i * MESSAGE_SIZE;
    }
}
