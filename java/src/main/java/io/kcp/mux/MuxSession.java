package io.kcp.mux;

import java.io.Closeable;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Many streams over one byte channel, speaking smux (versions 1 and 2), as kcptun and other
 * kcp-go programs do over a {@code KcpSession}:
 *
 * <pre>{@code
 * KcpSession kcp = Kcp.dial(server, cfg);          // or listener.accept() on the other side
 * try (MuxSession mux = MuxSession.client(kcp, MuxConfig.builder().version(2).build())) {
 *     MuxStream s = mux.openStream();              // the server's acceptStream() returns its end
 *     s.write(ByteBuffer.wrap(request));
 *     s.shutdownOutput();                          // FIN: the server reads end-of-stream
 *     ByteBuffer reply = ByteBuffer.allocate(4096);
 *     while (s.read(reply) >= 0) { ... }
 * }
 * }</pre>
 *
 * <p>The session reads the channel on one thread and writes it on another (virtual threads on
 * JDK 21+). The channel must be blocking; the session owns it and closes it when it ends. It
 * ends on {@link #close()}, when the channel fails or reaches its end, when the peer breaks the
 * framing ({@link MuxProtocolException}), or when no frame arrives for the keepalive timeout
 * ({@link MuxKeepaliveTimeoutException}); streams then read what had arrived and fail after it.
 *
 * <p>Hostile peers: a frame for an unknown stream is dropped and counted; a stream whose window
 * the peer overruns (version 2) is reset alone; a peer that opens more than the backlog or
 * stream limit allows is refused stream by stream; the session's received buffer is bounded by
 * {@link MuxConfig#maxReceiveBuffer()} (plus one read of 64 KiB), whatever the peer sends.
 */
public final class MuxSession implements Closeable {

    private static final AtomicLong SESSION_IDS = new AtomicLong();

    private final ByteChannel channel;
    private final MuxConfig config;
    private final boolean client;
    private final String name;
    private final MuxCounters counters = new MuxCounters();
    private final ChunkPool pool = new ChunkPool();
    private final ConcurrentHashMap<Integer, MuxStream> streams = new ConcurrentHashMap<>();
    private final MuxWriter writer;
    private final AtomicLong buffered = new AtomicLong();
    private volatile boolean paused;     // the reader waits for budget
    private volatile boolean frameSeen;  // since the last keepalive check

    // guarded by lock
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition acceptable = lock.newCondition();
    private final Condition budget = lock.newCondition();
    private final ArrayDeque<MuxStream> backlog = new ArrayDeque<>();
    private int lastId;
    private boolean goAway;
    private boolean closed;
    private IOException failure;
    private long acceptTimeoutNanos;
    private final List<ScheduledFuture<?>> timers = new ArrayList<>(2);

    private MuxSession(ByteChannel channel, MuxConfig config, boolean client) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.config = Objects.requireNonNull(config, "config");
        if (channel instanceof SelectableChannel && !((SelectableChannel) channel).isBlocking()) {
            throw new IllegalArgumentException("a mux session needs a blocking channel");
        }
        this.client = client;
        this.lastId = client ? 1 : 0; // smux: the first ids are 3 and 2
        this.name = "kcp-mux-" + SESSION_IDS.incrementAndGet();
        this.writer = new MuxWriter(this, channel, config, counters);
    }

    /**
     * The client side: opens odd-numbered streams. Starts the session's threads.
     *
     * @param channel a blocking byte channel to the peer, e.g. a {@code KcpSession} in stream mode
     * @param config the settings (the version must be the peer's)
     * @return the session
     */
    public static MuxSession client(ByteChannel channel, MuxConfig config) {
        return new MuxSession(channel, config, true).start();
    }

    /**
     * The server side: opens even-numbered streams. Starts the session's threads.
     *
     * @param channel a blocking byte channel to the peer, e.g. an accepted {@code KcpSession}
     * @param config the settings (the version must be the peer's)
     * @return the session
     */
    public static MuxSession server(ByteChannel channel, MuxConfig config) {
        return new MuxSession(channel, config, false).start();
    }

    private MuxSession start() {
        MuxThreads.start(name + "-writer", writer);
        MuxThreads.start(name + "-reader", new MuxReader(this, channel, config, counters));
        if (config.keepAliveEnabled()) {
            lock.lock();
            try {
                timers.add(MuxTimer.every(config.keepAliveInterval().toNanos(), writer::nop));
                timers.add(MuxTimer.every(config.keepAliveTimeout().toNanos(), this::checkAlive));
            } finally {
                lock.unlock();
            }
        }
        return this;
    }

    // ---- the application's side -----------------------------------------------------------

    /**
     * Opens a stream; the peer's {@link #acceptStream()} returns its end. Never waits.
     *
     * @return the new stream
     * @throws ClosedChannelException if the session was closed
     * @throws IOException if the session ended (with the cause), the stream limit is reached,
     *     or the stream ids are used up (open a new session)
     */
    public MuxStream openStream() throws IOException {
        MuxStream s;
        int sid;
        lock.lock();
        try {
            if (closed) throw endedException(false);
            if (goAway) throw new IOException("stream ids exhausted: open a new session");
            if (streams.size() >= config.maxStreams()) {
                throw new IOException("too many open streams (limit " + config.maxStreams() + ")");
            }
            sid = lastId + 2;
            if ((sid & ~1) == 0) {
                goAway = true;
                throw new IOException("stream ids exhausted: open a new session");
            }
            lastId = sid;
            s = new MuxStream(sid, this, writer, config, pool, counters);
            streams.put(sid, s);
        } finally {
            lock.unlock();
        }
        writer.control(Frames.SYN, sid);
        counters.streamsOpened.incrementAndGet();
        return s;
    }

    /**
     * Waits for a stream the peer opened, for at most the accept timeout; see
     * {@link #acceptStream(Duration)}.
     *
     * @return the stream
     * @throws IOException as {@link #acceptStream(Duration)}
     */
    public MuxStream acceptStream() throws IOException {
        return accept(System.nanoTime(), -1);
    }

    /**
     * Waits at most {@code timeout} (zero: the accept timeout, if any) for a stream the peer
     * opened.
     *
     * @param timeout how long to wait; zero uses the accept timeout
     * @return the stream
     * @throws SocketTimeoutException when the time passes
     * @throws AsynchronousCloseException if the session is closed while waiting
     * @throws IOException with the cause, if the session ended
     */
    public MuxStream acceptStream(Duration timeout) throws IOException {
        return accept(System.nanoTime(), Waits.nonNegative(timeout));
    }

    private MuxStream accept(long start, long timeoutNanos) throws IOException {
        lock.lock();
        try {
            boolean waited = false;
            while (true) {
                if (closed) throw endedException(waited);
                MuxStream s = backlog.poll();
                if (s != null) return s;
                long t = timeoutNanos > 0 ? timeoutNanos : acceptTimeoutNanos;
                Waits.await(acceptable, Waits.deadline(start, t, 0), "accept");
                waited = true;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Timeout for {@link #acceptStream()}; applies to waiting calls at once.
     *
     * @param timeout zero for none
     */
    public void setAcceptTimeout(Duration timeout) {
        long t = Waits.nonNegative(timeout);
        lock.lock();
        try {
            acceptTimeoutNanos = t;
            acceptable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** @return streams open now (including those waiting to be accepted) */
    public int streamCount() {
        return streams.size();
    }

    /** @return this session's counts so far (frames, bytes, streams, drops) */
    public MuxStats stats() {
        return counters.snapshot(streams.size(), Math.max(0, buffered.get()));
    }

    /** @return the settings the session was created with */
    public MuxConfig config() {
        return config;
    }

    /** @return true for the side that opens odd-numbered streams */
    public boolean isClient() {
        return client;
    }

    /** @return true until the session is closed or ends */
    public boolean isOpen() {
        lock.lock();
        try {
            return !closed;
        } finally {
            lock.unlock();
        }
    }

    /** @return why the session ended: null while open or after {@link #close()} */
    public IOException endCause() {
        lock.lock();
        try {
            return failure;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends the session and every stream at once (unsent data is dropped, as in smux), and closes
     * the channel. Idempotent; never waits for another thread.
     */
    @Override
    public void close() {
        end(null);
    }

    // ---- the session's threads -------------------------------------------------------------

    MuxStream stream(int sid) {
        return streams.get(sid);
    }

    /** The peer's SYN: a new stream for accept(), unless the limits say no. Reader thread. */
    void peerOpened(int sid) {
        boolean peersParity = (sid & 1) == (client ? 0 : 1);
        if (!peersParity || (sid & ~1) == 0 || streams.containsKey(sid)) {
            counters.ignoredFrames.incrementAndGet();
            return;
        }
        boolean refuse = false;
        lock.lock();
        try {
            if (closed) return;
            if (backlog.size() >= config.acceptBacklog() || streams.size() >= config.maxStreams()) {
                refuse = true;
            } else {
                MuxStream s = new MuxStream(sid, this, writer, config, pool, counters);
                streams.put(sid, s);
                backlog.add(s);
                acceptable.signal();
            }
        } finally {
            lock.unlock();
        }
        if (refuse) {
            counters.streamsRefused.incrementAndGet();
            writer.refuse(sid);
        } else {
            counters.streamsAccepted.incrementAndGet();
        }
    }

    /** A stream that needs nothing more from the session (closed and its FIN sent). */
    void forget(MuxStream s) {
        streams.remove(s.id(), s);
    }

    void frameSeen() {
        frameSeen = true;
    }

    /** Bytes a stream buffered on receipt. Reader thread. */
    void chargeBudget(int n) {
        buffered.addAndGet(n);
    }

    /** Bytes a stream no longer holds (read, or dropped); wakes the reader if it waits. */
    void returnBudget(int n) {
        if (n == 0) return;
        long left = buffered.addAndGet(-n);
        if (paused && left < config.maxReceiveBuffer()) {
            lock.lock();
            try {
                budget.signal();
            } finally {
                lock.unlock();
            }
        }
    }

    /** The reader waits here while the streams hold the whole budget; false once ended. */
    boolean awaitBudget() throws IOException {
        if (buffered.get() < config.maxReceiveBuffer()) return isOpen();
        lock.lock();
        try {
            paused = true;
            while (!closed && buffered.get() >= config.maxReceiveBuffer()) {
                budget.await();
            }
            return !closed;
        } catch (InterruptedException e) {
            throw new java.io.InterruptedIOException("mux reader interrupted");
        } finally {
            paused = false;
            lock.unlock();
        }
    }

    /** The keepalive check (timer thread): frames must have arrived since the last one. */
    private void checkAlive() {
        if (frameSeen || paused) {
            frameSeen = false;
            return;
        }
        end(new MuxKeepaliveTimeoutException("no frame from the peer for "
                + config.keepAliveTimeout().toMillis() + " ms (smux keepalive timeout)"));
    }

    /** The reader or writer failed; a failure after the session ended is its echo. */
    void fail(IOException cause, String what) {
        end(cause);
    }

    /**
     * The one way the session ends: a state change and wake-ups, then each stream is told and
     * the channel closed (which unblocks the reader and writer). Never waits for a thread.
     */
    private void end(IOException cause) {
        List<ScheduledFuture<?>> cancel;
        lock.lock();
        try {
            if (closed) return;
            closed = true;
            failure = cause;
            backlog.clear();
            acceptable.signalAll();
            budget.signalAll();
            cancel = new ArrayList<>(timers);
            timers.clear();
        } finally {
            lock.unlock();
        }
        for (ScheduledFuture<?> f : cancel) f.cancel(false);
        writer.stop();
        for (MuxStream s : streams.values()) s.sessionEnded(cause);
        streams.clear();
        try {
            channel.close();
        } catch (IOException | RuntimeException ignored) {
            // ending anyway
        }
    }

    private IOException endedException(boolean waited) {
        if (failure == null) return waited ? new AsynchronousCloseException() : new ClosedChannelException();
        if (failure instanceof MuxProtocolException) {
            MuxProtocolException e = new MuxProtocolException(failure.getMessage());
            e.initCause(failure);
            return e;
        }
        if (failure instanceof MuxKeepaliveTimeoutException) {
            MuxKeepaliveTimeoutException e = new MuxKeepaliveTimeoutException(failure.getMessage());
            e.initCause(failure);
            return e;
        }
        return new IOException("mux session ended: " + failure.getMessage(), failure);
    }

    @Override
    public String toString() {
        return "MuxSession{" + name + (client ? ", client" : ", server") + ", v" + config.version()
                + ", streams=" + streams.size() + (isOpen() ? "" : ", closed") + "}";
    }
}
