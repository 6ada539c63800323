package io.kcp.transport;

import io.kcp.format.Wire;
import io.kcp.kernel.NativeUdpReceiver;
import io.kcp.kernel.NativeUdpSocket;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One receive thread serving any number of UDP sockets. It waits until a socket is readable,
 * drains it in batches of up to {@link #BATCH} datagrams into the loop's own direct buffers and
 * hands each to that socket's {@link Handler}, then tells the handler the batch has ended, so a
 * burst costs one wake-up. A socket registered with its native descriptor is drained with
 * recvmmsg instead ({@link NativeUdpReceiver}), and with UDP GRO when the loop owns it.
 *
 * <p>Registering and cancelling never wait for the loop: both are queued for the loop thread and
 * the selector is woken, so they are safe from any thread, under any lock, including from a
 * handler. The thread starts with the first registration and ends a second
 * ({@link #LINGER_NANOS}) after none is left: a socket that comes within it (the next session
 * after a warm-up, a redial) finds the thread running and its loop compiled.
 *
 * <p>A handler that lets anything escape ({@code Error}s included) is failed alone: its
 * {@link Handler#onFailure} runs with the cause, it gets no more datagrams, and the loop goes on
 * serving the others. If the loop itself cannot go on (its selector failed), every handler gets
 * {@code onFailure}.
 *
 * <p>Datagrams longer than {@link #MAX_DATAGRAM} (kcp-go's limit) are cut by the socket; the
 * handler sees them with {@code truncated = true} and should drop them.
 */
public final class ReceiveLoop {

    /** How long the thread waits for a new socket after the last one went. */
    static final long LINGER_NANOS = 1_000_000_000L;

    /** Datagrams drained from one socket before the loop looks at the others. */
    public static final int BATCH = 64;
    /** kcp-go's mtuLimit. */
    public static final int MAX_DATAGRAM = Wire.MAX_DATAGRAM;
    /** Batches taken from one ready socket per wake-up before giving the others a turn. */
    private static final int BATCHES_PER_TURN = 4;

    /** Receives one socket's datagrams; runs on the loop's thread and must not block. */
    public interface Handler {
        /**
         * One datagram between position and limit (it may be modified in place, e.g.
         * decrypted). Its bytes stay as they are until {@link #onBatchEnd} returns: the loop
         * reuses the memory only for the next batch, so a handler may keep their address until
         * then; the buffer object itself is the loop's. Anything thrown fails this handler.
         */
        void onDatagram(ByteBuffer datagram, SocketAddress source, boolean truncated);

        /**
         * The datagrams received together (one system call's worth) have all been handed over:
         * the moment to wake whoever waits for them, once per batch instead of per datagram.
         * Called after every batch that handed over a datagram, even when the handler was
         * cancelled or failed during it. Anything thrown fails this handler.
         */
        default void onBatchEnd() {}

        /**
         * The loop has stopped serving this socket: a receive error, or {@code cause} escaped
         * {@link #onDatagram}. Called at most once, never after {@link Registration#cancel()}
         * took effect, on the loop thread; must not block.
         */
        void onFailure(Throwable cause);
    }

    /** A socket served by the loop, until {@link #cancel()}. */
    public static final class Registration {
        private final ReceiveLoop loop;
        private final DatagramChannel channel;
        private final Handler handler;
        private final boolean closeChannel;
        private final NativeUdpSocket nativeSocket; // batched native receives, or null
        // loop thread only
        private SelectionKey key;
        private boolean done;

        private Registration(ReceiveLoop loop, DatagramChannel channel, Handler handler,
                             boolean closeChannel, NativeUdpSocket nativeSocket) {
            this.loop = loop;
            this.channel = channel;
            this.handler = handler;
            this.closeChannel = closeChannel;
            this.nativeSocket = nativeSocket;
        }

        /**
         * Stops serving the socket (and closes it, if it was registered to be closed) soon, on
         * the loop thread; returns at once. Idempotent; a no-op after a failure.
         */
        public void cancel() {
            loop.enqueue(new Op(this, false));
        }
    }

    /** A registration or cancellation waiting for the loop thread. */
    private static final class Op {
        final Registration registration;
        final boolean attach;

        Op(Registration registration, boolean attach) {
            this.registration = registration;
            this.attach = attach;
        }
    }

    /** What {@link #nextOp} returns once the loop has stopped. */
    private static final Op STOPPED = new Op(null, false);

    private final String threadName;
    private final ReentrantLock lock = new ReentrantLock();
    // guarded by lock
    private final ArrayDeque<Op> ops = new ArrayDeque<>();
    private Thread thread;
    private Selector selector;
    private int live;
    // loop thread only
    private long lingerEnd; // while nothing is served: when the thread ends; 0 while serving
    private final ByteBuffer[] buffers = new ByteBuffer[BATCH];
    private final SocketAddress[] sources = new SocketAddress[BATCH];
    private NativeUdpReceiver receiver; // created when the first native registration attaches
    /** select(Consumer) instead of the selected-key set, whose add allocates a node per wake-up. */
    private final Consumer<SelectionKey> onReady = this::drain;

    /** A loop whose thread, when running, is named {@code threadName} (a daemon). */
    public ReceiveLoop(String threadName) {
        this.threadName = threadName;
    }

    /**
     * Serves {@code channel} (switched to non-blocking mode here) with {@code handler} until the
     * registration is cancelled or fails.
     *
     * @param closeChannel close the channel when the registration ends (sockets the session or
     *     listener opened itself)
     * @throws IOException if the channel cannot be made non-blocking or no selector can be opened
     */
    public Registration register(DatagramChannel channel, Handler handler, boolean closeChannel)
            throws IOException {
        return register(channel, handler, closeChannel, null);
    }

    /**
     * {@link #register(DatagramChannel, Handler, boolean)}, receiving through
     * {@code nativeSocket} (the channel's descriptor) when it is not null: recvmmsg, and on a
     * socket the loop closes (one nobody else reads afterwards) UDP GRO. The registration holds
     * a reference to the socket until it ends.
     */
    public Registration register(DatagramChannel channel, Handler handler, boolean closeChannel,
                                 NativeUdpSocket nativeSocket) throws IOException {
        channel.configureBlocking(false);
        NativeUdpSocket batched = nativeSocket != null && nativeSocket.retain() ? nativeSocket : null;
        if (batched != null && closeChannel) batched.enableGro();
        Registration r = new Registration(this, channel, handler, closeChannel, batched);
        Selector wake;
        lock.lock();
        try {
            if (thread == null) {
                selector = Selector.open();
                thread = new Thread(this::run, threadName);
                thread.setDaemon(true);
                thread.start();
            }
            live++;
            ops.add(new Op(r, true));
            wake = selector;
        } finally {
            lock.unlock();
        }
        wake.wakeup();
        return r;
    }

    /** Sockets registered and not yet ended. */
    public int registrations() {
        lock.lock();
        try {
            return live;
        } finally {
            lock.unlock();
        }
    }

    private void enqueue(Op op) {
        Selector wake;
        lock.lock();
        try {
            if (thread == null) return; // nothing registered: nothing to cancel
            ops.add(op);
            wake = selector;
        } finally {
            lock.unlock();
        }
        wake.wakeup();
    }

    // ---- the loop thread ------------------------------------------------------------------

    private void run() {
        Selector sel;
        lock.lock();
        try {
            sel = selector;
        } finally {
            lock.unlock();
        }
        try {
            for (int i = 0; i < BATCH; i++) {
                if (buffers[i] == null) buffers[i] = ByteBuffer.allocateDirect(MAX_DATAGRAM + 1);
            }
            while (applyOps(sel)) {
                if (lingerEnd != 0) {
                    sel.select(onReady, Math.max(1, LINGER_NANOS / 1_000_000 / 4));
                } else {
                    sel.select(onReady);
                }
            }
        } catch (Throwable t) {
            failAll(sel, t);
        }
    }

    /** Runs queued registrations and cancellations; false once nothing is left (thread ends). */
    private boolean applyOps(Selector sel) throws IOException {
        while (true) {
            Op op = nextOp(false);
            if (op == null) return true;
            if (op == STOPPED) {
                sel.close();
                return false;
            }
            if (op.attach) {
                attach(sel, op.registration);
            } else {
                finish(op.registration, null);
            }
        }
    }

    /**
     * The next queued operation; null when none is queued but sockets are still served or the
     * linger has not run out; or, when none is queued and nothing is served after the linger
     * (or at once when the loop is {@code failing}), {@link #STOPPED}: the thread and selector
     * are released, and a later {@link #register} starts new ones.
     */
    private Op nextOp(boolean failing) {
        lock.lock();
        try {
            Op op = ops.poll();
            if (op != null) return op;
            if (!failing && live > 0) {
                lingerEnd = 0;
                return null;
            }
            if (!failing) {
                long now = System.nanoTime();
                if (lingerEnd == 0) lingerEnd = now + LINGER_NANOS;
                if (now - lingerEnd < 0) return null;
            }
            lingerEnd = 0;
            thread = null;
            selector = null;
            return STOPPED;
        } finally {
            lock.unlock();
        }
    }

    private void attach(Selector sel, Registration r) {
        if (r.done) return;
        // here, not in drainNative: a branch that only a loop's first batch takes would be
        // compiled out there, and a new loop's first batch would send the hot method back to
        // the interpreter
        if (r.nativeSocket != null && receiver == null) receiver = new NativeUdpReceiver();
        try {
            try {
                r.key = r.channel.register(sel, SelectionKey.OP_READ, r);
            } catch (CancelledKeyException e) {
                // the channel's previous registration here (a session that just ended on a
                // user's socket) is cancelled but not yet deregistered: a select finishes that
                sel.selectNow(onReady);
                r.key = r.channel.register(sel, SelectionKey.OP_READ, r);
            }
        } catch (Throwable t) {
            finish(r, t);
        }
    }

    /** Ends a registration once: on cancel (cause null) or failure. Loop thread only. */
    private void finish(Registration r, Throwable cause) {
        if (r.done) return;
        r.done = true;
        if (r.key != null) r.key.cancel();
        if (r.nativeSocket != null) r.nativeSocket.release();
        if (r.closeChannel) {
            try {
                r.channel.close();
            } catch (IOException ignored) {
                // closing is all that was left to do with it
            }
        }
        lock.lock();
        try {
            live--;
        } finally {
            lock.unlock();
        }
        if (cause != null) {
            try {
                r.handler.onFailure(cause);
            } catch (Throwable t) {
                report(t);
            }
        }
    }

    /**
     * The loop itself failed (its selector, or a bug of ours): nothing it serves can be served
     * any more, so every registration, attached or still queued, fails with the cause. A later
     * {@link #register} starts afresh with a new thread and selector.
     */
    private void failAll(Selector sel, Throwable cause) {
        try {
            for (SelectionKey k : sel.keys()) {
                finish((Registration) k.attachment(), cause);
            }
        } catch (Throwable t) {
            cause.addSuppressed(t);
        }
        for (Op op = nextOp(true); op != STOPPED; op = nextOp(true)) {
            finish(op.registration, op.attach ? cause : null);
        }
        try {
            sel.close();
        } catch (Throwable ignored) {
            // already broken
        }
    }

    /** Receives from one ready socket, a few batches at most, and hands the datagrams over. */
    private void drain(SelectionKey key) {
        Registration r = (Registration) key.attachment();
        if (r.nativeSocket != null) {
            drainNative(r);
            return;
        }
        for (int turn = 0; turn < BATCHES_PER_TURN && !r.done; turn++) {
            int n = 0;
            try {
                while (n < BATCH) {
                    ByteBuffer b = buffers[n].clear();
                    SocketAddress from = r.channel.receive(b);
                    if (from == null) break;
                    sources[n++] = from;
                }
            } catch (Throwable t) {
                clearSources(n);
                finish(r, t);
                return;
            }
            for (int i = 0; i < n; i++) {
                ByteBuffer b = buffers[i].flip();
                SocketAddress from = sources[i];
                sources[i] = null;
                if (r.done) continue;
                try {
                    r.handler.onDatagram(b, from, b.limit() > MAX_DATAGRAM);
                } catch (Throwable t) {
                    clearSources(n);
                    finish(r, t);
                    return;
                }
            }
            if (!endBatch(r, n)) return;
            if (n < BATCH) return;
        }
    }

    /** {@link #drain} through recvmmsg, cutting GRO's coalesced messages into their datagrams. */
    private void drainNative(Registration r) {
        NativeUdpReceiver rx = receiver;
        for (int turn = 0; turn < BATCHES_PER_TURN && !r.done; turn++) {
            int n;
            try {
                n = rx.receive(r.nativeSocket);
            } catch (Throwable t) {
                finish(r, t);
                return;
            }
            for (int i = 0; i < n && !r.done; i++) {
                try {
                    SocketAddress from = rx.source(i);
                    if (from == null) continue; // not IP: nothing of ours
                    int length = rx.length(i);
                    int segment = rx.segment(i);
                    boolean cut = rx.truncated(i);
                    if (segment == 0) segment = Math.max(length, 1);
                    for (int off = 0; off < length || off == 0; off += segment) {
                        int len = Math.min(segment, length - off);
                        r.handler.onDatagram(rx.slice(i, off, len), from, cut || len > MAX_DATAGRAM);
                        if (r.done) break;
                    }
                } catch (Throwable t) {
                    finish(r, t);
                    return;
                }
            }
            if (!endBatch(r, n)) return;
            if (n < NativeUdpReceiver.MESSAGES) return;
        }
    }

    /** {@link Handler#onBatchEnd} after a batch of {@code n > 0}; false if the handler failed. */
    private boolean endBatch(Registration r, int n) {
        // also after a cancel or failure: a handler may hold addresses into this batch until now
        if (n == 0) return true;
        try {
            r.handler.onBatchEnd();
            return true;
        } catch (Throwable t) {
            finish(r, t);
            return false;
        }
    }

    private void clearSources(int n) {
        for (int i = 0; i < n; i++) sources[i] = null;
    }

    private static void report(Throwable t) {
        Thread me = Thread.currentThread();
        me.getUncaughtExceptionHandler().uncaughtException(me, t);
    }
}
