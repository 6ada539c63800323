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
 * <p>Holds a reference to the socket until {@link #close()}. Used under the owning session's
 * lock only.
 */
public final class BatchingSender implements DatagramSink, AutoCloseable {

    private static final int EAGAIN = 11; // Linux, the only platform with batched sends

    private final NativeUdpSocket socket;
    private final NativeUdpBatch batch;
    private final SendFailures failures;
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
            return new BatchingSender(socket, new NativeUdpBatch(socket, remote), counters);
        } catch (IOException | RuntimeException | Error e) {
            socket.release();
            throw e;
        }
    }

    private BatchingSender(NativeUdpSocket socket, NativeUdpBatch batch, Counters counters) {
        this.socket = socket;
        this.batch = batch;
        this.failures = new SendFailures(counters);
    }

    @Override
    public void send(ByteBuffer datagram) {
        if (closed) return;
        if (!batch.add(datagram)) {
            flush();
            batch.add(datagram);
        }
    }

    @Override
    public void flush() {
        int count = batch.count();
        if (count == 0 || closed) return;
        int sent = batch.send();
        if (sent == count) return;
        int errno = batch.lastErrno();
        if (errno == EAGAIN) {
            failures.full(count - sent);
        } else {
            failures.failed(count - sent, new IOException("send failed: " + NativeUdpBatch.errorText(errno)));
        }
    }

    /** Datagrams dropped because the socket's send buffer was full. */
    public long dropped() {
        return failures.dropped();
    }

    /** Datagrams lost to send errors (the ARQ retransmits). */
    public long errors() {
        return failures.errors();
    }

    /** The last send error, or null. */
    public IOException lastError() {
        return failures.lastError();
    }

    /** True while runs of equal-size datagrams still go out as UDP GSO messages. */
    public boolean gso() {
        return batch.gso();
    }

    /** Drops anything unsent and gives the socket reference back. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        socket.release();
    }
}
