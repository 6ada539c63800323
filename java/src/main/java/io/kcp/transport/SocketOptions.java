package io.kcp.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;

/** The socket options kcp-go exposes (DSCP, buffer sizes), with their ranges checked. */
public final class SocketOptions {

    private SocketOptions() {
    }

    /**
     * Sets the DSCP code point (0..63): the upper six bits of IPv4's TOS byte or IPv6's traffic
     * class, which Java sets through the one {@code IP_TOS} option.
     */
    public static void setDscp(DatagramChannel channel, InetSocketAddress peer, int dscp)
            throws IOException {
        if (dscp < 0 || dscp > 63) {
            throw new IllegalArgumentException("dscp must be in [0, 63], got " + dscp);
        }
        channel.setOption(StandardSocketOptions.IP_TOS, dscp << 2);
    }

    /** SO_RCVBUF; the OS may grant less (Linux caps it at net.core.rmem_max). */
    public static void setReadBuffer(DatagramChannel channel, int bytes) throws IOException {
        checkBuffer("read buffer", bytes);
        channel.setOption(StandardSocketOptions.SO_RCVBUF, bytes);
    }

    /** SO_SNDBUF; the OS may grant less (Linux caps it at net.core.wmem_max). */
    public static void setWriteBuffer(DatagramChannel channel, int bytes) throws IOException {
        checkBuffer("write buffer", bytes);
        channel.setOption(StandardSocketOptions.SO_SNDBUF, bytes);
    }

    /** Applies a configuration's socket settings; zero values leave the OS defaults. */
    public static void apply(DatagramChannel channel, int readBytes, int writeBytes, int dscp)
            throws IOException {
        if (readBytes > 0) setReadBuffer(channel, readBytes);
        if (writeBytes > 0) setWriteBuffer(channel, writeBytes);
        if (dscp > 0) setDscp(channel, null, dscp);
    }

    private static void checkBuffer(String name, int bytes) {
        if (bytes < 1024 || bytes > (1 << 30)) {
            throw new IllegalArgumentException(name + " must be in [1024, " + (1 << 30)
                    + "] bytes, got " + bytes);
        }
    }
}
