package io.kcp.transport;

import io.kcp.wire.DatagramSink;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.locks.LockSupport;

/**
 * Puts one session's wire datagrams on its socket. The socket is non-blocking (its receive loop
 * needs that), so a full send buffer makes {@code send} return 0: the sender then waits in short
 * steps, up to {@link #FULL_BUFFER_WAIT_NANOS}, before giving the datagram up to the ARQ's
 * retransmission, like a blocking UDP send that times out. Errors other than a closed channel are
 * remembered and otherwise ignored: UDP is lossy and the ARQ repairs it.
 *
 * <p>Used under the owning session's lock only.
 */
public final class DatagramSender implements DatagramSink {

    static final long FULL_BUFFER_WAIT_NANOS = 20_000_000L;
    private static final long PAUSE_NANOS = 20_000L;

    private final DatagramChannel channel;
    private final SocketAddress remote;
    private long dropped;
    private long errors;
    private IOException lastError;
    private boolean channelClosed;

    public DatagramSender(DatagramChannel channel, SocketAddress remote) {
        this.channel = channel;
        this.remote = remote;
    }

    @Override
    public void send(ByteBuffer datagram) {
        if (channelClosed) return;
        // A DatagramChannel closes itself when a thread is interrupted inside an I/O call, and a
        // user's writer thread sends here: hold a pending interrupt back for the send (an
        // interrupt landing during the few microseconds of the call itself still closes it).
        boolean interrupted = Thread.interrupted();
        try {
            sendOnce(datagram);
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    private void sendOnce(ByteBuffer datagram) {
        long waitedSince = 0;
        try {
            while (channel.send(datagram, remote) == 0) {
                long now = System.nanoTime();
                if (waitedSince == 0) {
                    waitedSince = now;
                } else if (now - waitedSince > FULL_BUFFER_WAIT_NANOS) {
                    dropped++;
                    return;
                }
                LockSupport.parkNanos(PAUSE_NANOS);
            }
        } catch (ClosedChannelException e) {
            channelClosed = true;
        } catch (IOException e) {
            errors++;
            lastError = e;
        }
    }

    /** True once the socket was found closed: the session cannot send any more. */
    public boolean channelClosed() {
        return channelClosed;
    }

    /** Datagrams given up because the socket's send buffer stayed full. */
    public long dropped() {
        return dropped;
    }

    /** Send errors seen (the datagrams were lost; the ARQ retransmits). */
    public long errors() {
        return errors;
    }

    /** The last send error, or null. */
    public IOException lastError() {
        return lastError;
    }
}
