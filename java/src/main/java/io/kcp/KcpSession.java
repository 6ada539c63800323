package io.kcp;

import io.kcp.arq.Arq;
import io.kcp.arq.ArqField;
import io.kcp.crypto.PacketCiphers;
import io.kcp.kernel.Kernel;
import io.kcp.kernel.NativeArq;
import io.kcp.kernel.NativeOutbound;
import io.kcp.kernel.NativeUdpSocket;
import io.kcp.transport.BatchingSender;
import io.kcp.transport.DatagramSender;
import io.kcp.transport.NativeDrain;
import io.kcp.wire.DatagramSink;
import io.kcp.transport.FlushScheduler;
import io.kcp.transport.MonoClock;
import io.kcp.transport.ReceiveLoop;
import io.kcp.transport.SharedReceiveLoops;
import io.kcp.transport.SocketOptions;
import io.kcp.transport.Timed;
import io.kcp.wire.ArqCounterSync;
import io.kcp.wire.Counter;
import io.kcp.wire.Counters;
import io.kcp.wire.InboundPipeline;
import io.kcp.wire.NonceSource;
import io.kcp.wire.OutboundPipeline;
import io.kcp.wire.OutputDrain;
import io.kcp.wire.PipelineDrain;
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
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntFunction;

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
    private final Kernel kernel;
    private final long idleTimeoutNanos;
    private final FlushScheduler scheduler = FlushScheduler.forNewSession();
    private final Timer timer = new Timer();
    private final Counters counters;
    private volatile ReceiveLoop.Registration registration;

    // everything below is guarded by lock
    private final ReentrantLock lock = new ReentrantLock();
    private final Waiters readers = new Waiters();
    private final Waiters writers = new Waiters();
    private final Arq arq;
    private final OutputDrain output;
    private final InboundPipeline inbound;
    private final NativeUdpSocket ownNativeSocket; // a dialed session's reference, or null
    private final ArqCounterSync segmentCounters = new ArqCounterSync();
    private final KcpSink toArq = this::arqInput;
    private final PeerEvidence evidence = new PeerEvidence();
    private final ChecksumAlarm checksumAlarm = new ChecksumAlarm("dialed session");
    private ByteBuffer readRemainder = ByteBuffer.allocate(0);
    private final AtomicReference<ByteBuffer> spareReadView = new AtomicReference<>();
    private final AtomicReference<ByteBuffer> spareWriteView = new AtomicReference<>();
    private boolean ackNoDelay;
    private boolean writeDelay;
    private int inputNow;
    private boolean inputToAnnounce; // input since the last afterInput()
    // the receive loop's datagram being input: its memory holds until the batch's end, unlike
    // the FEC layer's buffers, so only its packets may be queued (arqInput)
    private ByteBuffer receiving;
    private boolean accepted;
    private volatile boolean closed; // written under lock; read without it by isOpen()
    private IOException failure;
    private long readTimeoutNanos;
    private long writeTimeoutNanos;
    private long readDeadline;   // System.nanoTime() scale; 0 = none
    private long writeDeadline;
    private final long createdNanos = System.nanoTime();
    private volatile long lastInputNanos = createdNanos;
    private final boolean probation; // a listener's session that sends nothing until confirmed
    private boolean reapable; // the timer's: on probation, maybe still unaccepted
    private boolean parked; // under lock: the timer waits for activity (quiet(), wakeTimer())

    /**
     * @param listener the listener that created this session, or null for a dialed one
     * @param listenerSocket the listener port's native descriptor (null: none, or dialed)
     * @param arqs where the ARQ comes from (the configuration's kernel, except in tests that
     *     inject faults)
     * @param probation send nothing until the peer is confirmed (see {@link KcpListener})
     */
    KcpSession(int conv, InetSocketAddress remote, DatagramChannel channel, boolean ownsChannel,
               KcpListener listener, NativeUdpSocket listenerSocket, KcpConfig config,
               IntFunction<Arq> arqs, boolean probation)
            throws IOException {
        this.conv = conv;
        this.remote = Objects.requireNonNull(remote, "remote");
        this.channel = channel;
        this.ownsChannel = ownsChannel;
        this.listener = listener;
        this.config = config;
        this.kernel = config.kernel();
        this.idleTimeoutNanos = (listener != null ? config.acceptedIdleTimeout()
                : config.idleTimeout()).toNanos();
        // a listener's sessions count into the listener's set, which counts into the global one
        this.counters = new Counters(listener != null ? listener.countersForSessions() : Counters.GLOBAL);
        if (listener == null) Metrics.ensureGlobal();
        this.arq = arqs.apply(conv);
        // the native kernel's batched I/O on Linux: the listener's descriptor, or our own
        NativeUdpSocket socket = null;
        OutputDrain out = null;
        InboundPipeline in = null;
        try {
            socket = kernel != Kernel.NATIVE ? null
                    : listener != null ? listenerSocket
                    : ownsChannel ? NativeUdpSocket.borrow(channel) // closed only after we are done
                    : NativeUdpSocket.open(channel); // the user's: closed whenever they like
            out = newOutput(socket, channel, remote, arq, config, counters);
            // a listener decrypts every datagram before its session sees it
            in = new InboundPipeline(listener == null ? config.newCipher() : PacketCiphers.NULL,
                    config.dataShards(), config.parityShards(), kernel.reedSolomon(), counters);
        } catch (RuntimeException | Error e) {
            if (out != null) out.close();
            if (socket != null && listener == null) socket.release();
            arq.close();
            throw e;
        }
        this.output = out;
        this.inbound = in;
        this.ownNativeSocket = listener == null ? socket : null;
        output.setDuplicates(config.dup());
        arq.reserveBytes(output.reserveBytes());
        arq.setMtu(config.mtu());
        arq.nodelay(config.nodelay(), config.interval(), config.resend(), config.nc());
        arq.windowSize(config.sendWindow(), config.receiveWindow());
        arq.setStreamMode(config.streamMode());
        arq.setAckClocking(config.ackClocking());
        this.ackNoDelay = config.ackNoDelay();
        this.writeDelay = config.writeDelay();

        this.probation = probation;
        this.reapable = probation;
        counters.sessionOpened(listener == null);
        scheduler.schedule(timer, System.nanoTime());
    }

    /**
     * Serves a session that reads its own socket (a dialed one, or one on a user's channel) on
     * one of the shared receive loops.
     */
    void startReceiving() throws IOException {
        registration = SharedReceiveLoops.register(channel, new ReceiveLoop.Handler() {
            @Override
            public void onDatagram(ByteBuffer datagram, SocketAddress source, boolean truncated) {
                if (!remote.equals(source)) return; // only the dialed peer speaks to us
                if (truncated) {
                    counters.inc(Counter.IN_ERRS);
                    return;
                }
                input(datagram, false);
            }

            @Override
            public void onBatchEnd() {
                afterInput();
            }

            @Override
            public void onFailure(Throwable cause) {
                fail(cause instanceof IOException ? (IOException) cause
                        : new IOException("receiving on the session's socket failed (conv "
                        + Integer.toUnsignedString(conv) + ")", cause));
            }
        }, ownsChannel, ownNativeSocket);
    }

    // ---- input, on a receive thread --------------------------------------------------------

    /**
     * A datagram its listener already decrypted and checked; true if the ARQ accepted it. Its
     * bytes must stay as they are until {@link #afterInput()} (the receive batch's end).
     */
    boolean inputDecrypted(ByteBuffer payload) {
        return input(payload, true);
    }

    /**
     * Runs one datagram through the pipeline and the ARQ, then sends what that produced. Any
     * Throwable from that path fails this session only (never the thread that delivered it).
     * The native ARQ may queue its packets for one input crossing at the receive batch's end
     * ({@link #afterInput()}; see {@link #arqInput}).
     *
     * @return true if the ARQ accepted at least one packet of it now (queued ones count later)
     */
    private boolean input(ByteBuffer datagram, boolean decrypted) {
        Throwable fault = null;
        boolean took = false;
        lockSession();
        try {
            if (closed) return false;
            long now = System.nanoTime();
            inputNow = MonoClock.millis(now);
            accepted = false;
            receiving = datagram;
            if (decrypted) {
                inbound.inputDecrypted(datagram, inputNow, toArq);
            } else {
                long csumErrors = counters.get(Counter.IN_CSUM_ERRORS);
                inbound.input(datagram, inputNow, toArq);
                if (counters.get(Counter.IN_CSUM_ERRORS) != csumErrors) {
                    checksumAlarm.failed(remote);
                }
            }
            took = accepted;
            if (took) {
                lastInputNanos = now;
                wakeTimer();
            }
            inputToAnnounce = true;
        } catch (Throwable t) {
            fault = t;
        } finally {
            receiving = null;
            lock.unlock();
        }
        if (fault != null) fail(internalError("receiving", fault));
        return took;
    }

    /**
     * The end of a receive batch that fed this session: wakes a reader if data is ready and
     * writers if the window has room, once per batch rather than per datagram (each wake-up is a
     * system call, and the reader would only find part of the batch). Receive thread.
     */
    void afterInput() {
        Throwable fault = null;
        Thread reader = null;
        lockSession();
        try {
            if (!inputToAnnounce || closed) return;
            inputToAnnounce = false;
            inputQueued();
            if (arq.peekSize() > 0) reader = readers.wakeAllButOne();
            if (windowHasRoom()) writers.wakeAll();
        } catch (Throwable t) {
            fault = t;
        } finally {
            lock.unlock();
        }
        if (reader != null) LockSupport.unpark(reader); // after the unlock: it finds the lock free
        if (fault != null) fail(internalError("receiving", fault));
    }

    /**
     * The inbound pipeline's hand-off to the ARQ: input, then send what that produced. A packet
     * that is the receive loop's datagram itself, whose memory stays put until the batch's end,
     * is queued instead, and the batch's packets go in with one crossing ({@link #inputQueued});
     * anything else goes in at once, after what is queued. A listener's session queues nothing until its peer is
     * confirmed: the evidence reads every accepted packet, and a new session's first verdict is
     * needed at once.
     */
    private int arqInput(ByteBuffer kcp, boolean regular) {
        if (kcp == receiving && (listener == null || evidence.confirmed())
                && arq.queueInput(kcp, regular)) {
            return 0; // its verdict is counted at the batch's end
        }
        inputQueued();
        int r = arq.input(kcp, regular, ackNoDelay, inputNow);
        if (r == 0) {
            accepted = true;
            if (regular && listener != null) evidence.accepted(kcp);
        }
        drainOutput();
        return r;
    }

    /**
     * Inputs the packets {@link #arqInput} queued, in one crossing, counts their verdicts as
     * input would have, and sends what they produced. Under lock.
     */
    private void inputQueued() {
        int n = arq.queuedInputs();
        if (n == 0) return;
        int took = arq.inputQueued(ackNoDelay, inputNow);
        if (took < n) counters.add(Counter.KCP_IN_ERRORS, n - took);
        if (took > 0) {
            lastInputNanos = System.nanoTime();
            wakeTimer();
        }
        drainOutput();
    }

    // ---- the timer, on the scheduler thread ---------------------------------------------------

    private final class Timer extends Timed {
        @Override
        public long runAt(long nowNanos) {
            if (reapable && reaped(nowNanos)) {
                end(new IOException("unconfirmed session from " + remote + " (conv "
                        + Integer.toUnsignedString(conv) + ") reaped: nobody accepted it within "
                        + KcpListener.UNCONFIRMED_TTL.toMillis() + " ms"));
                return DONE;
            }
            IOException ending;
            lockSession();
            try {
                if (closed) return DONE;
                ending = due(nowNanos);
                if (ending == null) {
                    int now = MonoClock.millis(nowNanos);
                    int interval = onProbation() ? arq.flush(now) : output.flush(arq, now);
                    drainOutput(); // on probation: drops what the flush produced
                    segmentCounters.sync(arq, counters);
                    ending = deadLink();
                    if (ending == null) {
                        if (windowHasRoom()) writers.wakeAll();
                        if (quiet()) {
                            // Nothing to send, acknowledge or probe: no flush is needed until
                            // input, a write or a read wakes the timer (wakeTimer).
                            parked = true;
                            return parkedUntil();
                        }
                        return nowNanos + TimeUnit.MILLISECONDS.toNanos(interval);
                    }
                }
            } finally {
                lock.unlock();
            }
            end(ending); // outside the lock: ending never waits, but it need not hold ours
            return DONE;
        }

        @Override
        public void failed(Throwable cause) {
            fail(internalError("flushing", cause));
        }
    }

    /** True when a flush would send nothing, now or later, until something happens. Under lock. */
    private boolean quiet() {
        return arq.field(ArqField.SND_BUF) == 0 && arq.field(ArqField.SND_QUEUE) == 0
                && arq.field(ArqField.ACKLIST) == 0 && arq.field(ArqField.PROBE) == 0;
    }

    /**
     * When a parked timer must still run by itself: at the idle timeout, or when an unconfirmed
     * session is to be reaped; {@link Timed#DONE} if neither applies. Under lock.
     */
    private long parkedUntil() {
        long until = Timed.DONE;
        if (idleTimeoutNanos > 0) until = lastInputNanos + idleTimeoutNanos + 1;
        if (reapable) {
            long reap = createdNanos + KcpListener.UNCONFIRMED_TTL.toNanos();
            if (until == Timed.DONE || reap - until < 0) until = reap;
        }
        return until;
    }

    /**
     * Brings a parked timer back to the ARQ's cadence: the next flush one interval from now, when
     * kcp-go's ticking timer would have flushed too (so an ACK can still ride on a reply written
     * meanwhile). Under lock; the scheduler's lock is taken inside ours, never the other way.
     */
    private void wakeTimer() {
        if (!parked) return;
        parked = false;
        scheduler.schedule(timer, System.nanoTime()
                + TimeUnit.MILLISECONDS.toNanos(arq.field(ArqField.INTERVAL)));
    }

    /**
     * True if this listener session is still unconfirmed and unaccepted after the listener's
     * grace time, and the listener took it out of its backlog. Scheduler thread, outside the lock
     * (the listener's lock is taken after ours nowhere).
     */
    private boolean reaped(long nowNanos) {
        if (evidence.confirmed()) {
            reapable = false;
            return false;
        }
        if (nowNanos - createdNanos < KcpListener.UNCONFIRMED_TTL.toNanos()) return false;
        reapable = false; // asked once: if it was accepted, it never goes back
        return listener.reapUnaccepted(this);
    }

    /** The idle timeout's verdict at {@code nowNanos}, or null. Under lock. */
    private IOException due(long nowNanos) {
        if (idleTimeoutNanos > 0 && nowNanos - lastInputNanos > idleTimeoutNanos) {
            return new KcpIdleTimeoutException("no datagram from " + remote + " for "
                    + TimeUnit.NANOSECONDS.toMillis(idleTimeoutNanos) + " ms (conv "
                    + Integer.toUnsignedString(conv) + ")");
        }
        return null;
    }

    /** The ARQ's dead-link verdict, or null. Under lock. */
    private IOException deadLink() {
        if (arq.state() != -1) return null;
        return new KcpDeadLinkException("peer " + remote + " stopped acknowledging (conv "
                + Integer.toUnsignedString(conv) + ", a segment was sent "
                + arq.field(ArqField.DEAD_LINK) + " times)");
    }

    /** What readers and writers see when a bug or exhaustion (not the peer) ended the session. */
    private IOException internalError(String what, Throwable cause) {
        return new IOException("session ended by an internal failure while " + what + " (conv "
                + Integer.toUnsignedString(conv) + "): " + cause, cause);
    }

    // ---- output ----------------------------------------------------------------------------

    /**
     * The C outbound and batched sends for a native ARQ with a native socket; else the Java
     * pipeline, into a batching sender where there is a native socket, or one send per datagram.
     */
    private static OutputDrain newOutput(NativeUdpSocket socket, DatagramChannel channel,
                                         InetSocketAddress remote, Arq arq, KcpConfig config,
                                         Counters counters) {
        if (socket != null && arq instanceof NativeArq && NativeOutbound.ENABLED) {
            try {
                NativeDrain drain = NativeDrain.open(socket, remote, config.newCipher(),
                        config.dataShards(), config.parityShards(), config.mtu(),
                        NonceSource.secure(), counters);
                if (drain != null) return drain;
            } catch (IOException e) {
                // an address this socket's family cannot reach: the channel reports that per send
            }
        }
        OutboundPipeline pipeline = new OutboundPipeline(config.newCipher(),
                config.dataShards(), config.parityShards(), config.kernel().reedSolomon(),
                NonceSource.secure(), counters, config.mtu());
        DatagramSink sender = null;
        if (socket != null) {
            try {
                sender = BatchingSender.open(socket, remote, counters);
            } catch (IOException e) {
                // as above
            }
        }
        if (sender == null) sender = new DatagramSender(channel, remote, counters);
        return new PipelineDrain(pipeline, sender);
    }

    /**
     * Sends whatever the last ARQ call left in its output area; on probation it is dropped
     * instead (the peer retransmits what we do not acknowledge). Under lock.
     */
    private void drainOutput() {
        if (arq.outputCount() == 0) return;
        if (onProbation()) {
            arq.clearOutput();
            return;
        }
        output.drain(arq);
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
     * @throws SocketTimeoutException when the read timeout or deadline passes first (also one
     *     set while this call waits)
     * @throws AsynchronousCloseException if the session is closed while waiting
     * @throws KcpDeadLinkException if the peer stopped acknowledging
     * @throws KcpIdleTimeoutException if nothing arrived for the idle timeout
     * @throws IOException with the cause, if an internal failure ended the session
     */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (!dst.hasRemaining()) return 0;
        long start = System.nanoTime();
        lockSession();
        try {
            boolean waited = false;
            while (true) {
                if (readRemainder.hasRemaining()) {
                    return takeRemainder(dst);
                }
                if (closed) throw closedException(waited);
                int n = arq.recv(dst); // the usual case, a message that fits: one call
                if (n == -2) { // larger than dst: the rest waits in readRemainder
                    int size = arq.peekSize();
                    if (readRemainder.capacity() < size) {
                        readRemainder = ByteBuffer.allocate(Math.max(size, 2 * readRemainder.capacity()));
                    }
                    readRemainder.clear();
                    arq.recv(readRemainder);
                    readRemainder.flip();
                    n = takeRemainder(dst);
                }
                if (n > 0) {
                    counters.add(Counter.BYTES_RECEIVED, n);
                    wakeTimer(); // the receive window may have reopened: tell the peer
                    return n;
                }
                await(readers, deadline(start, readTimeoutNanos, readDeadline), "read");
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

    /**
     * Reads into {@code b[off, off+len)}; see {@link #read(ByteBuffer)}.
     *
     * @param b the destination
     * @param off where in {@code b} to start
     * @param len the most bytes to read
     * @return bytes read; 0 only if {@code len} is 0
     * @throws IOException as {@link #read(ByteBuffer)}
     */
    public int read(byte[] b, int off, int len) throws IOException {
        ByteBuffer v = view(spareReadView, b, off, len);
        try {
            return read(v);
        } finally {
            spareReadView.set(v);
        }
    }

    /**
     * A heap buffer over {@code b[off, off+len)}: the spare one if it wraps {@code b} (an
     * application reading or writing through the same array again allocates nothing), else a new
     * one. Taken from {@code spare} while in use, so concurrent calls never share one.
     */
    private static ByteBuffer view(AtomicReference<ByteBuffer> spare, byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        ByteBuffer v = spare.getAndSet(null);
        if (v == null || v.array() != b) v = ByteBuffer.wrap(b);
        v.clear().limit(off + len).position(off);
        return v;
    }

    /**
     * Queues all of {@code src}, blocking while the send window is full, and flushes unless
     * write delay is on. Large buffers are cut into MSS-sized messages, as kcp-go does.
     *
     * @return the number of bytes written: all that remained in {@code src}
     * @throws SocketTimeoutException when the write timeout or deadline passes before all was
     *     queued ({@code src}'s position shows how much was)
     * @throws AsynchronousCloseException if the session is closed while waiting
     * @throws KcpDeadLinkException if the peer stopped acknowledging
     * @throws KcpIdleTimeoutException if nothing arrived for the idle timeout
     */
    @Override
    public int write(ByteBuffer src) throws IOException {
        int total = src.remaining();
        if (total == 0) return 0;
        long start = System.nanoTime();
        lockSession();
        try {
            boolean waited = false;
            while (true) {
                if (closed) throw closedException(waited);
                if (windowHasRoom()) {
                    queue(src);
                    if (!src.hasRemaining()) break;
                } else {
                    await(writers, deadline(start, writeTimeoutNanos, writeDeadline), "write");
                    waited = true;
                }
            }
        } finally {
            lock.unlock();
        }
        counters.add(Counter.BYTES_SENT, total);
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
        wakeTimer(); // retransmission and the delayed write need the timer
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
        ByteBuffer v = view(spareWriteView, b, off, len);
        try {
            write(v);
        } finally {
            spareWriteView.set(v);
        }
    }

    /**
     * The deadline a call that started at {@code start} waits for, from the settings in force
     * now (so a timeout or deadline set while it waits applies at once); 0 for none. Under lock.
     */
    private static long deadline(long start, long timeoutNanos, long absolute) {
        long d = timeoutNanos > 0 ? start + timeoutNanos : 0;
        if (absolute != 0 && (d == 0 || absolute - d < 0)) d = absolute;
        return d;
    }

    /**
     * Waits to be woken through {@code waiters} (or until the deadline), with the lock released
     * meanwhile; may return early, callers look again. Allocates nothing. Under lock.
     */
    private void await(Waiters waiters, long deadline, String what) throws IOException {
        long left = 0;
        if (deadline != 0) {
            left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException(what + " timed out (conv "
                        + Integer.toUnsignedString(conv) + ")");
            }
        }
        Thread me = Thread.currentThread();
        if (!me.isInterrupted()) {
            waiters.add(me);
            lock.unlock();
            try {
                if (deadline == 0) {
                    LockSupport.park(this);
                } else {
                    LockSupport.parkNanos(this, left);
                }
            } finally {
                lockSession();
                waiters.remove(me);
            }
        }
        if (Thread.interrupted()) {
            me.interrupt();
            throw new java.io.InterruptedIOException(what + " interrupted (conv "
                    + Integer.toUnsignedString(conv) + ")");
        }
    }

    /**
     * Takes the session's lock. Its holders keep it for a microsecond or two, and a contended
     * {@code lock()} parks (a wake-up later) and queues a new node in the JDK's lock code: first
     * a few spins of {@code tryLock}, counted rather than timed (reading the clock in the loop
     * cost more than the spinning).
     */
    private void lockSession() {
        if (lock.tryLock()) return;
        for (int i = 0; i < LOCK_SPINS; i++) {
            Thread.onSpinWait();
            if (lock.tryLock()) return;
        }
        lock.lock();
    }

    /** How often {@link #lockSession} tries before it queues: a few microseconds of PAUSE. */
    private static final int LOCK_SPINS = 64;

    /** The exception a call on an ended session gets: why it ended. Under lock. */
    private IOException closedException(boolean waited) {
        if (failure instanceof KcpDeadLinkException) {
            return new KcpDeadLinkException(failure.getMessage());
        }
        if (failure instanceof KcpIdleTimeoutException) {
            return new KcpIdleTimeoutException(failure.getMessage());
        }
        if (failure != null && !(failure instanceof ClosedChannelException)) {
            return new IOException(failure.getMessage(), failure.getCause() != null
                    ? failure.getCause() : failure);
        }
        IOException e = waited ? new AsynchronousCloseException() : new ClosedChannelException();
        if (failure != null) e.initCause(failure);
        return e;
    }

    // ---- ending ----------------------------------------------------------------------------

    @Override
    public boolean isOpen() {
        return !closed;
    }

    /**
     * Ends the session: flushes what the window allows one last time (as kcp-go does), wakes
     * blocked readers and writers, and releases everything. Data not yet acknowledged by the
     * peer may be lost; an application protocol that needs a clean end should confirm it first.
     * Idempotent; never waits for another thread.
     */
    @Override
    public void close() {
        end(null);
    }

    /** Ends the session because of {@code cause}; never waits for another thread. */
    void fail(IOException cause) {
        end(cause);
    }

    /**
     * The one way a session ends: a state change and a wake-up under the lock, then the
     * hand-backs (timer, receive registration, listener slot) that only queue work for their
     * threads. Nothing here waits for another thread, so any thread may call it, even one that
     * serves every other session.
     */
    private void end(IOException cause) {
        lock.lock();
        try {
            if (closed) return;
            if (cause == null) {
                try {
                    arq.flush(MonoClock.millis());
                    drainOutput();
                } catch (RuntimeException | Error ignored) {
                    // ending anyway
                }
            }
            try {
                segmentCounters.sync(arq, counters);
            } catch (RuntimeException | Error ignored) {
                // the counts of a broken ARQ are lost with it
            }
            closed = true;
            failure = cause;
            readers.wakeAll();
            writers.wakeAll();
            arq.close();
            output.close();
            inbound.close();
        } finally {
            lock.unlock();
        }
        counters.sessionClosed();
        scheduler.cancel(timer);
        ReceiveLoop.Registration r = registration;
        if (r != null) r.cancel(); // closes the socket too if it is ours
        if (ownNativeSocket != null) ownNativeSocket.release(); // the sender and receiver hold theirs
        if (listener != null) listener.sessionEnded(this);
    }

    /** Why the session ended (null while open, or after a plain close()). */
    IOException failure() {
        lock.lock();
        try {
            return failure;
        } finally {
            lock.unlock();
        }
    }

    /** The socket this session sends through. */
    DatagramChannel channel() {
        return channel;
    }

    /** System.nanoTime() of the last datagram the ARQ accepted (or of the session's start). */
    long lastInputNanos() {
        return lastInputNanos;
    }

    /**
     * True once the peer has proved it is live: the ARQ accepted a second datagram that differs
     * from the first. A replayed datagram, however often replayed, never proves that.
     */
    boolean confirmed() {
        return evidence.confirmed();
    }

    /** See {@link PeerEvidence#seed}; before the first input only. */
    void seedEvidence(long earlierFirstHash) {
        lock.lock();
        try {
            evidence.seed(earlierFirstHash);
        } finally {
            lock.unlock();
        }
    }

    /** The hash of the first datagram this session accepted (0 if none). */
    long firstDatagramHash() {
        lock.lock();
        try {
            return evidence.firstHash();
        } finally {
            lock.unlock();
        }
    }

    /** True while this session may send nothing: on probation and not yet confirmed. */
    boolean onProbation() {
        return probation && !evidence.confirmed();
    }

    // ---- identity and statistics -----------------------------------------------------------

    /**
     * The conversation id both ends share; print it with {@link Integer#toUnsignedString(int)}
     * (it is kcp-go's uint32).
     *
     * @return the conv
     */
    public int conv() { return conv; }

    /** @return the peer's address */
    public InetSocketAddress remoteAddress() { return remote; }

    /**
     * The address of the socket this session sends from (for a listener's session, the
     * listener's).
     *
     * @return the local address
     * @throws IOException if the socket is closed
     */
    public InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    /** @return the current retransmission timeout in milliseconds (0 once closed) */
    public int rto() { return withArq(a -> a.rto()); }

    /** @return the smoothed round-trip time in milliseconds (0 once closed) */
    public int srtt() { return withArq(a -> a.srtt()); }

    /** @return the round-trip time variation in milliseconds (0 once closed) */
    public int srttVar() { return withArq(a -> a.srttVar()); }

    /** @return segments queued or in flight, kcp-go's WaitSnd (0 once closed) */
    public int waitSnd() { return withArq(Arq::waitSnd); }

    /**
     * This session's counters: kcp-go's Snmp set, for this session only (they also add up in
     * {@link Kcp#counters()}).
     *
     * @return a snapshot
     */
    public Snmp counters() {
        lock.lock();
        try {
            if (!closed) segmentCounters.sync(arq, counters);
        } finally {
            lock.unlock();
        }
        return Snmp.of(counters.values());
    }

    /**
     * The kernel this session runs on.
     *
     * @return {@link KernelChoice#NATIVE} or {@link KernelChoice#JAVA}, never {@code AUTO}
     */
    public KernelChoice kernel() {
        return kernel == Kernel.NATIVE ? KernelChoice.NATIVE : KernelChoice.JAVA;
    }

    /** @return the configuration this session was created with (later setters not included) */
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

    /**
     * Timeout for each {@link #read}, counted from the call's start. It applies at once, also to
     * a read already waiting.
     *
     * @param timeout zero (or null) for none
     */
    public void setReadTimeout(Duration timeout) {
        long t = nonNegative(timeout);
        updateAndWake(() -> readTimeoutNanos = t);
    }

    /**
     * Timeout for each {@link #write}; see {@link #setReadTimeout}.
     *
     * @param timeout zero (or null) for none
     */
    public void setWriteTimeout(Duration timeout) {
        long t = nonNegative(timeout);
        updateAndWake(() -> writeTimeoutNanos = t);
    }

    /**
     * Absolute deadline for reads (null = none), like kcp-go's SetReadDeadline. It applies at
     * once: a time in the past makes waiting and later reads fail with
     * {@link SocketTimeoutException} (Go's way to unblock a reader).
     *
     * @param when the deadline, or null for none
     */
    public void setReadDeadline(Instant when) {
        long d = toNano(when);
        updateAndWake(() -> readDeadline = d);
    }

    /**
     * Absolute deadline for writes; see {@link #setReadDeadline}.
     *
     * @param when the deadline, or null for none
     */
    public void setWriteDeadline(Instant when) {
        long d = toNano(when);
        updateAndWake(() -> writeDeadline = d);
    }

    /**
     * Both deadlines, as kcp-go's SetDeadline.
     *
     * @param when the deadline, or null for none
     */
    public void setDeadline(Instant when) {
        long d = toNano(when);
        updateAndWake(() -> {
            readDeadline = d;
            writeDeadline = d;
        });
    }

    /** Changes what waiting readers and writers depend on, and wakes them to look again. */
    private void updateAndWake(Runnable change) {
        lock.lock();
        try {
            change.run();
            readers.wakeAll();
            writers.wakeAll();
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
        long d = System.nanoTime() + saturatedNanos(Duration.between(Instant.now(), when));
        return d == 0 ? 1 : d;
    }

    /** Nanoseconds of {@code d}, clamped to +-100 years so far deadlines cannot overflow. */
    private static long saturatedNanos(Duration d) {
        long cap = 100L * 365 * 24 * 3600;
        if (d.getSeconds() > cap) return cap * 1_000_000_000L;
        if (d.getSeconds() < -cap) return -cap * 1_000_000_000L;
        return d.toNanos();
    }

    /**
     * kcp-go's SetWriteDelay.
     *
     * @param delay true: a write waits for the next scheduled flush (fewer, fuller datagrams)
     */
    public void setWriteDelay(boolean delay) { locked(() -> writeDelay = delay); }

    /**
     * kcp-go's SetACKNoDelay.
     *
     * @param noDelay true: ACKs leave as soon as a datagram is processed
     */
    public void setAckNoDelay(boolean noDelay) { locked(() -> ackNoDelay = noDelay); }

    /**
     * kcp-go's SetStreamMode.
     *
     * @param stream true: writes are merged into full segments; false: each write is a message
     */
    public void setStreamMode(boolean stream) { locked(() -> arq.setStreamMode(stream)); }

    /**
     * kcp-go's SetDUP: sends every data datagram this many extra times (parity once).
     *
     * @param dup 0..16
     */
    public void setDup(int dup) {
        if (dup < 0 || dup > 16) throw new IllegalArgumentException("dup must be in [0, 16], got " + dup);
        locked(() -> output.setDuplicates(dup));
    }

    /**
     * kcp-go's SetNoDelay; the ranges are those of {@link KcpConfig.Builder#noDelay}.
     *
     * @param nodelay 0..2
     * @param interval flush interval, 10..5000 ms
     * @param resend fast-retransmit threshold, 0 (off)..65535
     * @param nc 1 turns congestion control off
     */
    public void setNoDelay(int nodelay, int interval, int resend, int nc) {
        KcpConfig.builder().noDelay(nodelay, interval, resend, nc); // validates
        locked(() -> arq.nodelay(nodelay, interval, resend, nc));
    }

    /**
     * kcp-go's SetWindowSize. A writer waiting for room sees the new window at once.
     *
     * @param sndWnd send window in segments, 1..65535
     * @param rcvWnd receive window in segments, 1..65535
     */
    public void setWindowSize(int sndWnd, int rcvWnd) {
        KcpConfig.builder().windows(sndWnd, rcvWnd);
        updateAndWake(() -> {
            if (!closed) arq.windowSize(sndWnd, rcvWnd);
        });
    }

    /**
     * kcp-go's SetMtu.
     *
     * @param mtu the largest datagram, headers included
     * @return false (and nothing changes) for an MTU outside 50..1500, too small for the
     *     headers, or on a closed session
     */
    public boolean setMtu(int mtu) {
        if (mtu < KcpConfig.MIN_MTU || mtu > KcpConfig.MAX_MTU) return false;
        lock.lock();
        try {
            return !closed && arq.setMtu(mtu);
        } finally {
            lock.unlock();
        }
    }

    /**
     * kcp-go's SetDSCP, for a dialed session's own socket only (set a listener's on the
     * listener).
     *
     * @param dscp 0..63
     * @throws IOException if the socket refuses it
     * @throws UnsupportedOperationException for a session on a listener's or a user's socket
     */
    public void setDscp(int dscp) throws IOException {
        requireOwnSocket("setDscp");
        SocketOptions.setDscp(channel, remote, dscp);
    }

    /**
     * kcp-go's SetReadBuffer (SO_RCVBUF), for a dialed session's own socket only.
     *
     * @param bytes 1 KiB to 1 GiB (the OS may grant less)
     * @throws IOException if the socket refuses it
     * @throws UnsupportedOperationException for a session on a listener's or a user's socket
     */
    public void setReadBuffer(int bytes) throws IOException {
        requireOwnSocket("setReadBuffer");
        SocketOptions.setReadBuffer(channel, bytes);
    }

    /**
     * kcp-go's SetWriteBuffer (SO_SNDBUF), for a dialed session's own socket only.
     *
     * @param bytes 1 KiB to 1 GiB (the OS may grant less)
     * @throws IOException if the socket refuses it
     * @throws UnsupportedOperationException for a session on a listener's or a user's socket
     */
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
            if (!closed) {
                r.run();
                wakeTimer(); // a setter may have given the ARQ something to send
            }
        } finally {
            lock.unlock();
        }
    }

    // ---- stream views ----------------------------------------------------------------------

    /**
     * An {@code InputStream} over {@link #read(ByteBuffer)}: end of stream once the session is
     * closed locally; other endings throw as {@code read} does. Its {@code close()} closes the
     * session.
     *
     * @return a new view
     */
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

    /**
     * An {@code OutputStream} over {@link #write(ByteBuffer)}; its {@code close()} closes the
     * session.
     *
     * @return a new view
     */
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
                + ", kernel=" + kernel() + (isOpen() ? "" : ", closed") + "}";
    }
}
