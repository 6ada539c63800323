package io.kcp.transport;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.function.Consumer;

/**
 * The receive thread of one UDP socket. It waits for the socket to become readable, then drains
 * up to {@link #BATCH} datagrams into pooled direct buffers and hands each to the handler, so a
 * burst costs one wake-up. The channel is put in non-blocking mode.
 *
 * <p>Datagrams longer than {@link #MAX_DATAGRAM} (kcp-go's limit) are cut by the socket; the
 * handler sees them with {@code truncated = true} and should drop them.
 *
 * <p>The handler runs on this thread only. Nothing it throws stops the loop.
 */
public final class ReceiveLoop implements AutoCloseable {

    /** Datagrams drained per wake-up. */
    public static final int BATCH = 64;
    /** kcp-go's mtuLimit. */
    public static final int MAX_DATAGRAM = 1500;

    /** Receives datagrams; runs on the loop's thread. */
    public interface Handler {
        /**
         * One datagram between position and limit, valid only during the call (it may be
         * modified in place, e.g. decrypted).
         */
        void onDatagram(ByteBuffer datagram, SocketAddress source, boolean truncated);

        /** The batch just handed over is complete. */
        default void onBatchEnd() {
        }

        /** The socket failed (not by {@link #close()}); the loop has stopped. */
        void onSocketError(IOException e);
    }

    /** select(Consumer) instead of the selected-key set, whose add allocates a node per wake-up. */
    private static final Consumer<SelectionKey> READY = key -> { };

    private final DatagramChannel channel;
    private final Handler handler;
    private final Selector selector;
    private final ByteBuffer[] buffers = new ByteBuffer[BATCH];
    private final SocketAddress[] sources = new SocketAddress[BATCH];
    private final Thread thread;
    private volatile boolean closing;

    /** Starts the thread (named {@code threadName}, daemon). */
    public ReceiveLoop(DatagramChannel channel, Handler handler, String threadName)
            throws IOException {
        this.channel = channel;
        this.handler = handler;
        channel.configureBlocking(false);
        this.selector = Selector.open();
        try {
            channel.register(selector, SelectionKey.OP_READ);
        } catch (IOException | RuntimeException e) {
            selector.close();
            throw e;
        }
        for (int i = 0; i < BATCH; i++) {
            buffers[i] = ByteBuffer.allocateDirect(MAX_DATAGRAM + 1);
        }
        thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** The loop's thread (for tests). */
    public Thread thread() {
        return thread;
    }

    private void run() {
        try {
            while (!closing) {
                selector.select(READY);
                drain();
            }
        } catch (ClosedChannelException | ClosedSelectorException e) {
            if (!closing) handler.onSocketError(new ClosedChannelException());
        } catch (IOException e) {
            if (!closing) handler.onSocketError(e);
        } finally {
            try {
                selector.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }

    /** Receives until the socket is empty, in batches of {@link #BATCH}. */
    private void drain() throws IOException {
        while (!closing) {
            int n = 0;
            while (n < BATCH) {
                ByteBuffer b = buffers[n].clear();
                SocketAddress from = channel.receive(b);
                if (from == null) break;
                sources[n++] = from;
            }
            for (int i = 0; i < n; i++) {
                ByteBuffer b = buffers[i].flip();
                boolean truncated = b.limit() > MAX_DATAGRAM;
                try {
                    handler.onDatagram(b, sources[i], truncated);
                } catch (RuntimeException e) {
                    // hostile input is normal input: a bug in one datagram's path must not
                    // stop the socket; report it and go on
                    Thread t = Thread.currentThread();
                    t.getUncaughtExceptionHandler().uncaughtException(t, e);
                }
                sources[i] = null;
            }
            if (n > 0) handler.onBatchEnd();
            if (n < BATCH) return;
        }
    }

    /** Stops the thread and waits for it (unless called from it). Does not close the channel. */
    @Override
    public void close() {
        closing = true;
        selector.wakeup();
        if (Thread.currentThread() != thread) {
            boolean interrupted = false;
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
        }
    }
}
