package io.kcp;

import io.kcp.transport.ReceiveLoop;
import io.kcp.transport.SocketOptions;
import io.kcp.wire.Counters;
import io.kcp.wire.InboundPipeline;
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
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Accepts KCP sessions on one UDP socket: kcp-go's {@code Listener}. Sessions are keyed by the
 * peer's address; the first datagram from a new address that carries a conv creates one (a
 * parity shard alone cannot). A datagram from a known address with another conv and sn 0
 * replaces that address's session, as in kcp-go.
 *
 * <p>While {@link KcpConfig#backlog()} sessions wait for {@link #accept()}, or
 * {@link KcpConfig#maxSessions()} are live, datagrams from new addresses are dropped (and
 * counted in {@link #droppedNewPeers()}). Every datagram is decrypted and checked once, on the
 * listener's receive thread; nothing a peer sends can stop that thread.
 */
public final class KcpListener implements Closeable {

    private final DatagramChannel channel;
    private final boolean ownsChannel;
    private final KcpConfig config;
    private final Counters counters = new Counters(Counters.GLOBAL);
    private final InboundPipeline decryptor;
    private final ConcurrentHashMap<SocketAddress, KcpSession> sessions = new ConcurrentHashMap<>();
    private final AtomicLong droppedNewPeers = new AtomicLong();
    private final ReentrantLock acceptLock = new ReentrantLock();
    private final Condition acceptable = acceptLock.newCondition();
    private final ArrayDeque<KcpSession> backlog = new ArrayDeque<>();
    private final ReceiveLoop receiver;
    private volatile boolean closed;
    private volatile IOException socketError;
    private volatile long acceptTimeoutNanos;

    KcpListener(DatagramChannel channel, boolean ownsChannel, KcpConfig config) throws IOException {
        this.channel = channel;
        this.ownsChannel = ownsChannel;
        this.config = config;
        this.decryptor = new InboundPipeline(
                config.crypt().equals("null") ? null : config.newCipher(),
                0, 0, config.kernel().reedSolomon(), counters);
        this.receiver = new ReceiveLoop(channel, new ReceiveLoop.Handler() {
            @Override
            public void onDatagram(ByteBuffer datagram, SocketAddress source, boolean truncated) {
                demux(datagram, source, truncated);
            }

            @Override
            public void onSocketError(IOException e) {
                socketError = e;
                close();
            }
        }, "kcp-listener-" + localPort(channel));
    }

    private static String localPort(DatagramChannel ch) throws IOException {
        SocketAddress a = ch.getLocalAddress();
        return a instanceof InetSocketAddress ? String.valueOf(((InetSocketAddress) a).getPort()) : "?";
    }

    /** The receive thread's work for one datagram (WIRE.md §3). */
    private void demux(ByteBuffer datagram, SocketAddress source, boolean truncated) {
        if (closed) return;
        if (truncated) {
            counters.inc(SnmpCounter.IN_ERRS);
            return;
        }
        if (!decryptor.decryptAndCheck(datagram)) return; // counted inside
        KcpSession s = sessions.get(source);
        long conv = InboundPipeline.peekConv(datagram);
        if (s != null) {
            if (conv < 0 || (int) conv == s.conv()) {
                s.inputDecrypted(datagram);
                return;
            }
            if (!InboundPipeline.firstSegmentSnIsZero(datagram)) return;
            s.close(); // the peer restarted with a new conv: kcp-go replaces the session
        }
        if (conv < 0 || !(source instanceof InetSocketAddress)) return;
        if (sessions.size() >= config.maxSessions() || backlogFull()) {
            droppedNewPeers.incrementAndGet();
            return;
        }
        KcpSession created;
        try {
            created = new KcpSession((int) conv, (InetSocketAddress) source, channel, false, this,
                    config);
        } catch (IOException | RuntimeException e) {
            droppedNewPeers.incrementAndGet();
            return;
        }
        sessions.put(source, created);
        created.inputDecrypted(datagram);
        acceptLock.lock();
        try {
            backlog.addLast(created);
            acceptable.signal();
        } finally {
            acceptLock.unlock();
        }
    }

    private boolean backlogFull() {
        acceptLock.lock();
        try {
            return backlog.size() >= config.backlog();
        } finally {
            acceptLock.unlock();
        }
    }

    /** Called by a session of this listener when it ends. */
    void sessionEnded(KcpSession s) {
        sessions.remove(s.remoteAddress(), s);
    }

    /**
     * Waits for the next new session, for at most the accept timeout ({@link #setAcceptTimeout};
     * none by default).
     *
     * @throws SocketTimeoutException when the timeout passes first
     * @throws AsynchronousCloseException if the listener is closed while waiting
     */
    public KcpSession accept() throws IOException {
        return accept(acceptTimeoutNanos);
    }

    /** {@link #accept()} with this call's own timeout. */
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
                KcpSession s = backlog.pollFirst();
                if (s != null) return s;
                if (closed) {
                    IOException e = waited ? new AsynchronousCloseException() : new ClosedChannelException();
                    if (socketError != null) e.initCause(socketError);
                    throw e;
                }
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

    /** Timeout for {@link #accept()}; zero means wait forever. */
    public void setAcceptTimeout(Duration timeout) {
        if (timeout.isNegative()) throw new IllegalArgumentException("timeout must be >= 0");
        acceptTimeoutNanos = timeout.toNanos();
    }

    /**
     * Stops receiving, ends every session of this listener (accepted or not) and closes the
     * socket if the listener opened it. Idempotent.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        receiver.close();
        acceptLock.lock();
        try {
            acceptable.signalAll();
            backlog.clear();
        } finally {
            acceptLock.unlock();
        }
        List<KcpSession> all = new ArrayList<>(sessions.values());
        for (KcpSession s : all) s.close();
        decryptor.close();
        if (ownsChannel) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more to do with it
            }
        }
    }

    public boolean isOpen() {
        return !closed;
    }

    public SocketAddress localAddress() throws IOException {
        return channel.getLocalAddress();
    }

    /** Sessions currently alive on this listener, accepted or waiting to be. */
    public int sessionCount() {
        return sessions.size();
    }

    /** Datagrams from new peers dropped because the backlog or the session cap was full. */
    public long droppedNewPeers() {
        return droppedNewPeers.get();
    }

    /** Counters of what the listener itself saw before a session took over (checksum errors...). */
    public Snmp counters() {
        return counters.snapshot();
    }

    public void setReadBuffer(int bytes) throws IOException {
        SocketOptions.setReadBuffer(channel, bytes);
    }

    public void setWriteBuffer(int bytes) throws IOException {
        SocketOptions.setWriteBuffer(channel, bytes);
    }

    public void setDscp(int dscp) throws IOException {
        SocketOptions.setDscp(channel, null, dscp);
    }

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
