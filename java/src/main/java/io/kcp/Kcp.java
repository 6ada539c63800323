package io.kcp;

import io.kcp.arq.Arq;
import io.kcp.kernel.Kernel;
import io.kcp.transport.SocketOptions;
import io.kcp.wire.Counters;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * The entry points: {@link #dial} a peer, {@link #listen} for peers, or run either on a
 * {@link DatagramChannel} you already have (kcp-go's {@code NewConn} and {@code ServeConn}).
 *
 * <pre>{@code
 * KcpConfig cfg = KcpConfig.builder().crypt("aes", "secret").fec(10, 3).mode(KcpMode.FAST3).build();
 * try (KcpListener listener = Kcp.listen(new InetSocketAddress(4000), cfg);
 *      KcpSession client = Kcp.dial(new InetSocketAddress("127.0.0.1", 4000), cfg)) {
 *     client.write(ByteBuffer.wrap("hello".getBytes()));
 *     KcpSession server = listener.accept();
 *     ByteBuffer buf = ByteBuffer.allocate(100);
 *     server.read(buf);
 * }
 * }</pre>
 */
public final class Kcp {

    private static final SecureRandom CONV_SOURCE = new SecureRandom();

    private Kcp() {
    }

    /**
     * Opens a session to {@code remote} on a new UDP socket with a random conv (kcp-go's
     * {@code DialWithOptions}). Nothing is sent until the first write.
     *
     * @param remote the peer's address (resolved)
     * @param config the session's settings
     * @return the session, ready to read and write
     * @throws IOException if the socket cannot be opened or configured
     * @throws IllegalArgumentException if {@code remote} is unresolved
     */
    public static KcpSession dial(InetSocketAddress remote, KcpConfig config) throws IOException {
        return dial(remote, config, CONV_SOURCE.nextInt());
    }

    /**
     * Opens a session to {@code remote} with the given conversation id (kcp-go's
     * {@code NewConn3}); see {@link #dial(InetSocketAddress, KcpConfig)}.
     *
     * @param remote the peer's address (resolved)
     * @param config the session's settings
     * @param conv the conversation id both ends will use
     * @return the session
     * @throws IOException if the socket cannot be opened or configured
     */
    public static KcpSession dial(InetSocketAddress remote, KcpConfig config, int conv)
            throws IOException {
        Objects.requireNonNull(config, "config");
        return dial(remote, config, conv, config.kernel()::newArq);
    }

    /** {@link #dial(InetSocketAddress, KcpConfig, int)} with the ARQ from {@code arqs} (tests). */
    static KcpSession dial(InetSocketAddress remote, KcpConfig config, int conv,
                           IntFunction<Arq> arqs) throws IOException {
        requireResolved(remote);
        Objects.requireNonNull(config, "config");
        DatagramChannel ch = remote.getAddress() instanceof java.net.Inet6Address
                ? DatagramChannel.open(StandardProtocolFamily.INET6)
                : DatagramChannel.open(StandardProtocolFamily.INET);
        try {
            ch.bind(null);
            SocketOptions.apply(ch, config.readBufferBytes(), config.writeBufferBytes(), config.dscp());
            return started(new KcpSession(conv, remote, ch, true, null, null, config, arqs, false));
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * A session to {@code remote} over a socket you own (kcp-go's {@code NewConn}). The channel
     * is switched to non-blocking mode and read by the session; closing the session does not
     * close it. Nothing else may read from it meanwhile. After the session ends, the channel
     * stays registered with kcp-java's receive thread until that thread next wakes (a moment
     * later), so it cannot be switched back to blocking mode at once; a new session on it
     * works at once.
     *
     * @param channel a bound UDP socket; kcp-java reads it from now on
     * @param remote the peer's address (resolved)
     * @param config the session's settings (its socket options are not applied to a channel
     *     you own)
     * @return the session
     * @throws IOException if the channel cannot be switched to non-blocking mode
     */
    public static KcpSession newSession(DatagramChannel channel, InetSocketAddress remote,
                                        KcpConfig config) throws IOException {
        requireResolved(remote);
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(config, "config");
        return started(new KcpSession(CONV_SOURCE.nextInt(), remote, channel, false, null, null, config,
                config.kernel()::newArq, false));
    }

    /** Starts serving a dialed session's socket, or closes the session if that fails. */
    private static KcpSession started(KcpSession s) throws IOException {
        try {
            s.startReceiving();
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /**
     * Listens for sessions on a new UDP socket (kcp-go's {@code ListenWithOptions}).
     *
     * @param local the address to bind; port 0 picks a free port (see
     *     {@link KcpListener#localAddress()})
     * @param config the settings of the listener and of every session it accepts
     * @return the listener, already receiving
     * @throws IOException if the socket cannot be bound or configured
     */
    public static KcpListener listen(InetSocketAddress local, KcpConfig config) throws IOException {
        Objects.requireNonNull(config, "config");
        StandardProtocolFamily family = local.getAddress() instanceof java.net.Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        int n = config.receiveLoops();
        List<DatagramChannel> channels = new ArrayList<>(n);
        try {
            InetSocketAddress bindTo = local;
            for (int i = 0; i < n; i++) {
                DatagramChannel ch = DatagramChannel.open(family);
                channels.add(ch);
                // a group: the kernel spreads the peers over the sockets by their address
                if (n > 1) ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                ch.bind(bindTo);
                if (i == 0) bindTo = (InetSocketAddress) ch.getLocalAddress(); // the port chosen for 0
                SocketOptions.apply(ch, config.readBufferBytes(), config.writeBufferBytes(), config.dscp());
            }
            return new KcpListener(channels, true, config, config.kernel()::newArq);
        } catch (UnsupportedOperationException e) {
            IOException refused = new IOException("receiveLoops " + n + " needs SO_REUSEPORT, which "
                    + "this platform's sockets lack; use 1", e);
            closeAll(channels, refused);
            throw refused;
        } catch (IOException | RuntimeException e) {
            closeAll(channels, e);
            throw e;
        }
    }

    /** Closes what a failed listen opened; failures to close go with the cause. */
    private static void closeAll(List<DatagramChannel> channels, Exception cause) {
        for (DatagramChannel ch : channels) {
            try {
                ch.close();
            } catch (IOException e) {
                cause.addSuppressed(e);
            }
        }
    }

    /**
     * Serves KCP on a bound socket you own (kcp-go's {@code ServeConn}). The channel is switched
     * to non-blocking mode; closing the listener does not close it.
     *
     * @param channel a bound UDP socket; kcp-java reads it from now on
     * @param config the settings of the listener and of every session it accepts
     * @return the listener, already receiving
     * @throws IOException if the channel cannot be switched to non-blocking mode
     */
    public static KcpListener serve(DatagramChannel channel, KcpConfig config) throws IOException {
        Objects.requireNonNull(channel, "channel");
        return new KcpListener(channel, false, Objects.requireNonNull(config, "config"));
    }

    /**
     * The kernel sessions run on when their configuration leaves the choice to the JVM
     * ({@link KernelChoice#AUTO}): native when the library for this platform loads, else Java.
     * Decided once per JVM; {@code -Dkcp.native=auto|disable|require} steers it.
     *
     * @return {@link KernelChoice#NATIVE} or {@link KernelChoice#JAVA}
     * @throws UnsatisfiedLinkError with {@code -Dkcp.native=require} when the library cannot load
     */
    public static KernelChoice kernel() {
        return Kernel.active() == Kernel.NATIVE ? KernelChoice.NATIVE : KernelChoice.JAVA;
    }

    /**
     * The process-wide counters: every session's and listener's, kcp-go's {@code DefaultSnmp}.
     *
     * @return a snapshot of them
     */
    public static Snmp counters() {
        return Snmp.of(Counters.GLOBAL.values());
    }

    /** Zeroes the process-wide counters. */
    public static void resetCounters() {
        Counters.GLOBAL.reset();
    }

    /**
     * Runs the datapath hot before real traffic needs it: a listener and a session dialed to it,
     * on loopback in this JVM with {@code config}'s settings (kernel, cipher, FEC, mode), exchange
     * {@code roundTrips} 64-byte messages one at a time, then close. A fresh JVM runs its first
     * few thousand round trips in the interpreter and in code compiled in haste, while the JIT
     * compiles the rest on the same cores: their p99 is several times a warm one's. Thirty
     * thousand round trips (about a second on loopback) get the session's paths through the
     * optimizing compiler; ten thousand do most of it. Then it waits (up to two seconds) until
     * the JIT has finished the compiles they asked for. The round trips are spread over a few
     * pairs of sessions one after another, each pair taking turns, so that what only a new
     * session or a change of peer does stays compiled too.
     *
     * <p>The exchange counts in {@link #counters()} like any other session's traffic.
     *
     * @param config the settings the real sessions will use
     * @param roundTrips how many messages to exchange; 0 does nothing
     * @throws IOException if the loopback exchange fails (nothing is left open)
     * @throws IllegalArgumentException if {@code roundTrips} is negative
     */
    public static void warmUp(KcpConfig config, int roundTrips) throws IOException {
        if (roundTrips < 0) throw new IllegalArgumentException("roundTrips must be >= 0, got " + roundTrips);
        WarmUp.run(config, roundTrips);
    }

    private static void requireResolved(InetSocketAddress remote) {
        Objects.requireNonNull(remote, "remote");
        if (remote.isUnresolved()) {
            throw new IllegalArgumentException("cannot resolve " + remote.getHostString());
        }
    }
}
