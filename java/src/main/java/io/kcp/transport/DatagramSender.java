package io.kcp.transport;

import io.kcp.wire.Counters;
import io.kcp.wire.DatagramSink;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;

/**
 * Puts one session's wire datagrams on its socket, never waiting. The socket is non-blocking, so
 * a full send buffer makes {@code send} return 0: the datagram is then dropped and counted
 * (OutErrs), exactly as if the network had lost it, and the ARQ retransmits it. Waiting instead
 * would hold the session's lock on a receive or scheduler thread that serves every other session
 * too. Send errors other than a closed channel are counted the same way and remembered.
 *
 * <p>A non-blocking channel is not closed by an interrupt of the thread that sends (only blocking
 * operations are), so a user's interrupted writer thread cannot close a listener's socket.
 *
 * <p>Used under the owning session's lock only.
 */
public final class DatagramSender implements DatagramSink {

    private final DatagramChannel channel;
    private final SocketAddress remote;
    private final SendFailures failures;
    private boolean channelClosed;

    public DatagramSender(DatagramChannel channel, SocketAddress remote, Counters counters) {
        this.channel = channel;
        this.remote = remote;
        this.failures = new SendFailures(counters);
    }

    @Override
    public void send(ByteBuffer datagram) {
        if (channelClosed) return;
        try {
            if (channel.send(datagram, remote) == 0) failures.full(1);
        } catch (ClosedChannelException e) {
            channelClosed = true;
        } catch (IOException e) {
            failures.failed(1, e);
        }
    }

    /** True once the socket was found closed: the session cannot send any more. */
    public boolean channelClosed() {
        return channelClosed;
    }

    /** What could not be sent: datagrams refused by a full buffer or lost to errors. */
    SendFailures failures() {
        return failures;
    }
}
