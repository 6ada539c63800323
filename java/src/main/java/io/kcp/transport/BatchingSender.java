package io.kcp.transport;

import io.kcp.kernel.NativeUdpBatch;
import io.kcp.kernel.NativeUdpSocket;
import io.kcp.wire.Counters;
import io.kcp.wire.DatagramSink;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Puts one session's wire datagrams on its socket in batches, through the native kernel's
 * sendmmsg and UDP GSO (Linux): the datagrams of one flush are gathered and leave in a few
 * system calls at {@link #flush()}, instead of one each. The socket is non-blocking, as with
 * {@link DatagramSender}: what a full send buffer refuses is dropped and counted (OutErrs), like
 * a loss on the network, and the ARQ retransmits it. So is every datagram of a batch that a
 * send error stopped; the error is remembered.
 *
 * <p>The batch buffer is borrowed from a shared pool for the length of one flush
 * ({@link NativeUdpBatch#take()}), so a session holds no native memory of its own.
 *
 * <p>Holds a reference to the socket until {@link #close()}. Used under the owning session's
 * lock only.
 */
public final class BatchingSender implements DatagramSink, AutoCloseable {

    private final NativeUdpSocket socket;
    private final byte[] destination;
    private final SendFailures failures;
    private NativeUdpBatch batch; // between the first send of a flush and the flush
    private boolean gso = true; // until the kernel refuses it for this socket and route
    private boolean closed;

    /**
     * A sender over {@code socket}, or null when the socket is already closed (the caller then
     * sends another way).
     *
     * @throws IOException if the socket cannot send to {@code remote}
     */
    public static BatchingSender open(NativeUdpSocket socket, InetSocketAddress remote,
                                      Counters counters) throws IOException {
        if (!socket.retain()) return null;
        try {
            return new BatchingSender(socket, socket.socketAddress(remote), counters);
        } catch (IOException | RuntimeException | Error e) {
            socket.release();
            throw e;
        }
    }

    private BatchingSender(NativeUdpSocket socket, byte[] destination, Counters counters) {
        this.socket = socket;
        this.destination = destination;
        this.failures = new SendFailures(counters);
    }

    @Override
    public void send(ByteBuffer datagram) {
        if (closed) return;
        if (batch == null) batch = NativeUdpBatch.take();
        if (!batch.add(datagram)) {
            sendBatch(batch);
            batch.add(datagram);
        }
    }

    @Override
    public void flush() {
        NativeUdpBatch b = batch;
        if (b == null) return;
        batch = null;
        try {
            if (!closed) sendBatch(b);
        } finally {
            NativeUdpBatch.give(b);
        }
    }

    private void sendBatch(NativeUdpBatch b) {
        int count = b.count();
        if (count == 0) return;
        int sent = b.send(socket, destination, gso);
        if (gso && b.gsoRefused()) gso = false;
        failures.afterBatch(count, sent, b.lastErrno());
    }

    /** What could not be sent: datagrams refused by a full buffer or lost to errors. */
    SendFailures failures() {
        return failures;
    }

    /** True while runs of equal-size datagrams still go out as UDP GSO messages. */
    public boolean gso() {
        return gso;
    }

    /** Drops anything unsent and gives the socket reference back. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        flush(); // returns a borrowed batch, sending nothing
        socket.release();
    }
}
