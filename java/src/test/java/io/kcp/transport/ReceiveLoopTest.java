package io.kcp.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One receive thread, many sockets: failures stay with their socket, nothing waits. */
@Tag("kernel-independent")
@Timeout(30)
class ReceiveLoopTest {

    private static final InetSocketAddress LOOPBACK =
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    /** Counts datagrams; throws {@code thrown} at the first one if it is set. */
    private static final class Recorder implements ReceiveLoop.Handler {
        final AtomicInteger datagrams = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final CountDownLatch failed = new CountDownLatch(1);
        final Error thrown;

        Recorder(Error thrown) {
            this.thrown = thrown;
        }

        @Override
        public void onDatagram(ByteBuffer datagram, SocketAddress source, boolean truncated) {
            datagrams.incrementAndGet();
            if (thrown != null) throw thrown;
        }

        @Override
        public void onFailure(Throwable cause) {
            failure.set(cause);
            failed.countDown();
        }
    }

    @Test
    void anErrorFromOneHandlerFailsThatSocketOnlyAndTheLoopServesTheOthers() throws Exception {
        ReceiveLoop loop = new ReceiveLoop("test-rx-error");
        try (DatagramChannel bad = DatagramChannel.open().bind(LOOPBACK);
             DatagramChannel good = DatagramChannel.open().bind(LOOPBACK);
             DatagramChannel sender = DatagramChannel.open().bind(LOOPBACK)) {
            Recorder failing = new Recorder(new OutOfMemoryError("injected"));
            Recorder healthy = new Recorder(null);
            ReceiveLoop.Registration rb = loop.register(bad, failing, false);
            ReceiveLoop.Registration rg = loop.register(good, healthy, false);
            for (int i = 0; i < 5; i++) sender.send(ByteBuffer.allocate(10), bad.getLocalAddress());
            assertTrue(failing.failed.await(5, TimeUnit.SECONDS));
            assertTrue(failing.failure.get() instanceof OutOfMemoryError);
            for (int i = 0; i < 20; i++) sender.send(ByteBuffer.allocate(10), good.getLocalAddress());
            awaitCount(healthy.datagrams, 20);
            sender.send(ByteBuffer.allocate(10), bad.getLocalAddress());
            Thread.sleep(100);
            assertEquals(1, failing.datagrams.get(), "a failed handler gets nothing more");
            assertEquals(1, loop.registrations());
            rb.cancel(); // a no-op after the failure
            rg.cancel();
            awaitNoRegistrations(loop);
            assertTrue(bad.isOpen() && good.isOpen(), "sockets registered as the user's stay open");
        }
    }

    @Test
    void theThreadServesASocketThatComesWithinTheLingerAndEndsAfterIt() throws Exception {
        ReceiveLoop loop = new ReceiveLoop("test-rx-linger");
        try (DatagramChannel first = DatagramChannel.open().bind(LOOPBACK);
             DatagramChannel second = DatagramChannel.open().bind(LOOPBACK);
             DatagramChannel sender = DatagramChannel.open().bind(LOOPBACK)) {
            AtomicReference<Thread> firstThread = new AtomicReference<>();
            AtomicReference<Thread> secondThread = new AtomicReference<>();
            ReceiveLoop.Registration r1 = loop.register(first, threadOf(firstThread), false);
            sender.send(ByteBuffer.allocate(10), first.getLocalAddress());
            awaitSet(firstThread);
            r1.cancel();
            awaitNoRegistrations(loop);
            ReceiveLoop.Registration r2 = loop.register(second, threadOf(secondThread), false);
            sender.send(ByteBuffer.allocate(10), second.getLocalAddress());
            awaitSet(secondThread);
            assertTrue(firstThread.get() == secondThread.get(), "the lingering thread serves the next socket");
            r2.cancel();
            awaitNoRegistrations(loop);
            Thread t = secondThread.get();
            t.join(java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(ReceiveLoop.LINGER_NANOS) + 2_000);
            assertFalse(t.isAlive(), "the thread ends once the linger has passed");
        }
    }

    private static ReceiveLoop.Handler threadOf(AtomicReference<Thread> seen) {
        return new ReceiveLoop.Handler() {
            @Override
            public void onDatagram(ByteBuffer datagram, SocketAddress source, boolean truncated) {
                seen.set(Thread.currentThread());
            }

            @Override
            public void onFailure(Throwable cause) {}
        };
    }

    private static void awaitSet(AtomicReference<Thread> ref) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (ref.get() == null && System.nanoTime() < end) Thread.sleep(5);
        assertTrue(ref.get() != null, "a datagram arrived");
    }

    @Test
    void cancelReturnsAtOnceEvenFromTheLoopThreadAndClosesAnOwnedSocket() throws Exception {
        ReceiveLoop loop = new ReceiveLoop("test-rx-cancel");
        DatagramChannel owned = DatagramChannel.open().bind(LOOPBACK);
        try (DatagramChannel sender = DatagramChannel.open().bind(LOOPBACK)) {
            AtomicReference<ReceiveLoop.Registration> self = new AtomicReference<>();
            CountDownLatch cancelled = new CountDownLatch(1);
            self.set(loop.register(owned, new ReceiveLoop.Handler() {
                @Override
                public void onDatagram(ByteBuffer d, SocketAddress s, boolean t) {
                    self.get().cancel(); // a session ending on its own receive thread
                    cancelled.countDown();
                }

                @Override
                public void onFailure(Throwable cause) {
                }
            }, true));
            sender.send(ByteBuffer.allocate(10), owned.getLocalAddress());
            assertTrue(cancelled.await(5, TimeUnit.SECONDS));
            awaitNoRegistrations(loop);
            long end = System.nanoTime() + 5_000_000_000L;
            while (owned.isOpen() && System.nanoTime() < end) Thread.sleep(5);
            assertFalse(owned.isOpen(), "an owned socket is closed when its registration ends");
        }
    }

    @Test
    void aSocketErrorReachesItsHandler() throws Exception {
        ReceiveLoop loop = new ReceiveLoop("test-rx-icmp");
        try (DatagramChannel dead = DatagramChannel.open().bind(LOOPBACK);
             DatagramChannel ch = DatagramChannel.open().bind(LOOPBACK)) {
            SocketAddress gone = dead.getLocalAddress();
            dead.close(); // nothing listens there any more: the kernel answers with ICMP
            ch.connect(gone);
            Recorder r = new Recorder(null);
            loop.register(ch, r, false);
            ch.write(ByteBuffer.allocate(10));
            assertTrue(r.failed.await(5, TimeUnit.SECONDS), "the port-unreachable error was lost");
            assertTrue(r.failure.get() instanceof IOException, String.valueOf(r.failure.get()));
            awaitNoRegistrations(loop);
        }
    }

    private static void awaitCount(AtomicInteger n, int want) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (n.get() < want && System.nanoTime() < end) Thread.sleep(5);
        assertEquals(want, n.get());
    }

    private static void awaitNoRegistrations(ReceiveLoop loop) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (loop.registrations() > 0 && System.nanoTime() < end) Thread.sleep(5);
        assertEquals(0, loop.registrations());
    }
}
