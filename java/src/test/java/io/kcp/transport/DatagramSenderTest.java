package io.kcp.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kcp.SnmpCounter;
import io.kcp.wire.Counter;
import io.kcp.wire.Counters;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.MembershipKey;
import java.nio.channels.spi.SelectorProvider;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A full socket send buffer costs a dropped, counted datagram, never a wait. */
@Tag("kernel-independent")
@Timeout(30)
class DatagramSenderTest {

    @Test
    void aFullSendBufferDropsAndCountsWithoutWaiting() {
        Counters counters = new Counters(null);
        FullSocket socket = new FullSocket();
        DatagramSender sender = new DatagramSender(socket, new InetSocketAddress(9), counters);
        long t0 = System.nanoTime();
        for (int i = 0; i < 200; i++) sender.send(ByteBuffer.allocate(100));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(200, socket.attempts, "one attempt per datagram, no retrying");
        assertEquals(200, sender.failures().dropped());
        assertEquals(200, counters.get(Counter.OUT_ERRS));
        assertTrue(ms < 1000, "200 refused sends took " + ms + " ms: the sender waited");
    }

    @Test
    void aSendErrorIsCountedAndRemembered() {
        Counters counters = new Counters(null);
        FullSocket socket = new FullSocket();
        socket.error = new IOException("network unreachable");
        DatagramSender sender = new DatagramSender(socket, new InetSocketAddress(9), counters);
        sender.send(ByteBuffer.allocate(100));
        assertEquals(1, sender.failures().errors());
        assertEquals(1, counters.get(Counter.OUT_ERRS));
        assertEquals(socket.error, sender.failures().lastError());
    }

    /** A non-blocking socket whose send buffer is always full (or whose sends fail). */
    static final class FullSocket extends DatagramChannel {
        int attempts;
        IOException error;

        FullSocket() {
            super(SelectorProvider.provider());
        }

        @Override
        public int send(ByteBuffer src, SocketAddress target) throws IOException {
            attempts++;
            if (error != null) throw error;
            return 0;
        }

        @Override public DatagramChannel bind(SocketAddress local) { throw new UnsupportedOperationException(); }
        @Override public <T> DatagramChannel setOption(SocketOption<T> name, T value) { throw new UnsupportedOperationException(); }
        @Override public <T> T getOption(SocketOption<T> name) { throw new UnsupportedOperationException(); }
        @Override public Set<SocketOption<?>> supportedOptions() { return Set.of(); }
        @Override public DatagramSocket socket() { throw new UnsupportedOperationException(); }
        @Override public boolean isConnected() { return false; }
        @Override public DatagramChannel connect(SocketAddress remote) { throw new UnsupportedOperationException(); }
        @Override public DatagramChannel disconnect() { return this; }
        @Override public SocketAddress getRemoteAddress() { return null; }
        @Override public SocketAddress receive(ByteBuffer dst) { return null; }
        @Override public int read(ByteBuffer dst) { return 0; }
        @Override public long read(ByteBuffer[] dsts, int offset, int length) { return 0; }
        @Override public int write(ByteBuffer src) { return 0; }
        @Override public long write(ByteBuffer[] srcs, int offset, int length) { return 0; }
        @Override public SocketAddress getLocalAddress() { return null; }
        @Override public MembershipKey join(java.net.InetAddress g, NetworkInterface i) { throw new UnsupportedOperationException(); }
        @Override public MembershipKey join(java.net.InetAddress g, NetworkInterface i, java.net.InetAddress s) { throw new UnsupportedOperationException(); }
        @Override protected void implCloseSelectableChannel() { }
        @Override protected void implConfigureBlocking(boolean block) { }
    }
}
