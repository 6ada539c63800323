package io.kcp;

import io.kcp.arq.Arq;
import io.kcp.arq.ArqField;
import io.kcp.kernel.Kernel;
import io.kcp.transport.DatagramSender;
import io.kcp.transport.FlushScheduler;
import io.kcp.transport.MonoClock;
import io.kcp.transport.ReceiveLoop;
import io.kcp.transport.SocketOptions;
import io.kcp.transport.Timed;
import io.kcp.wire.ArqCounterSync;
import io.kcp.wire.Counters;
import io.kcp.wire.InboundPipeline;
import io.kcp.wire.NonceSource;
import io.kcp.wire.OutboundPipeline;
import io.kcp.fec.KcpSink;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One KCP conversation with one peer: kcp-go's {@code UDPSession}. A reliable, ordered byte
 * stream over UDP with blocking {@link #read}/{@link #write}, timeouts and deadlines (a
 * {@link SocketTimeoutException} when they pass), and the kcp-go setters.
 *
 * <p>{@link #read} behaves like a stream: a message larger than the buffer is kept for the next
 * read. {@link #write} blocks while the send window is full and returns once every byte is
 * queued; unless write delay is on, it flushes at once.
 *
 * <p>Thread-safe; works from platform and virtual threads. One reader and one writer at a time
 * is the usual use; more are allowed (each call is atomic).
 *
 * <p>The session ends on {@link #close()}, on a dead link ({@link KcpDeadLinkException}), on the
 * idle timeout ({@link KcpIdleTimeoutException}), or when its listener or socket closes. Blocked
 * readers and writers are then woken with that exception (or
 * {@link AsynchronousCloseException} for a local close). KCP has no close on the wire: the peer
 * learns of it only by its own idle timeout or dead link.
 */
public final class KcpSession implements ByteChannel {

    private final int conv;
    private final InetSocketAddress remote;
    private final DatagramChannel channel;
    private final boolean ownsChannel;
    private final KcpListener listener;
    private final KcpConfig config;
    private final FlushScheduler scheduler = FlushScheduler.shared();
    private final Timer timer = new Timer();
    private final Counters counters;
    private ReceiveLoop receiver;

    // everything below is guarded by lock
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final Condition writable = lock.newCondition();
    private final Arq arq;
    private final OutboundPipeline outbound;
    private final InboundPipeline inbound;
    private final DatagramSender sender;
    private final ArqCounterSync segmentCounters = new ArqCounterSync();
    private final KcpSink toArq = this::arqInput;
    private ByteBuffer readRemainder = ByteBuffer.allocate(0);
    private boolean ackNoDelay;
    private boolean writeDelay;
    private int inputNow;
    private boolean accepted;
    private boolean closed;
    private IOException failure;
    private long readTimeoutNanos;
    private long writeTimeoutNanos;
    private long readDeadline;   // System.nanoTime() scale; 0 = none
    private long writeDeadline;
    private volatile long lastInputNanos = System.nanoTime();

    KcpSession(int conv, InetSocketAddress remote, DatagramChannel channel, boolean ownsChannel,
               KcpListener listener, KcpConfig config) throws IOException {
        this.conv = conv;
        this.remote = Objects.requireNonNull(remote, "remote");
        this.channel = channel;
        this.ownsChannel = ownsChannel;
        this.listener = listener;
        this.config = config;
        this.counters = new Counters(Counters.GLOBAL);
        Kernel kernel = config.kernel();
        this.arq = kernel.newArq(conv);
        OutboundPipeline out = null;
        InboundPipeline in = null;
        try {
            out = new OutboundPipeline(config.crypt().equals("null") ? null : config.newCipher(),
                    config.dataShards(), config.parityShards(), kernel.reedSolomon(),
                    NonceSource.secure(), counters, config.mtu());
            in = new InboundPipeline(config.crypt().equals("null") ? null : config.newCipher(),
                    config.dataShards(), config.parityShards(), kernel.reedSolomon(), counters);
        } catch (RuntimeException e) {
            if (out != null) out.close();
            arq.close();
            throw e;
        }
        this.outbound = out;
        this.inbound = in;
        this.sender = new DatagramSender(channel, remote);
        outbound.setDuplicates(config.dup());
        arq.reserveBytes(outbound.reserveBytes());
        arq.setMtu(config.mtu());
        arq.nodelay(config.nodelay(), config.interval(), config.resend(), config.nc());
        arq.windowSize(config.sendWindow(), config.receiveWindow());
        arq.setStreamMode(config.streamMode());
        this.ackNoDelay = config.ackNoDelay();
        this.writeDelay = config.writeDelay();

        counters.sessionOpened(listener == null);
        scheduler.schedule(timer, System.nanoTime());
    }

    /** Starts the receive thread of a session that owns its socket (a dialed session). */
    void startReceiver() throws IOException {
        receiver = new ReceiveLoop(channel, new ReceiveLoop.Handler() {
            @Override
            public void onDatagram(ByteBuffer datagram, SocketAddress source, boolean truncated) {
                if (!remote.equals(source)) return; // only the dialed peer speaks to us
                if (truncated) {
                    counters.inc(SnmpCounter.IN_ERRS);
                    return;
                }
                inputWire(datagram);
            }

            @Override
            public void onSocketError(IOException e) {
                fail(e);
            }
        }, "kcp-rx-" + conv);
    }

    // ---- input, on a receive thread --------------------------------------------------------

    /** A datagram as it came off the wire (decrypted here). */
    void inputWire(ByteBuffer datagram) {
        input(datagram, false);
    }

    /** A datagram its listener already decrypted and checked. */
    void inputDecrypted(ByteBuffer payload) {
        input(payload, true);
    }

    private void input(ByteBuffer datagram, boolean decrypted) {
        lock.lock();
        try {
            if (closed) return;
            long now = System.nanoTime();
            inputNow = MonoClock.millis(now);
            accepted = false;
            if (decrypted) {
                inbound.inputDecrypted(datagram, inputNow, toArq);
            } else {
                inbound.input(datagram, inputNow, toArq);
            }
            afterInput(now);
        } finally {
            lock.unlock();
        }
    }

    /** The inbound pipeline's hand-off to the ARQ: input, then send what that produced. */
    private int arqInput(ByteBuffer kcp, boolean regular) {
        int r = arq.input(kcp, regular, ackNoDelay, inputNow);
        if (r == 0) accepted = true;
        drainOutput();
        return r;
    }

    /** Only input the ARQ accepted counts as life: junk from the peer's address must not keep
     * an idle session alive. */
    private void afterInput(long now) {
        if (accepted) lastInputNanos = now;
        if (arq.peekSize() > 0) readable.signalAll();
        if (windowHasRoom()) writable.signalAll();
    }

    // ---- the timer, on the scheduler thread ---------------------------------------------------

    private final class Timer implements Timed {
        @Override
        public long runAt(long nowNanos) {
            lock.lock();
            try {
                if (closed) return DONE;
                long idle = config.idleTimeout().toNanos();
                if (idle > 0 && nowNanos - lastInputNanos > idle) {
                    fail(new KcpIdleTimeoutException("no datagram from " + remote + " for "
                            + config.idleTimeout().toMillis() + " ms (conv " + conv + ")"));
                    return DONE;
                }
                int interval = arq.flush(MonoClock.millis(nowNanos));
                drainOutput();
                segmentCounters.sync(arq, counters);
                if (arq.state() == -1) {
                    fail(new KcpDeadLinkException("peer " + remote + " stopped acknowledging"
                            + " (conv " + conv + ", a segment was sent "
                            + arq.field(ArqField.DEAD_LINK) + " times)"));
                    return DONE;
                }
                if (windowHasRoom()) writable.signalAll();
                return nowNanos + TimeUnit.MILLISECONDS.toNanos(interval);
            } finally {
                lock.unlock();
            }
        }
    }

    // ---- output ----------------------------------------------------------------------------

    /** Sends whatever the last ARQ call left in its output area. Under lock. */
    private void drainOutput() {
        int count = arq.outputCount();
        if (count == 0) return;
        outbound.encodeOutput(arq.output(), count, sender);
        arq.clearOutput();
    }

    private boolean windowHasRoom() {
        int waitSnd = arq.waitSnd();
        return waitSnd < arq.field(ArqField.SND_WND) && waitSnd < arq.field(ArqField.RMT_WND);
    }

    // ---- the user's side -------------------------------------------------------------------

    /**
     * Reads up to {@code dst.remaining()} bytes, blocking until at least one is available.
     *
     * @return bytes read; 0 only if {@code dst} has no room
     * @throws SocketTimeoutException when the read timeout or deadline passes first
     * @throws AsynchronousCloseException if the session is closed while waiting
     * @throws KcpDeadLinkException, KcpIdleTimeoutException if the session ended that way
     */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (!dst.hasRemaining()) return 0;
        long deadline = deadline(readTimeoutNanos, readDeadline);
        lock.lock();
        try {
            boolean waited = false;
            while (true) {
                if (readRemainder.hasRemaining()) {
                    return takeRemainder(dst);
                }
                if (closed) throw closedException(waited);
                int size = arq.peekSize();
                if (size > 0) {
                    int n;
                    if (size <= dst.remaining()) {
                        n = arq.recv(dst);
                    } else {
                        if (readRemainder.capacity() < size) {
                            readRemainder = ByteBuffer.allocate(Math.max(size, 2 * readRemainder.capacity()));
                        }
                        readRemainder.clear();
                        arq.recv(readRemainder);
                        readRemainder.flip();
                        n = takeRemainder(dst);
                    }
                    counters.add(SnmpCounter.BYTES_RECEIVED, n);
                    return n;
                }
                await(readable, deadline, "read");
                waited = true;
            }
        } finally {
            lock.unlock();
        }
    }

    private int takeRemainder(ByteBuffer dst) {
        int n = Math.min(dst.remaining(), readRemainder.remaining());
        int limit = readRemainder.limit();
        readRemainder.limit(readRemainder.position() + n);
        dst.put(readRemainder);
        readRemainder.limit(limit);
        return n;
    }

    /** Reads into {@code b[off, off+len)}; see {@link #read(ByteBuffer)}. */
    public int read(byte[] b, int off, int len) throws IOException {
        return read(ByteBuffer.wrap(b, off, len));
    }

    /**
     * Queues all of {@code src}, blocking while the send window is full, and flushes unless
     * write delay is on. Large buffers are cut into MSS-sized messages, as kcp-go does.
     *
     * @return the number of bytes written: all that remained in {@code src}
     * @throws SocketTimeoutException when the write timeout or deadline passes before all was
     *     queued ({@code src}'s position shows how much was)
     */
    @Override
    public int write(ByteBuffer src) throws IOException {
        int total = src.remaining();
        if (total == 0) return 0;
        long deadline = deadline(writeTimeoutNanos, writeDeadline);
        lock.lock();
        try {
            boolean waited = false;
            while (true) {
                if (closed) throw closedException(waited);
                if (windowHasRoom()) {
                    queue(src);
                    if (!src.hasRemaining()) break;
                } else {
                    await(writable, deadline, "write");
                    waited = true;
                }
            }
        } finally {
            lock.unlock();
        }
        counters.add(SnmpCounter.BYTES_SENT, total);
        return total;
    }

    /**
     * Sends MSS-sized pieces until the window is full or {@code src} is empty, then flushes
     * (always when the window filled; otherwise unless write delay is on). Under lock.
     */
    private void queue(ByteBuffer src) {
        int mss = arq.mss();
        int room = (int) Math.min(arq.field(ArqField.SND_WND), arq.field(ArqField.RMT_WND))
                - arq.waitSnd();
        int limit = src.limit();
        while (src.hasRemaining() && room > 0) {
            int end = src.position() + Math.min(mss, src.remaining());
            src.limit(end);
            arq.send(src);
            src.limit(limit);
            src.position(end);
            room--;
        }
        if (src.hasRemaining() || !writeDelay || !windowHasRoom()) {
            arq.flush(MonoClock.millis());
            drainOutput();
        }
    }

    /** Writes {@code b[off, off+len)}; see {@link #write(ByteBuffer)}. */
    public void write(byte[] b, int off, int len) throws IOException {
        write(ByteBuffer.wrap(b, off, len));
    }

    private static long deadline(long timeoutNanos, long absolute) {
        long d = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
        if (absolute != 0 && (d == 0 || absolute - d < 0)) d = absolute;
        return d;
    }

    private void await(Condition c, long deadline, String what) throws IOException {
        try {
            if (deadline == 0) {
                c.await();
            } else {
                long left = deadline - System.nanoTime();
                if (left <= 0) throw new SocketTimeoutException(what + " timed out (conv " + conv + ")");
                c.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            java.io.InterruptedIOException ie =
                    new java.io.InterruptedIOException(what + " interrupted (conv " + conv + ")");
            throw ie;
        }
    }

    /** The exception a call on an ended session gets: why it ended. Under lock. */
    private IOException closedException(boolean waited) {
        if (failure instanceof KcpDeadLinkException) {
            return new KcpDeadLinkException(failure.getMessage());
        }
        if (failure instanceof KcpIdleTimeoutException) {
            return new KcpIdleTimeoutException(failure.getMessage());
        }
        IOException e = waited ? new AsynchronousCloseException() : new ClosedChannelException();
        if (failure != null) e.initCause(failure);
        return e;
    }

    // ---- ending ----------------------------------------------------------------------------

    @Override
    public boolean isOpen() {
        lock.lock();
        try {
            return !closed;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends the session: flushes what the window allows one last time (as kcp-go does), wakes
     * blocked readers and writers, and releases everything. Data not yet acknowledged by the
     * peer may be lost; an application protocol that needs a clean end should confirm it first.
     * Idempotent.
     */
    @Override
    public void close() {
        end(null);
    }

    /** Ends the session because of {@code cause}. */
    void fail(IOException cause) {
        end(cause);
    }

    private void end(IOException cause) {
        lock.lock();
        try {
            if (closed) return;
            if (cause == null) {
                try {
                    arq.flush(MonoClock.millis());
                    drainOutput();
                } catch (RuntimeException ignored) {
                    // ending anyway
                }
            }
            segmentCounters.sync(arq, counters);
            closed = true;
            failure = cause;
            readable.signalAll();
            writable.signalAll();
            arq.close();
            outbound.close();
            inbound.close();
        } finally {
            lock.unlock();
        }
        counters.sessionClosed();
        scheduler.cancel(timer);
        if (receiver != null) receiver.close();
        if (ownsChannel) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more to do with it
            }
        }
        if (listener != null) listener.sessionEnded(this);
    }

    // ---- identity and statistics -----------------------------------------------------------

    /** The conversation id both ends share. */
    public int conv() { return conv; }

    public InetSocketAddress remoteAddress() { return remote; }

    public SocketAddress localAddress() throws IOException { return channel.getLocalAddress(); }

    /** Current retransmission timeout, ms. */
    public int rto() { return withArq(a -> a.rto()); }

    /** Smoothed round-trip time, ms. */
    public int srtt() { return withArq(a -> a.srtt()); }

    /** Round-trip time variation, ms. */
    public int srttVar() { return withArq(a -> a.srttVar()); }

    /** Bytes queued or in flight, in segments (kcp-go's WaitSnd). */
    public int waitSnd() { return withArq(Arq::waitSnd); }

    /** This session's counters (kcp-go's Snmp set, for this session only). */
    public Snmp counters() {
        lock.lock();
        try {
            if (!closed) segmentCounters.sync(arq, counters);
        } finally {
            lock.unlock();
        }
        return counters.snapshot();
    }

    /** The kernel this session runs on. */
    public Kernel kernel() { return config.kernel(); }

    /** The configuration this session was created with (setters since then not included). */
    public KcpConfig config() { return config; }

    private interface ArqRead {
        int get(Arq a);
    }

    private int withArq(ArqRead f) {
        lock.lock();
        try {
            return closed ? 0 : f.get(arq);
        } finally {
            lock.unlock();
        }
    }

    // ---- kcp-go's setters ------------------------------------------------------------------

    /** Timeout for each {@link #read} (zero = none). */
    public void setReadTimeout(Duration timeout) { readTimeoutNanos = nonNegative(timeout); }

    /** Timeout for each {@link #write} (zero = none). */
    public void setWriteTimeout(Duration timeout) { writeTimeoutNanos = nonNegative(timeout); }

    /** Absolute deadline for reads (null = none), like kcp-go's SetReadDeadline. */
    public void setReadDeadline(Instant when) { readDeadline = toNano(when); signalAll(); }

    /** Absolute deadline for writes (null = none). */
    public void setWriteDeadline(Instant when) { writeDeadline = toNano(when); signalAll(); }

    /** Both deadlines. */
    public void setDeadline(Instant when) {
        readDeadline = toNano(when);
        writeDeadline = readDeadline;
        signalAll();
    }

    private void signalAll() {
        lock.lock();
        try {
            readable.signalAll();
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private static long nonNegative(Duration d) {
        if (d == null || d.isZero()) return 0;
        if (d.isNegative()) throw new IllegalArgumentException("timeout must be >= 0, got " + d);
        return d.toNanos();
    }

    private static long toNano(Instant when) {
        if (when == null) return 0;
        long d = System.nanoTime() + Duration.between(Instant.now(), when).toNanos();
        return d == 0 ? 1 : d;
    }

    public void setWriteDelay(boolean delay) { locked(() -> writeDelay = delay); }

    public void setAckNoDelay(boolean noDelay) { locked(() -> ackNoDelay = noDelay); }

    public void setStreamMode(boolean stream) { locked(() -> arq.setStreamMode(stream)); }

    public void setDup(int dup) {
        if (dup < 0 || dup > 16) throw new IllegalArgumentException("dup must be in [0, 16], got " + dup);
        locked(() -> outbound.setDuplicates(dup));
    }

    /** As kcp-go's SetNoDelay; ranges as {@link KcpConfig.Builder#noDelay}. */
    public void setNoDelay(int nodelay, int interval, int resend, int nc) {
        KcpConfig.builder().noDelay(nodelay, interval, resend, nc); // validates
        locked(() -> arq.nodelay(nodelay, interval, resend, nc));
    }

    /** Send and receive windows in segments, each 1..65535. */
    public void setWindowSize(int sndWnd, int rcvWnd) {
        KcpConfig.builder().windows(sndWnd, rcvWnd);
        locked(() -> arq.windowSize(sndWnd, rcvWnd));
        signalAll();
    }

    /** Returns false (and changes nothing) for an MTU outside 50..1500 or too small for the headers. */
    public boolean setMtu(int mtu) {
        if (mtu < KcpConfig.MIN_MTU || mtu > KcpConfig.MAX_MTU) return false;
        lock.lock();
        try {
            return !closed && arq.setMtu(mtu);
        } finally {
            lock.unlock();
        }
    }

    /** DSCP for this session's socket; only for a session that owns its socket (kcp-go's rule). */
    public void setDscp(int dscp) throws IOException {
        requireOwnSocket("setDscp");
        SocketOptions.setDscp(channel, remote, dscp);
    }

    public void setReadBuffer(int bytes) throws IOException {
        requireOwnSocket("setReadBuffer");
        SocketOptions.setReadBuffer(channel, bytes);
    }

    public void setWriteBuffer(int bytes) throws IOException {
        requireOwnSocket("setWriteBuffer");
        SocketOptions.setWriteBuffer(channel, bytes);
    }

    private void requireOwnSocket(String what) {
        if (!ownsChannel) {
            throw new UnsupportedOperationException(what + " is a socket option: set it on the"
                    + " listener or on the DatagramChannel this session was given");
        }
    }

    private void locked(Runnable r) {
        lock.lock();
        try {
            if (!closed) r.run();
        } finally {
            lock.unlock();
        }
    }

    // ---- stream views ----------------------------------------------------------------------

    /** An {@code InputStream} over {@link #read}; {@code close()} closes the session. */
    public InputStream inputStream() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                if (len == 0) return 0;
                try {
                    return KcpSession.this.read(b, off, len);
                } catch (AsynchronousCloseException e) {
                    return -1;  // closed by us while reading: end of stream
                }
            }

            @Override
            public void close() {
                KcpSession.this.close();
            }
        };
    }

    /** An {@code OutputStream} over {@link #write}; {@code close()} closes the session. */
    public OutputStream outputStream() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                KcpSession.this.write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                KcpSession.this.write(b, off, len);
            }

            @Override
            public void close() {
                KcpSession.this.close();
            }
        };
    }

    @Override
    public String toString() {
        return "KcpSession{conv=" + Integer.toUnsignedString(conv) + ", remote=" + remote
                + ", kernel=" + config.kernel() + (isOpen() ? "" : ", closed") + "}";
    }
}
