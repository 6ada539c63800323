package io.kcp.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kcp.kernel.NativeUdp;
import io.kcp.kernel.NativeUdpBatch;
import io.kcp.kernel.NativeUdpSocket;
import io.kcp.wire.Counter;
import io.kcp.wire.Counters;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Batched native sends (Linux): every datagram of a batch arrives whole and in order, whatever
 * the mix of sizes and however many batches a flush needs; errors are counted; the socket's
 * descriptor lives exactly as long as its references.
 */
@Tag("kernel-independent")
@Timeout(60)
class BatchingSenderTest {

    @Test
    void everyDatagramArrivesWholeAndInOrder() throws IOException {
        assertTrue(NativeUdp.available(), "batched sends are available on Linux with the native kernel");
        try (DatagramChannel out = DatagramChannel.open(StandardProtocolFamily.INET).bind(loopback());
             DatagramChannel in = receiver(StandardProtocolFamily.INET)) {
            roundTrip(out, (InetSocketAddress) in.getLocalAddress(), in);
        }
    }

    @Test
    void aDualStackSocketReachesAnIpv4Peer() throws IOException {
        // DatagramChannel.open() is an IPv6 socket where the host has IPv6: IPv4 goes mapped
        try (DatagramChannel out = DatagramChannel.open().bind(null);
             DatagramChannel in = receiver(StandardProtocolFamily.INET)) {
            roundTrip(out, (InetSocketAddress) in.getLocalAddress(), in);
        }
    }

    private static void roundTrip(DatagramChannel out, InetSocketAddress to, DatagramChannel in)
            throws IOException {
        NativeUdpSocket socket = NativeUdpSocket.open(out);
        assertNotNull(socket, "the JDK's channel exposes its descriptor");
        Counters counters = new Counters(null);
        BatchingSender sender = BatchingSender.open(socket, to, counters);
        socket.release();
        assertNotNull(sender);
        Random random = new Random(20261203);
        List<byte[]> sent = new ArrayList<>();
        for (int flush = 0; flush < 30; flush++) {
            int n = 1 + random.nextInt(150); // beyond one batch: send() flushes on the way
            for (int i = 0; i < n; i++) {
                int kind = random.nextInt(10);
                byte[] d = new byte[kind < 6 ? 1400 : kind < 8 ? random.nextInt(1400) : random.nextInt(3000)];
                random.nextBytes(d);
                ByteBuffer src = ByteBuffer.allocate(d.length + 10).position(5);
                src.put(d).flip().position(5);
                sender.send(src);
                assertEquals(5, src.position(), "the caller's buffer does not move");
                sent.add(d);
            }
            sender.flush();
            for (int i = sent.size() - n; i < sent.size(); i++) {
                ByteBuffer got = ByteBuffer.allocate(4096);
                assertNotNull(in.receive(got), "datagram " + i + " arrived");
                got.flip();
                byte[] bytes = new byte[got.remaining()];
                got.get(bytes);
                assertArrayEquals(sent.get(i), bytes, "datagram " + i);
            }
        }
        assertEquals(0, counters.get(Counter.OUT_ERRS));
        assertEquals(0, sender.failures().dropped() + sender.failures().errors());
        System.out.println("batched sends over " + out.getLocalAddress() + ": GSO "
                + (sender.gso() ? "used" : "refused by this kernel"));
        sender.close();
        sender.send(ByteBuffer.allocate(10));
        sender.flush(); // nothing: closed
        assertFalse(socket.retain(), "the last reference closed the descriptor");
    }

    @Test
    void aSendErrorCountsEveryDatagramOfTheBatch() throws IOException {
        try (DatagramChannel out = DatagramChannel.open(StandardProtocolFamily.INET).bind(loopback())) {
            NativeUdpSocket socket = NativeUdpSocket.open(out);
            Counters counters = new Counters(null);
            // port 0 is no destination: the kernel refuses the first datagram (EINVAL)
            BatchingSender sender = BatchingSender.open(socket, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), counters);
            socket.release();
            for (int i = 0; i < 5; i++) sender.send(ByteBuffer.allocate(100));
            sender.flush();
            assertEquals(5, sender.failures().errors());
            assertEquals(5, counters.get(Counter.OUT_ERRS));
            assertNotNull(sender.failures().lastError());
            assertTrue(sender.failures().lastError().getMessage().contains("errno"), sender.failures().lastError().getMessage());
            sender.close();
        }
    }

    @Test
    void anAddressOfAnotherFamilyIsRefusedUpFront() throws IOException {
        try (DatagramChannel out = DatagramChannel.open(StandardProtocolFamily.INET).bind(loopback())) {
            NativeUdpSocket socket = NativeUdpSocket.open(out);
            IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                    () -> BatchingSender.open(socket, new InetSocketAddress("::1", 9), new Counters(null)));
            assertTrue(e.getMessage().contains("::1") || e.getMessage().contains("0:0:0:0:0:0:0:1"), e.getMessage());
            assertTrue(socket.retain(), "the failed sender gave its reference back, the opener's remains");
            socket.release();
            socket.release();
            assertFalse(socket.retain());
        }
    }

    @Test
    void aBatchHoldsAtMostItsLimits() throws IOException {
        try (DatagramChannel out = DatagramChannel.open(StandardProtocolFamily.INET).bind(loopback());
             DatagramChannel in = receiver(StandardProtocolFamily.INET)) {
            NativeUdpSocket socket = NativeUdpSocket.open(out);
            byte[] to = socket.socketAddress((InetSocketAddress) in.getLocalAddress());
            NativeUdpBatch batch = NativeUdpBatch.take();
            int added = 0;
            while (batch.add(ByteBuffer.allocate(10))) added++;
            assertEquals(NativeUdpBatch.MAX_DATAGRAMS, added);
            assertEquals(added, batch.send(socket, to, true));
            assertEquals(0, batch.count());
            added = 0;
            while (batch.add(ByteBuffer.allocate(1400))) added++;
            assertEquals(NativeUdpBatch.MAX_BYTES / 1400, added);
            assertEquals(added, batch.send(socket, to, true));
            assertTrue(batch.add(ByteBuffer.allocate(0xFFFF)), "the longest datagram fits an empty batch");
            assertFalse(batch.add(ByteBuffer.allocate(2)));
            assertEquals(0, batch.send(socket, to, false), "65535 bytes are too long for UDP");
            assertEquals(90, batch.lastErrno(), "EMSGSIZE");
            NativeUdpBatch.give(batch);
            socket.release();
        }
    }

    @Test
    void sessionsBorrowBatchesOnlyWhileTheyFlush() throws IOException {
        // ten thousand senders (sessions) cost no native memory: one batch serves them in turn
        try (DatagramChannel out = DatagramChannel.open(StandardProtocolFamily.INET).bind(loopback());
             DatagramChannel in = receiver(StandardProtocolFamily.INET)) {
            NativeUdpSocket socket = NativeUdpSocket.open(out);
            InetSocketAddress to = (InetSocketAddress) in.getLocalAddress();
            NativeUdpBatch.give(NativeUdpBatch.take()); // the pool holds at least one
            long before = NativeUdpBatch.allocated();
            for (int i = 0; i < 10_000; i++) {
                BatchingSender s = BatchingSender.open(socket, to, new Counters(null));
                s.send(ByteBuffer.allocate(8));
                s.flush();
                s.close();
                ByteBuffer got = ByteBuffer.allocate(16);
                assertNotNull(in.receive(got));
                assertEquals(8, got.position());
            }
            // other sessions of this JVM may flush meanwhile and take a pooled batch or two
            long made = NativeUdpBatch.allocated() - before;
            assertTrue(made <= 4, "10,000 senders allocated " + made + " batches: flushes kept theirs");
            socket.release();
        }
    }

    @Test
    void channelsOtherThanTheJdksAreLeftToThePortablePath() {
        assertNull(NativeUdpSocket.open(new DatagramSenderTest.FullSocket()));
    }

    private static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    private static DatagramChannel receiver(StandardProtocolFamily family) throws IOException {
        DatagramChannel in = DatagramChannel.open(family).bind(loopback());
        in.setOption(StandardSocketOptions.SO_RCVBUF, 8 << 20);
        return in;
    }
}
