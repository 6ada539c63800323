package io.kcp;

import static io.kcp.SessionTestKit.ANY_LOOPBACK;
import static io.kcp.SessionTestKit.addressOf;
import static io.kcp.SessionTestKit.fast;
import static io.kcp.SessionTestKit.random;
import static io.kcp.SessionTestKit.readFully;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A failure on a transport thread ends exactly what it affects, visibly, and never stops the
 * threads that serve everything else: a session that dies while its peer is still sending, an
 * Error in one session's input or flush, a listener whose socket fails.
 */
@Timeout(120)
class SessionFailureTest {

    private static final int TRANSFER = 8 << 20;
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    /** Uploads {@code TRANSFER} bytes from {@code client} to {@code server}; true if intact. */
    private Future<Boolean> upload(KcpSession client, KcpSession server, long seed) {
        byte[] data = random(TRANSFER, seed);
        pool.submit(() -> {
            client.write(ByteBuffer.wrap(data));
            return null;
        });
        return pool.submit(() -> java.util.Arrays.equals(data, readFully(server, TRANSFER)));
    }

    @Test
    void dialedSessionsThatDieWhilePacketsArriveFreezeNothing() throws Exception {
        KcpConfig cfg = fast().build();
        int doomedCount = 16;
        AtomicBoolean blasting = new AtomicBoolean(true);
        List<DatagramChannel> peers = new ArrayList<>();
        List<KcpSession> doomed = new ArrayList<>();
        try (KcpListener l = Kcp.listen(ANY_LOOPBACK, cfg);
             KcpSession healthy = Kcp.dial(addressOf(l), cfg)) {
            healthy.write(ByteBuffer.wrap(new byte[] {1}));
            KcpSession healthyServer = l.accept(Duration.ofSeconds(5));
            readFully(healthyServer, 1);

            // Sessions whose "peer" only ever sends them packets of another conv: they time out
            // while their receive thread keeps handing them datagrams, so the scheduler ends
            // them while a receive thread wants their lock.
            List<SocketAddress> targets = new ArrayList<>();
            KcpConfig shortIdle = fast().idleTimeout(Duration.ofMillis(300)).build();
            for (int i = 0; i < doomedCount; i++) {
                DatagramChannel peer = DatagramChannel.open().bind(ANY_LOOPBACK);
                peers.add(peer);
                KcpSession d = Kcp.dial((InetSocketAddress) peer.getLocalAddress(), shortIdle);
                doomed.add(d);
                d.write(ByteBuffer.wrap(new byte[] {1}));
                targets.add(peer.receive(ByteBuffer.allocate(1500)));
            }
            Future<?> blaster = pool.submit(() -> {
                ByteBuffer junk = ByteBuffer.allocate(24);
                while (blasting.get()) {
                    for (int i = 0; i < doomedCount; i++) {
                        junk.clear().putInt(0, doomed.get(i).conv() + 1).put(4, (byte) 82);
                        peers.get(i).send(junk, targets.get(i));
                    }
                }
                return null;
            });

            Future<Boolean> transfer = upload(healthy, healthyServer, 1);
            for (KcpSession d : doomed) {
                Future<Integer> read = pool.submit(() -> d.read(ByteBuffer.allocate(1)));
                Exception e = assertThrows(Exception.class, () -> read.get(10, TimeUnit.SECONDS));
                assertTrue(e.getCause() instanceof KcpIdleTimeoutException, String.valueOf(e));
                Future<Boolean> open = pool.submit(d::isOpen);
                assertFalse(open.get(2, TimeUnit.SECONDS), "isOpen() of an ended session hung");
            }
            assertTrue(transfer.get(60, TimeUnit.SECONDS), "the healthy transfer came back altered");
            blasting.set(false);
            blaster.get(5, TimeUnit.SECONDS);
        } finally {
            blasting.set(false);
            for (KcpSession d : doomed) d.close();
            for (DatagramChannel p : peers) p.close();
        }
    }

    @Test
    void anErrorInOneSessionsInputFailsThatSessionOnlyWithTheCauseVisible() throws Exception {
        KcpConfig cfg = fast().build();
        List<FaultyArq> arqs = new CopyOnWriteArrayList<>();
        DatagramChannel ch = DatagramChannel.open().bind(ANY_LOOPBACK);
        try (KcpListener l = new KcpListener(ch, true, cfg, conv -> {
                 FaultyArq a = new FaultyArq(cfg.kernel().newArq(conv));
                 arqs.add(a);
                 return a;
             });
             KcpSession one = Kcp.dial(addressOf(l), cfg);
             KcpSession two = Kcp.dial(addressOf(l), cfg)) {
            one.write(ByteBuffer.wrap(new byte[] {1}));
            KcpSession oneServer = l.accept(Duration.ofSeconds(5));
            two.write(ByteBuffer.wrap(new byte[] {2}));
            KcpSession twoServer = l.accept(Duration.ofSeconds(5));
            readFully(oneServer, 1);
            readFully(twoServer, 1);
            FaultyArq broken = arqs.get(1);
            OutOfMemoryError injected = new OutOfMemoryError("injected: native ARQ allocation");
            Future<?> reader = pool.submit(() -> twoServer.read(ByteBuffer.allocate(10)));
            Thread.sleep(50);
            broken.onInput = () -> injected;

            Future<Boolean> transfer = upload(one, oneServer, 2);
            two.write(ByteBuffer.wrap(new byte[] {3}));
            Exception e = assertThrows(Exception.class, () -> reader.get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof IOException, String.valueOf(e.getCause()));
            assertSame(injected, e.getCause().getCause(), "the reader must see the cause");
            assertFalse(twoServer.isOpen());
            assertTrue(transfer.get(60, TimeUnit.SECONDS), "the other session's transfer failed");
            // the listener goes on: a new peer still gets in
            try (KcpSession three = Kcp.dial(addressOf(l), cfg)) {
                three.write(ByteBuffer.wrap(new byte[] {4}));
                assertEquals(4, readFully(l.accept(Duration.ofSeconds(5)), 1)[0]);
            }
        }
    }

    @Test
    void anErrorInAFlushFailsThatSessionWithTheCauseVisibleAndTimersGoOn() throws Exception {
        KcpConfig cfg = fast().build();
        AtomicInteger made = new AtomicInteger();
        FaultyArq[] faulty = new FaultyArq[1];
        try (KcpListener l = Kcp.listen(ANY_LOOPBACK, cfg);
             KcpSession healthy = Kcp.dial(addressOf(l), cfg);
             KcpSession victim = Kcp.dial(addressOf(l), cfg, 77, conv -> {
                 made.incrementAndGet();
                 return faulty[0] = new FaultyArq(cfg.kernel().newArq(conv));
             })) {
            healthy.write(ByteBuffer.wrap(new byte[] {1}));
            KcpSession healthyServer = l.accept(Duration.ofSeconds(5));
            readFully(healthyServer, 1);
            Future<?> reader = pool.submit(() -> victim.read(ByteBuffer.allocate(10)));
            Thread.sleep(50);
            InternalError injected = new InternalError("injected: a bug in flush");
            faulty[0].onFlush = () -> injected;
            // An idle session's timer waits for activity: a delayed write (which the write
            // itself does not flush) hands the flush to the scheduler thread.
            victim.setWriteDelay(true);
            victim.write(ByteBuffer.wrap(new byte[] {2}));

            Exception e = assertThrows(Exception.class, () -> reader.get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof IOException, String.valueOf(e.getCause()));
            assertSame(injected, e.getCause().getCause());
            IOException later = assertThrows(IOException.class,
                    () -> victim.write(ByteBuffer.wrap(new byte[1])));
            assertSame(injected, later.getCause(), "later calls must say why too");
            // the scheduler still serves the other session: retransmissions, ACKs, all of it
            assertTrue(upload(healthy, healthyServer, 3).get(60, TimeUnit.SECONDS));
            assertEquals(1, made.get());
        }
    }

    @Test
    void aListenerWhoseSocketFailsFailsAcceptAndItsSessionsWithTheCause() throws Exception {
        KcpConfig cfg = fast().build();
        try (DatagramChannel gone = DatagramChannel.open().bind(ANY_LOOPBACK);
             DatagramChannel ch = DatagramChannel.open().bind(ANY_LOOPBACK)) {
            SocketAddress nobody = gone.getLocalAddress();
            gone.close();
            KcpListener l = Kcp.serve(ch, cfg);
            Future<KcpSession> acceptor = pool.submit(() -> l.accept());
            Thread.sleep(100);
            ch.connect(nobody);
            ch.write(ByteBuffer.allocate(8)); // the ICMP answer fails the next receive
            Exception e = assertThrows(Exception.class, () -> acceptor.get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof IOException, String.valueOf(e.getCause()));
            assertTrue(e.getCause().getCause() instanceof PortUnreachableException,
                    String.valueOf(e.getCause().getCause()));
            assertFalse(l.isOpen());
            IOException later = assertThrows(IOException.class, l::accept);
            assertTrue(later.getCause() instanceof PortUnreachableException);
        }
    }
}
