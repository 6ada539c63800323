package io.kcp.relay;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A UDP relay that impairs the traffic between clients and one upstream server: loss (independent
 * or in bursts), delay with jitter, reordering, duplication and a rate limit, each direction on its
 * own terms and from its own seeded generator (see {@link Impairment}).
 *
 * <pre>{@code
 * try (ImpairmentRelay relay = ImpairmentRelay.builder(serverAddress)
 *         .clientToServer(Impairment.builder().loss(0.1).delayMillis(30).seed(7).build())
 *         .serverToClient(Impairment.builder().delayMillis(30).seed(8).build())
 *         .start()) {
 *     client.connect(relay.localAddress());   // instead of serverAddress
 *     ...
 *     System.out.println(relay.stats());
 * }
 * }</pre>
 *
 * <p>Like a NAT, each client address that sends to {@link #localAddress()} gets a socket of its own
 * towards the server, so the server sees one distinct source per client; what the server sends to
 * that socket goes back to that client. {@link Builder#maxClients(int) maxClients(1)} accepts only
 * whoever sends first. Mappings last until {@link #close()}.
 *
 * <p>Determinism: given the seeds and the order in which datagrams arrive in a direction, every
 * loss, jitter, reordering and duplication decision is the same on every run (datagrams from all
 * clients share their direction's generator). Only tail drops of the rate limiter depend on
 * arrival times.
 *
 * <p>Threads: one receiver (a selector over every socket) makes the decisions and forwards at once
 * when a direction never holds datagrams; one release thread sends held datagrams in release-time
 * order. Both are daemons named {@code kcp-relay-<port>-receiver} and
 * {@code kcp-relay-<port>-release}; both are gone, and every socket closed, when {@link #close()}
 * returns. Datagrams still held at that moment are discarded.
 */
public final class ImpairmentRelay implements AutoCloseable {
    /** Every relay thread's name starts with this. */
    public static final String THREAD_NAME_PREFIX = "kcp-relay-";

    static final int DEFAULT_MAX_CLIENTS = 1024;
    static final int DEFAULT_SOCKET_BUFFER_BYTES = 1 << 20;
    /** Datagrams taken from one socket before looking at the others (fairness). */
    private static final int RECEIVE_BATCH = 256;
    private static final int MAX_DATAGRAM = 65535;

    private final InetSocketAddress upstream;
    private final int maxClients;
    private final int socketBufferBytes;
    private final ImpairmentModel toServer;
    private final ImpairmentModel toClient;
    private final DirectionCounters toServerCounters = new DirectionCounters();
    private final DirectionCounters toClientCounters = new DirectionCounters();
    private final ConcurrentHashMap<SocketAddress, ClientMapping> clients = new ConcurrentHashMap<>();
    private final AtomicLong rejected = new AtomicLong();
    private final PacketPool pool = new PacketPool();

    // Receiver thread only.
    private final Verdict verdict = new Verdict();
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(MAX_DATAGRAM);
    private final Consumer<SelectionKey> onReadable = this::onReadable;

    private final Selector selector;
    private final DatagramChannel listener;
    private final InetSocketAddress localAddress;
    private final ReleaseScheduler scheduler;
    private final Thread receiver;
    private final Object closeLock = new Object();
    private volatile boolean closed;
    private volatile Throwable failure;

    private ImpairmentRelay(Builder b) throws IOException {
        upstream = b.upstream;
        maxClients = b.maxClients;
        socketBufferBytes = b.socketBufferBytes;
        toServer = new ImpairmentModel(b.clientToServer);
        toClient = new ImpairmentModel(b.serverToClient);
        Selector sel = null;
        DatagramChannel ch = null;
        try {
            sel = Selector.open();
            ch = DatagramChannel.open(family(b.bind.getAddress()));
            configure(ch);
            ch.bind(b.bind);
            ch.register(sel, SelectionKey.OP_READ, null);
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            closeQuietly(sel);
            throw e;
        }
        selector = sel;
        listener = ch;
        localAddress = (InetSocketAddress) ch.getLocalAddress();
        String name = THREAD_NAME_PREFIX + localAddress.getPort();
        scheduler = new ReleaseScheduler(pool, name + "-release");
        receiver = new Thread(this::receiveLoop, name + "-receiver");
        receiver.setDaemon(true);
        scheduler.start();
        receiver.start();
    }

    /** A relay towards {@code upstream}, to be configured and {@link Builder#start() started}. */
    public static Builder builder(InetSocketAddress upstream) {
        return new Builder(upstream);
    }

    /** Starts a relay on 127.0.0.1 with the given impairments and the other defaults. */
    public static ImpairmentRelay start(InetSocketAddress upstream, Impairment clientToServer,
                                        Impairment serverToClient) throws IOException {
        return builder(upstream).clientToServer(clientToServer).serverToClient(serverToClient).start();
    }

    /** Where clients should send: the relay's own address. */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    public InetSocketAddress upstreamAddress() {
        return upstream;
    }

    public Impairment impairment(Direction direction) {
        return (direction == Direction.CLIENT_TO_SERVER ? toServer : toClient).config();
    }

    public RelayStats stats() {
        return new RelayStats(toServerCounters.snapshot(), toClientCounters.snapshot(), clients.size(),
                rejected.get());
    }

    /** The client addresses that have an upstream socket, in no particular order. */
    public List<InetSocketAddress> clientAddresses() {
        List<InetSocketAddress> list = new ArrayList<>();
        for (ClientMapping m : clients.values()) {
            list.add(m.client);
        }
        return list;
    }

    /** Packets the pool has made: it grows to the most datagrams ever held at once. */
    long packetsCreated() {
        return pool.created();
    }

    /** Why the receiver stopped before close(), if it did (a bug: it should never happen). */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /**
     * Waits until no datagram is held in either direction; true if that happened within
     * {@code timeout}. Datagrams still travelling towards the relay are not seen.
     */
    public boolean awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            RelayStats s = stats();
            if (s.clientToServer().inFlight() == 0 && s.serverToClient().inFlight() == 0) {
                return true;
            }
            if (System.nanoTime() - deadline > 0 || closed) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
        }
    }

    private void receiveLoop() {
        try {
            while (!closed) {
                selector.select(onReadable);
            }
        } catch (ClosedSelectorException e) {
            // close() got there first
        } catch (Throwable t) {
            if (!closed) {
                failure = t;
            }
        }
    }

    private void onReadable(SelectionKey key) {
        if (!key.isValid()) {
            return;
        }
        Object mapping = key.attachment();
        if (mapping == null) {
            fromClients();
        } else {
            fromServer((ClientMapping) mapping);
        }
    }

    private void fromClients() {
        for (int i = 0; i < RECEIVE_BATCH; i++) {
            scratch.clear();
            SocketAddress from;
            try {
                from = listener.receive(scratch);
            } catch (IOException e) {
                return;
            }
            if (from == null) {
                return;
            }
            ClientMapping m = clients.get(from);
            if (m == null && (m = admit((InetSocketAddress) from)) == null) {
                rejected.incrementAndGet();
                continue;
            }
            scratch.flip();
            impair(toServer, toServerCounters, m.upstream, null);
        }
    }

    private void fromServer(ClientMapping m) {
        for (int i = 0; i < RECEIVE_BATCH; i++) {
            scratch.clear();
            try {
                if (m.upstream.receive(scratch) == null) {
                    return;
                }
            } catch (IOException e) {
                // e.g. ICMP port unreachable because the server is not up (yet): nothing to relay.
                return;
            }
            scratch.flip();
            impair(toClient, toClientCounters, listener, m.client);
        }
    }

    /** Decides the fate of the datagram in {@link #scratch} and sends or schedules its copies. */
    private void impair(ImpairmentModel model, DirectionCounters counters, DatagramChannel out,
                        SocketAddress target) {
        int length = scratch.remaining();
        counters.received(length);
        model.decide(System.nanoTime(), length, verdict);
        if (verdict.fate == Verdict.Fate.LOST) {
            counters.droppedLoss.incrementAndGet();
            return;
        }
        if (verdict.fate == Verdict.Fate.QUEUE_FULL) {
            counters.droppedQueueFull.incrementAndGet();
            return;
        }
        if (verdict.reordered) {
            counters.reordered.incrementAndGet();
        }
        boolean twice = verdict.copies == 2;
        if (twice) {
            counters.duplicated.incrementAndGet();
        }
        if (!model.config().delays()) {
            // Nothing is ever held in this direction: skip the release thread.
            Sender.send(out, target, scratch, counters);
            if (twice) {
                Sender.send(out, target, scratch, counters);
            }
            return;
        }
        hold(verdict.release, out, target, counters);
        if (twice) {
            hold(verdict.duplicateRelease, out, target, counters);
        }
    }

    private void hold(long release, DatagramChannel out, SocketAddress target, DirectionCounters counters) {
        Packet p = pool.take();
        p.fill(scratch);
        p.release = release;
        p.channel = out;
        p.target = target;
        p.counters = counters;
        scheduler.schedule(p);
    }

    private ClientMapping admit(InetSocketAddress client) {
        if (clients.size() >= maxClients || closed) {
            return null;
        }
        DatagramChannel ch = null;
        try {
            ch = DatagramChannel.open(family(upstream.getAddress()));
            configure(ch);
            ch.connect(upstream);
            ClientMapping m = new ClientMapping(client, ch);
            ch.register(selector, SelectionKey.OP_READ, m);
            clients.put(client, m);
            return m;
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch); // out of ports or descriptors: this client is refused
            return null;
        }
    }

    private void configure(DatagramChannel ch) throws IOException {
        ch.configureBlocking(false);
        ch.setOption(StandardSocketOptions.SO_RCVBUF, socketBufferBytes);
        ch.setOption(StandardSocketOptions.SO_SNDBUF, socketBufferBytes);
    }

    private static ProtocolFamily family(InetAddress address) {
        return address instanceof Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
    }

    /** Stops both threads, waits for them and closes every socket. Idempotent. */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        selector.wakeup();
        join(receiver);
        scheduler.close();
        closeQuietly(listener);
        for (ClientMapping m : clients.values()) {
            closeQuietly(m.upstream);
        }
        // Closing the selector deregisters the channels, which is when their sockets really close.
        closeQuietly(selector);
    }

    private static void join(Thread t) {
        if (t == Thread.currentThread()) {
            return;
        }
        try {
            t.join(TimeUnit.SECONDS.toMillis(5));
            if (t.isAlive()) {
                t.interrupt();
                t.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing: nothing left to do with it
            }
        }
    }

    @Override
    public String toString() {
        return "ImpairmentRelay[" + localAddress + " -> " + upstream + (closed ? ", closed" : "")
                + "; c->s: " + toServer.config() + "; s->c: " + toClient.config() + "; " + stats() + "]";
    }

    /** Configures a relay; every setting has a default except the upstream address. */
    public static final class Builder {
        private final InetSocketAddress upstream;
        private InetSocketAddress bind = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        private Impairment clientToServer = Impairment.NONE;
        private Impairment serverToClient = Impairment.NONE;
        private int maxClients = DEFAULT_MAX_CLIENTS;
        private int socketBufferBytes = DEFAULT_SOCKET_BUFFER_BYTES;

        private Builder(InetSocketAddress upstream) {
            Objects.requireNonNull(upstream, "upstream");
            if (upstream.isUnresolved()) {
                throw new IllegalArgumentException("upstream must be a resolved address, was " + upstream);
            }
            if (upstream.getPort() == 0) {
                throw new IllegalArgumentException("upstream port must be in [1, 65535], was 0");
            }
            this.upstream = upstream;
        }

        /** Where the relay listens; default 127.0.0.1 on an ephemeral port. */
        public Builder bind(InetSocketAddress address) {
            Objects.requireNonNull(address, "bind");
            if (address.isUnresolved()) {
                throw new IllegalArgumentException("bind must be a resolved address, was " + address);
            }
            bind = address;
            return this;
        }

        public Builder clientToServer(Impairment impairment) {
            clientToServer = Objects.requireNonNull(impairment, "clientToServer");
            return this;
        }

        public Builder serverToClient(Impairment impairment) {
            serverToClient = Objects.requireNonNull(impairment, "serverToClient");
            return this;
        }

        public Builder impairment(Direction direction, Impairment impairment) {
            return direction == Direction.CLIENT_TO_SERVER ? clientToServer(impairment)
                    : serverToClient(impairment);
        }

        /**
         * How many client addresses get an upstream socket (default 1024); datagrams from any
         * other address are ignored and counted in {@link RelayStats#rejected()}. 1 locks the
         * relay to whoever sends first.
         */
        public Builder maxClients(int n) {
            if (n < 1 || n > 65535) {
                throw new IllegalArgumentException("maxClients must be in [1, 65535], was " + n);
            }
            maxClients = n;
            return this;
        }

        /**
         * SO_RCVBUF and SO_SNDBUF requested for every relay socket (default 1 MiB; the operating
         * system may grant less), so that bursts are impaired by the model, not by the kernel.
         */
        public Builder socketBufferBytes(int bytes) {
            if (bytes < 1024 || bytes > Impairment.MAX_BYTES) {
                throw new IllegalArgumentException("socketBufferBytes must be in [1024, "
                        + Impairment.MAX_BYTES + "], was " + bytes);
            }
            socketBufferBytes = bytes;
            return this;
        }

        /** Binds the socket and starts the threads. */
        public ImpairmentRelay start() throws IOException {
            return new ImpairmentRelay(this);
        }
    }
}
