package io.kcp;

import io.kcp.arq.Arq;
import io.kcp.transport.ReceiveLoop;
import io.kcp.transport.SocketOptions;
import io.kcp.wire.Counter;
import io.kcp.wire.Counters;
import io.kcp.wire.InboundPipeline;
import io.kcp.wire.KcpPackets;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntFunction;

/**
 * Accepts KCP sessions on one UDP socket: kcp-go's {@code Listener}. Sessions are keyed by the
 * peer's address; the first well-formed datagram from a new address that carries a conv creates
 * one (a parity shard alone cannot). Every datagram is decrypted and checked once, on the
 * listener's receive thread; nothing a peer sends can stop that thread.
 *
 * <p><b>Replacing a session.</b> As in kcp-go, a datagram from a known address with another conv
 * that starts a conversation (a client that restarted behind the same address) replaces that
 * address's session, but only once the session has accepted nothing for
 * {@link #REPLACE_AFTER_SILENCE}. kcp-go's ciphers carry no MAC and no replay protection, so one
 * captured datagram, replayed from a victim's address, would otherwise end the victim's live
 * session; a session that keeps receiving is immune.
 *
 * <p><b>Opening a session.</b> Only the first datagram of a conversation (its first segment a
 * PUSH with sn 0) opens a session for a new address: a datagram from the middle of a
 * conversation could never deliver anything to a fresh session, and refusing it makes a peer
 * whose session ended see a dead link instead of talking into a session that cannot deliver.
 *
 * <p><b>Replays and floods.</b> A replayed datagram decrypts and passes its CRC like a real one,
 * so it can open a session too. A session counts as confirmed once its ARQ has accepted two
 * different datagrams, which a replayer cannot produce. While at least half the backlog is
 * waiting, new sessions start on probation: they send nothing, not even acknowledgements, until
 * confirmed, so a real peer retransmits its first datagram (which confirms it) and nothing it
 * sent is lost if the session goes. Sessions on probation give way: when the backlog or the
 * session cap is full the oldest waiting one is dropped to make room for a new peer, and any
 * still unaccepted after {@link #UNCONFIRMED_TTL} is reaped (both counted in
 * {@link #reapedSessions()}). The listener remembers the first datagram of the peers that gave
 * way, so a real client's retransmission opens a session that is confirmed from the start.
 *
 * <p>While {@link KcpConfig#backlog()} sessions wait for {@link #accept()}, or
 * {@link KcpConfig#maxSessions()} are live, and none of them can give way, datagrams from new
 * addresses are dropped (counted in {@link #droppedNewPeers()}). Sessions accepted here end after
 * {@link KcpConfig#acceptedIdleTimeout()} without input.
 */
public final class KcpListener implements Closeable {

    /** A session whose peer sent nothing acceptable for this long may be replaced. */
    public static final Duration REPLACE_AFTER_SILENCE = Duration.ofSeconds(1);
    /** A session on probation that nobody accepted within this long is reaped. */
    public static final Duration UNCONFIRMED_TTL = Duration.ofSeconds(5);

    private final ListenerPort[] ports;
    private final KcpConfig config;
    private final IntFunction<Arq> arqs;
    private final Counters counters = new Counters(Counters.GLOBAL);
    private final ConcurrentHashMap<SocketAddress, KcpSession> sessions = new ConcurrentHashMap<>();
    private final AtomicLong droppedNewPeers = new AtomicLong();
    private final AtomicLong refusedReplacements = new AtomicLong();
    private final AtomicLong reapedSessions = new AtomicLong();
    private final AtomicLong unopened = new AtomicLong();
    private final GaveWay gaveWay = new GaveWay();
    private final ReentrantLock acceptLock = new ReentrantLock();
    private final Condition acceptable = acceptLock.newCondition();
    private final ArrayDeque<KcpSession> backlog = new ArrayDeque<>(); // guarded by acceptLock
    private final javax.management.ObjectName mbean;
    private volatile boolean closed;
    private volatile Throwable failure;
    private volatile long acceptTimeoutNanos;

    KcpListener(DatagramChannel channel, boolean ownsChannel, KcpConfig config) throws IOException {
        this(List.of(channel), ownsChannel, config, config.kernel()::newArq);
    }

    /** @param arqs where sessions get their ARQ (the kernel's; tests inject faults here) */
    KcpListener(DatagramChannel channel, boolean ownsChannel, KcpConfig config,
                IntFunction<Arq> arqs) throws IOException {
        this(List.of(channel), ownsChannel, config, arqs);
    }

    /**
     * @param channels the listener's sockets, bound to one address (more than one: an
     *     {@code SO_REUSEPORT} group), each served by its own receive thread
     * @param arqs where sessions get their ARQ (the kernel's; tests inject faults here)
     */
    KcpListener(List<DatagramChannel> channels, boolean ownsChannel, KcpConfig config,
                IntFunction<Arq> arqs) throws IOException {
        this.config = config;
        this.arqs = arqs;
        String bound = String.valueOf(channels.get(0).getLocalAddress());
        this.ports = new ListenerPort[channels.size()];
        try {
            for (int i = 0; i < ports.length; i++) {
                ListenerPort p = new ListenerPort(channels.get(i), config, counters,
                        ports.length == 1 ? "" : "#" + i);
                ports[i] = p;
                p.registration = register(p, ownsChannel);
            }
        } catch (IOException | RuntimeException | Error e) {
            for (ListenerPort p : ports) {
                if (p == null) continue;
                if (p.registration != null) p.registration.cancel();
                p.release();
            }
            throw e;
        }
        // registered last: nothing after it can fail and leave it behind
        this.mbean = Metrics.registerListener(this, bound, counters);
        if (closed) io.kcp.metrics.Jmx.unregister(mbean); // its socket failed at once
    }

    private ReceiveLoop.Registration register(ListenerPort port, boolean ownsChannel)
            throws IOException {
        return port.loop.register(port.channel, new ReceiveLoop.Handler() {
            @Override
            public void onDatagram(ByteBuffer datagram, SocketAddress source, boolean truncated) {
                demux(port, datagram, source, truncated);
            }

            @Override
            public void onBatchEnd() {
                port.announceInput();
            }

            @Override
            public void onFailure(Throwable cause) {
                fail(cause);
            }
        }, ownsChannel, port.nativeSocket);
    }

    /** The receive thread's work for one datagram on {@code port}. */
    private void demux(ListenerPort port, ByteBuffer datagram, SocketAddress source, boolean truncated) {
        if (closed) return;
        if (truncated) {
            counters.inc(Counter.IN_ERRS);
            return;
        }
        long csumErrors = counters.get(Counter.IN_CSUM_ERRORS);
        if (!port.decryptor.decryptAndCheck(datagram)) { // counted inside
            if (counters.get(Counter.IN_CSUM_ERRORS) != csumErrors) port.checksumAlarm.failed(source);
            return;
        }
        KcpSession s = sessions.get(source);
        long conv = InboundPipeline.peekConv(datagram);
        if (s != null) {
            if (conv < 0 || (int) conv == s.conv()) {
                s.inputDecrypted(datagram); // fails only that session if anything goes wrong
                port.fed(s);
                return;
            }
            if (!KcpPackets.startsConversation(datagram)) return;
            if (!replaceable(s)) {
                refusedReplacements.incrementAndGet();
                return;
            }
            s.close(); // the peer restarted with a new conv: kcp-go replaces the session
        }
        if (conv < 0 || !(source instanceof InetSocketAddress)) return;
        if (!KcpPackets.startsConversation(datagram)) {
            unopened.incrementAndGet();
            return;
        }
        if (!makeRoom()) {
            droppedNewPeers.incrementAndGet();
            return;
        }
        open(port, (int) conv, (InetSocketAddress) source, datagram, underPressure());
    }

    /** A new peer's session: kept only if its ARQ accepts the datagram that created it. */
    private void open(ListenerPort port, int conv, InetSocketAddress source, ByteBuffer datagram,
                      boolean probation) {
        KcpSession created;
        try {
            created = new KcpSession(conv, source, port.channel, false, this, port.nativeSocket,
                    config, arqs, probation);
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            droppedNewPeers.incrementAndGet(); // this peer only; the listener goes on
            return;
        }
        long earlier = gaveWay.take(source);
        if (earlier != 0) created.seedEvidence(earlier);
        sessions.put(source, created);
        if (!created.inputDecrypted(datagram)) {
            created.close();
            counters.inc(Counter.KCP_IN_ERRORS);
            return;
        }
        port.fed(created);
        boolean listenerClosed;
        acceptLock.lock();
        try {
            listenerClosed = closed;
            if (!listenerClosed && created.isOpen()) {
                backlog.addLast(created);
                acceptable.signal();
            }
        } finally {
            acceptLock.unlock();
        }
        // close() may have taken its list of sessions before this one was added
        if (listenerClosed) created.close();
    }

    /** kcp-go's replacement rule, limited to sessions whose peer has gone quiet. */
    private static boolean replaceable(KcpSession s) {
        return System.nanoTime() - s.lastInputNanos() >= REPLACE_AFTER_SILENCE.toNanos();
    }

    /** At least half the backlog is waiting: new sessions start on probation. */
    private boolean underPressure() {
        acceptLock.lock();
        try {
            return 2 * backlog.size() >= config.backlog()
                    || 2L * sessions.size() >= config.maxSessions();
        } finally {
            acceptLock.unlock();
        }
    }

    /**
     * True when a new peer fits: the backlog and the session cap have room, or the oldest session
     * on probation waiting for accept() was dropped to make it.
     */
    private boolean makeRoom() {
        KcpSession victim = null;
        acceptLock.lock();
        try {
            if (sessions.size() < config.maxSessions() && backlog.size() < config.backlog()) {
                return true;
            }
            for (KcpSession w : backlog) {
                if (w.onProbation()) {
                    victim = w;
                    break;
                }
            }
            if (victim == null) return false;
            backlog.remove(victim);
        } finally {
            acceptLock.unlock();
        }
        reapedSessions.incrementAndGet();
        gaveWay.remember(victim.remoteAddress(), victim.firstDatagramHash());
        victim.close();
        return sessions.size() < config.maxSessions();
    }

    /** Called by a session of this listener when it ends. */
    void sessionEnded(KcpSession s) {
        sessions.remove(s.remoteAddress(), s);
        acceptLock.lock();
        try {
            backlog.remove(s);
        } finally {
            acceptLock.unlock();
        }
    }

    /**
     * Called by the timer of a session on probation: true (and counted) if it should end now
     * because nobody accepted it within {@link #UNCONFIRMED_TTL}.
     */
    boolean reapUnaccepted(KcpSession s) {
        acceptLock.lock();
        try {
            if (!backlog.remove(s)) return false; // accepted meanwhile
        } finally {
            acceptLock.unlock();
        }
        reapedSessions.incrementAndGet();
        gaveWay.remember(s.remoteAddress(), s.firstDatagramHash());
        return true;
    }

    /** The receive loop cannot serve the socket any more: everything here fails with the cause. */
    private void fail(Throwable cause) {
        failure = cause;
        IOException why = cause instanceof IOException ? (IOException) cause
                : new IOException("the listener's receive thread failed: " + cause, cause);
        shutDown(why);
    }

    /**
     * Waits for the next new session, for at most the accept timeout ({@link #setAcceptTimeout};
     * none by default). A session that ended while it waited is never returned.
     *
     * @return the session, open and ready to read and write
     * @throws SocketTimeoutException when the timeout passes first
     * @throws AsynchronousCloseException if the listener is closed while waiting
     * @throws IOException with the cause, if the listener's socket or receive thread failed
     */
    public KcpSession accept() throws IOException {
        return accept(acceptTimeoutNanos);
    }

    /**
     * {@link #accept()} with this call's own timeout.
     *
     * @param timeout how long to wait; zero waits for ever
     * @return the session
     * @throws SocketTimeoutException when the timeout passes first
     * @throws IOException as {@link #accept()}
     */
    public KcpSession accept(Duration timeout) throws IOException {
        if (timeout.isNegative()) throw new IllegalArgumentException("timeout must be >= 0");
        return accept(timeout.isZero() ? 0 : timeout.toNanos());
    }

    private KcpSession accept(long timeoutNanos) throws IOException {
        long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
        acceptLock.lock();
        try {
            boolean waited = false;
            while (true) {
                KcpSession s;
                while ((s = backlog.pollFirst()) != null) {
                    if (s.isOpen()) return s;
                }
                if (closed) throw closedException(waited);
                try {
                    if (deadline == 0) {
                        acceptable.await();
                    } else {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) throw new SocketTimeoutException("accept timed out");
                        acceptable.awaitNanos(left);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("accept interrupted");
                }
                waited = true;
            }
        } finally {
            acceptLock.unlock();
        }
    }

    private IOException closedException(boolean waited) {
        Throwable cause = failure;
        if (cause != null && !(cause instanceof ClosedChannelException)) {
            return new IOException("the listener failed: " + cause, cause);
        }
        IOException e = waited ? new AsynchronousCloseException() : new ClosedChannelException();
        if (cause != null) e.initCause(cause);
        return e;
    }

    /**
     * Timeout for {@link #accept()}.
     *
     * @param timeout zero means wait for ever
     */
    public void setAcceptTimeout(Duration timeout) {
        if (timeout.isNegative()) throw new IllegalArgumentException("timeout must be >= 0");
        acceptTimeoutNanos = timeout.toNanos();
    }

    /**
     * Stops receiving, ends every session of this listener (accepted or not) and closes the
     * socket if the listener opened it. Idempotent; never waits for another thread.
     */
    @Override
    public void close() {
        shutDown(null);
    }

    private void shutDown(IOException cause) {
        acceptLock.lock();
        try {
            if (closed) return;
            closed = true;
            acceptable.signalAll();
            backlog.clear();
        } finally {
            acceptLock.unlock();
        }
        List<KcpSession> all = new ArrayList<>(sessions.values());
        for (KcpSession s : all) {
            if (cause == null) s.close(); else s.fail(cause);
        }
        for (ListenerPort p : ports) {
            p.registration.cancel(); // after the sessions' last flushes: this closes an owned socket
            p.release();
        }
        io.kcp.metrics.Jmx.unregister(mbean);
    }

    /** The counter set this listener's sessions add to (and through it, the global one). */
    Counters countersForSessions() {
        return counters;
    }

    /** @return true until {@link #close()} or a failure of the listener's socket */
    public boolean isOpen() {
        return !closed;
    }

    /**
     * The address the listener's socket is bound to.
     *
     * @return the local address (with the port chosen when listening on port 0)
     * @throws IOException if the socket is closed
     */
    public InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) ports[0].channel.getLocalAddress();
    }

    /** How many of the listener's sockets have live sessions (more than one only in a group). */
    int portsServing() {
        Set<DatagramChannel> used = new HashSet<>();
        for (KcpSession s : sessions.values()) used.add(s.channel());
        return used.size();
    }

    /** @return sessions currently alive on this listener, accepted or waiting to be */
    public int sessionCount() {
        return sessions.size();
    }

    /** @return datagrams from new peers dropped because the backlog or the session cap was full */
    public long droppedNewPeers() {
        return droppedNewPeers.get();
    }

    /**
     * Datagrams with a new conv and sn 0 from a known address that did not replace its session,
     * because the session was not silent (see the class comment).
     *
     * @return how many there were
     */
    public long refusedReplacements() {
        return refusedReplacements.get();
    }

    /**
     * @return sessions on probation ended to make room for new peers or because nobody accepted
     *     them
     */
    public long reapedSessions() {
        return reapedSessions.get();
    }

    /**
     * Datagrams from unknown addresses that did not start a conversation (not a PUSH with sn 0,
     * or not well formed), so opened no session.
     *
     * @return how many there were
     */
    public long unopenedDatagrams() {
        return unopened.get();
    }

    /**
     * This listener's counters: its sessions' (each also has its own set, see
     * {@link KcpSession#counters()}) plus what the listener saw before any session took over
     * (checksum errors, malformed datagrams). The same figures are in JMX as
     * {@code io.kcp:type=Listener,name="<local address>"}.
     *
     * @return a snapshot
     */
    public Snmp counters() {
        return Snmp.of(counters.values());
    }

    /**
     * Sets the socket's SO_RCVBUF (the OS may grant less).
     *
     * @param bytes 1 KiB to 1 GiB
     * @throws IOException if the socket refuses it
     */
    public void setReadBuffer(int bytes) throws IOException {
        for (ListenerPort p : ports) SocketOptions.setReadBuffer(p.channel, bytes);
    }

    /**
     * Sets the socket's SO_SNDBUF (the OS may grant less).
     *
     * @param bytes 1 KiB to 1 GiB
     * @throws IOException if the socket refuses it
     */
    public void setWriteBuffer(int bytes) throws IOException {
        for (ListenerPort p : ports) SocketOptions.setWriteBuffer(p.channel, bytes);
    }

    /**
     * Sets the DSCP code point of everything the listener and its sessions send.
     *
     * @param dscp 0..63
     * @throws IOException if the socket refuses it
     */
    public void setDscp(int dscp) throws IOException {
        for (ListenerPort p : ports) SocketOptions.setDscp(p.channel, null, dscp);
    }

    /** @return the configuration the listener and its sessions were created with */
    public KcpConfig config() {
        return config;
    }

    @Override
    public String toString() {
        String local;
        try {
            local = String.valueOf(localAddress());
        } catch (IOException e) {
            local = "?";
        }
        return "KcpListener{" + local + ", sessions=" + sessions.size() + (closed ? ", closed" : "") + "}";
    }
}
