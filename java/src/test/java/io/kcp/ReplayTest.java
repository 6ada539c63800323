package io.kcp;

import static io.kcp.SessionTestKit.ANY_LOOPBACK;
import static io.kcp.SessionTestKit.addressOf;
import static io.kcp.SessionTestKit.fast;
import static io.kcp.SessionTestKit.random;
import static io.kcp.SessionTestKit.readFully;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Replayed datagrams (captured, then resent by someone without the key) cannot end a live
 * session, cannot crowd real clients out of the backlog, and a client that really restarts
 * behind the same address still gets a new session within about a second.
 */
@Timeout(120)
class ReplayTest {

    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    /** A first datagram (PUSH, sn 0) of some other client, as an eavesdropper captured it. */
    private static byte[] captureFirstDatagram(KcpListener l, KcpConfig cfg) throws Exception {
        try (UdpTap tap = new UdpTap(addressOf(l));
             KcpSession other = Kcp.dial(tap.address(), cfg)) {
            other.write(ByteBuffer.wrap("another client".getBytes()));
            KcpSession s = l.accept(Duration.ofSeconds(5));
            readFully(s, 14);
            s.close();
            return tap.upstream(0);
        }
    }

    @Test
    void aReplayedFirstDatagramFromALiveSessionsAddressDoesNotEndIt() throws Exception {
        KcpConfig cfg = fast().crypt("aes", "secret").build();
        int size = 16 << 20;
        byte[] data = random(size, 11);
        AtomicBoolean replaying = new AtomicBoolean(true);
        try (KcpListener l = Kcp.listen(ANY_LOOPBACK, cfg)) {
            byte[] captured = captureFirstDatagram(l, cfg);
            try (UdpTap tap = new UdpTap(addressOf(l));
                 KcpSession victim = Kcp.dial(tap.address(), cfg)) {
                victim.write(ByteBuffer.wrap(new byte[] {1}));
                KcpSession server = l.accept(Duration.ofSeconds(5));
                readFully(server, 1);
                Future<byte[]> received = pool.submit(() -> readFully(server, size));
                Future<?> attack = pool.submit(() -> {
                    while (replaying.get()) {
                        tap.inject(captured); // spoofed from the victim's address
                        Thread.sleep(2);
                    }
                    return null;
                });
                victim.write(ByteBuffer.wrap(data));
                assertArrayEquals(data, received.get(60, TimeUnit.SECONDS));
                replaying.set(false);
                attack.get(5, TimeUnit.SECONDS);
                assertTrue(server.isOpen(), "the live session was ended by a replay");
                assertTrue(l.refusedReplacements() > 0, "the replays never reached the rule");
                assertEquals(1, l.sessionCount());
            }
        } finally {
            replaying.set(false);
        }
    }

    @Test
    void aClientThatRestartsMidTransferBehindTheSameAddressGetsInWithinAboutASecond()
            throws Exception {
        KcpConfig cfg = fast().build();
        try (KcpListener l = Kcp.listen(ANY_LOOPBACK, cfg);
             DatagramChannel socket = DatagramChannel.open().bind(ANY_LOOPBACK)) {
            KcpSession before = Kcp.newSession(socket, addressOf(l), cfg);
            before.write(ByteBuffer.wrap(new byte[] {1}));
            KcpSession oldServer = l.accept(Duration.ofSeconds(5));
            readFully(oldServer, 1);
            Future<?> reader = pool.submit(() -> {
                ByteBuffer sink = ByteBuffer.allocate(64 << 10);
                while (true) oldServer.read(sink.clear());
            });
            before.setWriteTimeout(Duration.ofMillis(300));
            try {
                before.write(ByteBuffer.wrap(new byte[4 << 20])); // busy until the "crash"
            } catch (SocketTimeoutException expected) {
                // the window filled: it was still sending when it died
            }
            before.close(); // the process dies: no more input reaches the old session

            long t0 = System.nanoTime();
            KcpSession after = Kcp.newSession(socket, addressOf(l), cfg);
            after.write(ByteBuffer.wrap("again".getBytes()));
            KcpSession newServer = l.accept(Duration.ofSeconds(5));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(after.conv(), newServer.conv());
            assertEquals("again", new String(readFully(newServer, 5)));
            System.out.println("restart behind the same address: new session after " + ms + " ms");
            assertTrue(ms < 2500, "the restarted client waited " + ms + " ms");
            assertFalse(oldServer.isOpen(), "the replaced session must end");
            reader.cancel(true);
            after.close();
        }
    }

    @Test
    void replaysFromNewAddressesNeverCrowdOutARealClient() throws Exception {
        KcpConfig cfg = fast().backlog(8).build();
        List<DatagramChannel> spoofed = new ArrayList<>();
        AtomicBoolean flooding = new AtomicBoolean(true);
        try (KcpListener l = Kcp.listen(ANY_LOOPBACK, cfg)) {
            byte[] first = captureFirstDatagram(l, cfg);
            for (int i = 0; i < 64; i++) spoofed.add(DatagramChannel.open().bind(ANY_LOOPBACK));
            Future<?> flood = pool.submit(() -> {
                while (flooding.get()) {
                    for (DatagramChannel ch : spoofed) ch.send(ByteBuffer.wrap(first), addressOf(l));
                    Thread.sleep(5);
                }
                return null;
            });
            long end = System.nanoTime() + 5_000_000_000L;
            while (l.sessionCount() < 8 && System.nanoTime() < end) Thread.sleep(5);
            assertTrue(l.sessionCount() <= 8, "the backlog was exceeded: " + l.sessionCount());

            byte[] hello = random(1000, 5); // one datagram: it needs its retransmission to get in
            KcpSession real = Kcp.dial(addressOf(l), cfg);
            real.write(ByteBuffer.wrap(hello));
            KcpSession found = null;
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (found == null && System.nanoTime() < deadline) {
                long confirmedAt = System.nanoTime() + 3_000_000_000L;
                // let the flood churn the backlog before the application starts accepting
                while (System.nanoTime() < confirmedAt && l.reapedSessions() == 0) Thread.sleep(10);
                KcpSession s = l.accept(Duration.ofSeconds(5));
                if (s.conv() == real.conv()) found = s; else s.close();
            }
            assertTrue(found != null, "the real client never got in");
            assertArrayEquals(hello, readFully(found, hello.length));
            assertTrue(l.reapedSessions() > 0, "replayed sessions never gave way");
            assertTrue(l.sessionCount() <= 8 + 1, "sessions: " + l.sessionCount());
            flooding.set(false);
            flood.get(5, TimeUnit.SECONDS);
            real.close();
        } finally {
            flooding.set(false);
            for (DatagramChannel ch : spoofed) ch.close();
        }
    }

    @Test
    void aDatagramFromTheMiddleOfAConversationOpensNoSession() throws Exception {
        KcpConfig cfg = fast().build();
        try (KcpListener l = Kcp.listen(ANY_LOOPBACK, cfg);
             UdpTap tap = new UdpTap(addressOf(l));
             KcpSession c = Kcp.dial(tap.address(), cfg);
             DatagramChannel stranger = DatagramChannel.open().bind(ANY_LOOPBACK)) {
            byte[] big = random(64 << 10, 3);
            c.write(ByteBuffer.wrap(big));
            KcpSession s = l.accept(Duration.ofSeconds(5));
            assertTrue(Arrays.equals(big, readFully(s, big.length)));
            byte[] middle = tap.upstream(10); // a later PUSH (or an ACK), not a first datagram
            for (int i = 0; i < 20; i++) stranger.send(ByteBuffer.wrap(middle), addressOf(l));
            long end = System.nanoTime() + 2_000_000_000L;
            while (l.unopenedDatagrams() < 20 && System.nanoTime() < end) Thread.sleep(5);
            assertEquals(20, l.unopenedDatagrams());
            assertEquals(1, l.sessionCount());
        }
    }

    @Test
    void sessionsOnProbationThatNobodyAcceptsAreReaped() throws Exception {
        KcpConfig cfg = fast().backlog(4).build();
        List<DatagramChannel> spoofed = new ArrayList<>();
        try (KcpListener l = Kcp.listen(ANY_LOOPBACK, cfg)) {
            byte[] first = captureFirstDatagram(l, cfg);
            for (int i = 0; i < 4; i++) {
                DatagramChannel ch = DatagramChannel.open().bind(ANY_LOOPBACK);
                spoofed.add(ch);
                ch.send(ByteBuffer.wrap(first), addressOf(l));
                long end = System.nanoTime() + 2_000_000_000L;
                while (l.sessionCount() < i + 1 && System.nanoTime() < end) Thread.sleep(5);
            }
            assertEquals(4, l.sessionCount());
            // the first two came while the backlog had room: ordinary sessions, kept until
            // accepted or idle; the last two came under pressure and are reaped
            long end = System.nanoTime() + KcpListener.UNCONFIRMED_TTL.toNanos() + 3_000_000_000L;
            while (l.sessionCount() > 2 && System.nanoTime() < end) Thread.sleep(20);
            assertEquals(2, l.sessionCount());
            assertEquals(2, l.reapedSessions());
            for (int i = 0; i < 2; i++) {
                KcpSession s = l.accept(Duration.ofSeconds(1));
                assertEquals(14, readFully(s, 14).length);
            }
            assertThrows(SocketTimeoutException.class, () -> l.accept(Duration.ofMillis(100)));
        } finally {
            for (DatagramChannel ch : spoofed) ch.close();
        }
    }
}
