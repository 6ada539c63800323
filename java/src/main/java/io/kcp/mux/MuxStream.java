package io.kcp.mux;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One logical stream of a {@link MuxSession}: a reliable, ordered byte stream in each direction.
 *
 * <p>{@link #read} blocks until bytes arrive and returns -1 once the peer has ended its side
 * (its FIN) and everything before was read. {@link #write} copies into the stream's send buffer
 * (64 KiB, or two frames if larger) and blocks only while that is full; the session's writer
 * sends it in frames, in turn with the other streams, as the peer's window allows (version 2).
 * Read and write timeouts count from the start of each call; deadlines are absolute; either, set
 * while a call waits, applies at once ({@link SocketTimeoutException}).
 *
 * <p>{@link #shutdownOutput()} sends a FIN after what is buffered, and the stream can still be
 * read: a half-close. {@link #close()} does the same and also stops reading (what arrives later
 * is dropped); callers blocked on the stream get {@link AsynchronousCloseException}. smux peers
 * (kcptun) treat a FIN as the end of the whole stream and close it: what is written to them
 * after their FIN is discarded on their side.
 *
 * <p>Thread-safe; works from platform and virtual threads. One reader and one writer at a time
 * is the usual use. Each stream holds memory in proportion to what it buffers: its send buffer,
 * and on receipt at most its window (version 2; version 1 bounds only the session's total).
 */
public final class MuxStream implements ByteChannel {

    private final int id;
    private final MuxSession session;
    private final MuxWriter writer;
    private final MuxCounters counters;
    private final int version;
    private final int window;          // what we announce (version 2)
    private final int announceEvery;   // announce after reading this much
    private final int receiveLimit;    // most we buffer before calling it an overrun
    private final int sendLimit;

    // everything below is guarded by lock
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final Condition writable = lock.newCondition();
    private final ChunkQueue in;
    private final ChunkQueue out;
    private int consumed;        // u32: bytes the application read
    private int unannounced;     // read since the last window update
    private boolean announced;
    private boolean finReceived;
    private int sent;            // u32: payload bytes sent in frames
    private int peerConsumed;    // u32, from the peer's last UPD
    private long peerWindow = Frames.INITIAL_PEER_WINDOW;
    private boolean finRequested;
    private boolean finSent;
    private boolean closed;
    private IOException failure; // why the stream ended other than by close()
    private long readTimeoutNanos;
    private long writeTimeoutNanos;
    private long readDeadline;
    private long writeDeadline;

    // the writer's, guarded by its lock
    boolean queued;
    boolean updateQueued;

    MuxStream(int id, MuxSession session, MuxWriter writer, MuxConfig config, ChunkPool pool,
              MuxCounters counters) {
        this.id = id;
        this.session = session;
        this.writer = writer;
        this.counters = counters;
        this.version = config.version();
        this.window = config.maxStreamBuffer();
        this.announceEvery = Math.max(1, config.maxStreamBuffer() / 2);
        this.receiveLimit = config.streamReceiveLimit();
        this.sendLimit = Math.max(65536, 2 * config.maxFrameSize());
        this.in = new ChunkQueue(pool);
        this.out = new ChunkQueue(pool);
    }

    /** @return the stream id: odd for streams a client opened, even for a server's */
    public int id() {
        return id;
    }

    /** @return the session this stream belongs to */
    public MuxSession session() {
        return session;
    }

    // ---- the application's side -----------------------------------------------------------

    /**
     * Reads up to {@code dst.remaining()} bytes, blocking until at least one is available.
     *
     * @return bytes read, 0 only if {@code dst} has no room, -1 after the peer's FIN
     * @throws SocketTimeoutException when the read timeout or deadline passes first
     * @throws AsynchronousCloseException if the stream or its session is closed while waiting
     * @throws ClosedChannelException if the stream or its session was closed
     * @throws MuxProtocolException if the peer broke the protocol on this stream or session
     * @throws IOException with the cause, if the session ended (the bytes that arrived before
     *     are read first)
     */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        long start = System.nanoTime();
        int n;
        boolean announce = false;
        lock.lock();
        try {
            boolean waited = false;
            while (true) {
                if (closed) throw closedException(waited);
                if (!dst.hasRemaining()) return 0;
                if (in.size() > 0) {
                    n = in.take(dst, Integer.MAX_VALUE);
                    consumed += n;
                    if (version == 2) {
                        unannounced += n;
                        if (!announced || unannounced >= announceEvery) {
                            announced = true;
                            unannounced = 0;
                            announce = true;
                        }
                    }
                    break;
                }
                if (finReceived) return -1;
                if (failure != null) throw failureException(waited);
                Waits.await(readable, Waits.deadline(start, readTimeoutNanos, readDeadline),
                        "read on stream " + idString());
                waited = true;
            }
        } finally {
            lock.unlock();
        }
        session.returnBudget(n);
        if (announce) writer.scheduleUpdate(this);
        return n;
    }

    /**
     * Reads into {@code b[off, off+len)}; see {@link #read(ByteBuffer)}.
     *
     * @param b the destination
     * @param off where in {@code b} to start
     * @param len the most bytes to read
     * @return bytes read, or -1 after the peer's FIN
     * @throws IOException as {@link #read(ByteBuffer)}
     */
    public int read(byte[] b, int off, int len) throws IOException {
        return read(ByteBuffer.wrap(b, off, len));
    }

    /**
     * Queues all of {@code src}, blocking while the send buffer is full.
     *
     * @return the number of bytes written: all that remained in {@code src}
     * @throws SocketTimeoutException when the write timeout or deadline passes before all was
     *     queued ({@code src}'s position shows how much was)
     * @throws ClosedChannelException after {@link #close()} or {@link #shutdownOutput()}
     * @throws AsynchronousCloseException if the stream or session is closed while waiting
     * @throws IOException if the stream or its session ended otherwise (with the cause)
     */
    @Override
    public int write(ByteBuffer src) throws IOException {
        int total = src.remaining();
        long start = System.nanoTime();
        boolean waited = false;
        do {
            boolean schedule = false;
            lock.lock();
            try {
                if (closed) throw closedException(waited);
                if (failure != null) throw failureException(waited);
                if (finRequested) throw new ClosedChannelException();
                if (!src.hasRemaining()) break;
                int room = sendLimit - out.size();
                if (room > 0) {
                    int limit = src.limit();
                    src.limit(src.position() + Math.min(room, src.remaining()));
                    out.append(src);
                    src.limit(limit);
                    schedule = true;
                } else {
                    Waits.await(writable, Waits.deadline(start, writeTimeoutNanos, writeDeadline),
                            "write on stream " + idString());
                    waited = true;
                }
            } finally {
                lock.unlock();
            }
            if (schedule) writer.schedule(this);
        } while (src.hasRemaining());
        return total;
    }

    /**
     * Writes {@code b[off, off+len)}; see {@link #write(ByteBuffer)}.
     *
     * @param b the source
     * @param off where in {@code b} to start
     * @param len how many bytes to write
     * @throws IOException as {@link #write(ByteBuffer)}
     */
    public void write(byte[] b, int off, int len) throws IOException {
        write(ByteBuffer.wrap(b, off, len));
    }

    /**
     * Ends this side: a FIN follows what is buffered, and the peer reads end-of-stream after it.
     * Reading goes on. Further writes throw {@link ClosedChannelException}. Idempotent.
     *
     * @throws IOException if the session has ended
     */
    public void shutdownOutput() throws IOException {
        boolean schedule = false;
        lock.lock();
        try {
            if (closed) throw new ClosedChannelException();
            if (!finRequested) {
                finRequested = true;
                schedule = true;
                writable.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (schedule) writer.schedule(this);
    }

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
     * Closes the stream: what was written is still sent, then a FIN; what arrives from now on
     * is dropped. Blocked callers get {@link AsynchronousCloseException}. Never waits.
     */
    @Override
    public void close() {
        int discarded;
        boolean schedule = false;
        boolean forget = false;
        lock.lock();
        try {
            if (closed) return;
            closed = true;
            discarded = in.clear();
            readable.signalAll();
            writable.signalAll();
            if (failure != null || finSent) {
                forget = true;
            } else if (!finRequested) {
                finRequested = true;
                schedule = true;
            } else {
                schedule = true; // the FIN may still be waiting behind data
            }
        } finally {
            lock.unlock();
        }
        session.returnBudget(discarded);
        if (schedule) writer.schedule(this);
        if (forget) session.forget(this);
    }

    // ---- timeouts and deadlines ------------------------------------------------------------

    /**
     * Timeout for each read, from the call's start; applies at once, also to a waiting read.
     *
     * @param timeout zero (or null) for none
     */
    public void setReadTimeout(Duration timeout) {
        long t = Waits.nonNegative(timeout);
        updateAndWake(() -> readTimeoutNanos = t);
    }

    /**
     * Timeout for each write; see {@link #setReadTimeout}.
     *
     * @param timeout zero (or null) for none
     */
    public void setWriteTimeout(Duration timeout) {
        long t = Waits.nonNegative(timeout);
        updateAndWake(() -> writeTimeoutNanos = t);
    }

    /**
     * Absolute deadline for reads; a past one fails waiting reads at once.
     *
     * @param when the deadline, or null for none
     */
    public void setReadDeadline(Instant when) {
        long d = Waits.toNano(when);
        updateAndWake(() -> readDeadline = d);
    }

    /**
     * Absolute deadline for writes.
     *
     * @param when the deadline, or null for none
     */
    public void setWriteDeadline(Instant when) {
        long d = Waits.toNano(when);
        updateAndWake(() -> writeDeadline = d);
    }

    /**
     * Both deadlines.
     *
     * @param when the deadline, or null for none
     */
    public void setDeadline(Instant when) {
        long d = Waits.toNano(when);
        updateAndWake(() -> {
            readDeadline = d;
            writeDeadline = d;
        });
    }

    private void updateAndWake(Runnable change) {
        lock.lock();
        try {
            change.run();
            readable.signalAll();
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ---- stream views ----------------------------------------------------------------------

    /**
     * An {@code InputStream} over {@link #read(ByteBuffer)}: -1 at the peer's FIN; its
     * {@code close()} closes the stream.
     *
     * @return a new view
     */
    public InputStream inputStream() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n;
                do {
                    n = read(one, 0, 1);
                } while (n == 0);
                return n < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                if (len == 0) return 0;
                return MuxStream.this.read(ByteBuffer.wrap(b, off, len));
            }

            @Override
            public void close() {
                MuxStream.this.close();
            }
        };
    }

    /**
     * An {@code OutputStream} over {@link #write(ByteBuffer)}; its {@code close()} closes the
     * stream.
     *
     * @return a new view
     */
    public OutputStream outputStream() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                MuxStream.this.write(ByteBuffer.wrap(new byte[] {(byte) b}));
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                MuxStream.this.write(ByteBuffer.wrap(b, off, len));
            }

            @Override
            public void close() {
                MuxStream.this.close();
            }
        };
    }

    // ---- the session's reader thread -------------------------------------------------------

    /** Payload of a PSH frame for this stream. */
    void deliver(ByteBuffer part) {
        int n = part.remaining();
        int discarded = 0;
        boolean reset = false;
        lock.lock();
        try {
            if (closed || failure != null) {
                counters.droppedBytes.addAndGet(n);
                return;
            }
            if (version == 2 && (long) in.size() + n > receiveLimit) {
                counters.windowOverruns.incrementAndGet();
                counters.droppedBytes.addAndGet(n);
                discarded = resetLocked(new MuxProtocolException("stream " + idString()
                        + " reset: the peer sent " + ((long) in.size() + n) + " unread bytes, beyond"
                        + " its window of " + receiveLimit));
                reset = true;
            } else {
                in.append(part);
                readable.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (reset) {
            session.returnBudget(discarded);
            writer.schedule(this);
        } else {
            session.chargeBudget(n);
        }
    }

    /** The peer's FIN: end of stream once the buffer is read. */
    void finReceived() {
        boolean forget;
        lock.lock();
        try {
            finReceived = true;
            readable.signalAll();
            forget = closed && finSent;
        } finally {
            lock.unlock();
        }
        if (forget) session.forget(this);
    }

    /** The peer's UPD (version 2): what it consumed, and its window. */
    void update(int peerConsumed, int peerWindow) {
        boolean again;
        lock.lock();
        try {
            this.peerConsumed = peerConsumed;
            this.peerWindow = peerWindow & 0xFFFFFFFFL;
            again = out.size() > 0;
        } finally {
            lock.unlock();
        }
        if (again) writer.schedule(this);
    }

    /** The session ended: {@code cause}, or null for a local close of the session. */
    void sessionEnded(IOException cause) {
        lock.lock();
        try {
            if (failure == null) failure = cause != null ? cause : SessionClosed.INSTANCE;
            out.clear();
            if (cause == null) in.clear();
            readable.signalAll();
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ---- the session's writer thread -------------------------------------------------------

    /**
     * Appends this stream's next data frame (at most {@code maxPayload} bytes, as the peer's
     * window allows) to {@code buf}, and its FIN once everything before it is out.
     *
     * @return true if the stream has more to send now (it should stay in the rotation)
     */
    boolean nextFrame(ByteBuffer buf, int maxPayload) {
        int discarded = 0;
        boolean reset = false;
        boolean forget = false;
        lock.lock();
        try {
            if (failure == SessionClosed.INSTANCE) return false;
            int pending = out.size();
            if (pending > 0 && failure == null) {
                long allowed = pending;
                if (version == 2) {
                    int inflight = sent - peerConsumed;
                    if (inflight < 0) {
                        discarded = resetLocked(new MuxProtocolException("stream " + idString()
                                + " reset: the peer acknowledged " + Integer.toUnsignedString(peerConsumed)
                                + " bytes, but only " + Integer.toUnsignedString(sent) + " were sent"));
                        reset = true;
                        pending = 0;
                        allowed = 0;
                    } else {
                        allowed = Math.min(allowed, peerWindow - inflight);
                    }
                }
                int n = (int) Math.max(0, Math.min(allowed, maxPayload));
                n = Math.min(n, buf.remaining() - Frames.HEADER_BYTES);
                if (n > 0) {
                    Frames.putHeader(buf, version, Frames.PSH, id, n);
                    out.take(buf, n);
                    sent += n;
                    counters.bytesSent.addAndGet(n);
                    counters.framesSent.incrementAndGet();
                    writable.signalAll();
                }
                if (out.size() > 0) {
                    return version == 1 || peerWindow - (sent - peerConsumed) > 0;
                }
            }
            if (finRequested && !finSent) {
                if (buf.remaining() < Frames.HEADER_BYTES) return true;
                Frames.putHeader(buf, version, Frames.FIN, id, 0);
                counters.framesSent.incrementAndGet();
                finSent = true;
                forget = closed || failure != null;
            }
            return false;
        } finally {
            lock.unlock();
            if (reset) session.returnBudget(discarded);
            if (forget) session.forget(this);
        }
    }

    /** Appends a UPD announcing what was read and our window; nothing once closed or ended. */
    void putUpdate(ByteBuffer buf) {
        lock.lock();
        try {
            if (closed || failure != null) return;
            Frames.putHeader(buf, version, Frames.UPD, id, Frames.UPD_BYTES);
            Frames.putInt(buf, consumed);
            Frames.putInt(buf, window);
            counters.framesSent.incrementAndGet();
        } finally {
            lock.unlock();
        }
    }

    // ---- helpers ---------------------------------------------------------------------------

    /**
     * Ends the stream because the peer broke the protocol on it: drops what it holds and
     * queues a FIN. Under lock; returns the received bytes dropped (for the session's budget).
     */
    private int resetLocked(MuxProtocolException why) {
        failure = why;
        int discarded = in.clear();
        out.clear();
        finRequested = true;
        readable.signalAll();
        writable.signalAll();
        return discarded;
    }

    private IOException closedException(boolean waited) {
        return waited ? new AsynchronousCloseException() : new ClosedChannelException();
    }

    private IOException failureException(boolean waited) {
        if (failure == SessionClosed.INSTANCE) return closedException(waited);
        if (failure instanceof MuxProtocolException) {
            MuxProtocolException e = new MuxProtocolException(failure.getMessage());
            e.initCause(failure);
            return e;
        }
        return new IOException("stream " + idString() + ": " + failure.getMessage(), failure);
    }

    private String idString() {
        return Integer.toUnsignedString(id);
    }

    @Override
    public String toString() {
        return "MuxStream{id=" + idString() + (isOpen() ? "" : ", closed") + "}";
    }

    /** The marker of a session closed by its own application. */
    private static final class SessionClosed extends IOException {
        private static final long serialVersionUID = 1L;
        static final SessionClosed INSTANCE = new SessionClosed();

        private SessionClosed() {
            super("mux session closed");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this; // a shared marker: no stack
        }
    }
}
