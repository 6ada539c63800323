package io.kcp;

import static io.kcp.SessionTestKit.addressOf;
import static io.kcp.SessionTestKit.fast;
import static io.kcp.SessionTestKit.random;
import static io.kcp.SessionTestKit.readFully;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Sessions and listeners on loopback: data, blocking behaviour, timeouts, closing. */
@Timeout(60)
class SessionTest {

    @Test
    void echoesOneMessage() throws Exception {
        KcpConfig cfg = fast().build();
        try (KcpListener l = Kcp.listen(SessionTestKit.ANY_LOOPBACK, cfg);
             KcpSession c = Kcp.dial(addressOf(l), cfg)) {
            c.write(ByteBuffer.wrap("hello".getBytes()));
            KcpSession s = l.accept(Duration.ofSeconds(5));
            assertEquals(c.conv(), s.conv());
            assertEquals("hello", new String(readFully(s, 5)));
            s.write(ByteBuffer.wrap("world".getBytes()));
            assertEquals("world", new String(readFully(c, 5)));
        }
    }

    @Test
    void transfersMegabytesBothWaysWithEveryByteIntact() throws Exception {
        for (KcpConfig cfg : new KcpConfig[] {
                fast().build(),
                fast().crypt("aes-128", "k").fec(10, 3).build(),
                fast().crypt("salsa20", "k").streamMode(true).build()}) {
            int n = 3 << 20;
            byte[] data = random(n, 7);
            try (KcpListener l = Kcp.listen(SessionTestKit.ANY_LOOPBACK, cfg);
                 KcpSession c = Kcp.dial(addressOf(l), cfg)) {
                CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                    try {
                        for (int off = 0; off < n; off += 10_000) {
                            c.write(data, off, Math.min(10_000, n - off));
                        }
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                KcpSession s = l.accept(Duration.ofSeconds(5));
                byte[] got = readFully(s, n);
                writer.get(30, TimeUnit.SECONDS);
                assertArrayEquals(data, got, cfg.toString());
                // and back, through the stream views
                OutputStream out = s.outputStream();
                CompletableFuture<Void> back = CompletableFuture.runAsync(() -> {
                    try {
                        out.write(got);
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                InputStream in = c.inputStream();
                byte[] echo = in.readNBytes(n);
                back.get(30, TimeUnit.SECONDS);
                assertEquals(crc(data), crc(echo), cfg.toString());
                assertTrue(s.counters().get(SnmpCounter.BYTES_RECEIVED) >= n);
            }
        }
    }

    @Test
    void aMessageLargerThanTheReadBufferIsKeptForTheNextRead() throws Exception {
        KcpConfig cfg = fast().build();
        try (KcpListener l = Kcp.listen(SessionTestKit.ANY_LOOPBACK, cfg);
             KcpSession c = Kcp.dial(addressOf(l), cfg)) {
            byte[] msg = random(1000, 3);
            c.write(ByteBuffer.wrap(msg));
            KcpSession s = l.accept(Duration.ofSeconds(5));
            ByteBuffer small = ByteBuffer.allocate(300);
            ByteBuffer all = ByteBuffer.allocate(1000);
            while (all.hasRemaining()) {
                small.clear();
                int n = s.read(small);
                assertTrue(n > 0 && n <= 300);
                all.put(small.flip());
            }
            assertArrayEquals(msg, all.array());
        }
    }

    @Test
    void readTimesOutAndDeadlinesApply() throws Exception {
        KcpConfig cfg = fast().build();
        try (KcpListener l = Kcp.listen(SessionTestKit.ANY_LOOPBACK, cfg);
             KcpSession c = Kcp.dial(addressOf(l), cfg)) {
            c.setReadTimeout(Duration.ofMillis(150));
            long t0 = System.nanoTime();
            assertThrows(SocketTimeoutException.class, () -> c.read(ByteBuffer.allocate(10)));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 140 && ms < 3000, "waited " + ms + " ms");
            c.setReadTimeout(Duration.ZERO);
            c.setReadDeadline(java.time.Instant.now().plusMillis(100));
            assertThrows(SocketTimeoutException.class, () -> c.read(ByteBuffer.allocate(10)));
            assertThrows(SocketTimeoutException.class, () -> l.accept(Duration.ofMillis(50)));
        }
    }

    @Test
    void closeWakesABlockedReaderAndWriterAndLaterCallsFail() throws Exception {
        KcpConfig cfg = fast().windows(4, 4).build();
        ExecutorService pool = Executors.newCachedThreadPool();
        try (KcpListener l = Kcp.listen(SessionTestKit.ANY_LOOPBACK, cfg)) {
            KcpSession c = Kcp.dial(addressOf(l), cfg);
            Future<?> reader = pool.submit(() -> c.read(ByteBuffer.allocate(10)));
            // nobody reads on the other side and the window is 4: this write blocks
            byte[] big = new byte[1 << 20];
            Future<?> writer = pool.submit(() -> c.write(ByteBuffer.wrap(big)));
            Thread.sleep(300);
            assertFalse(reader.isDone());
            assertFalse(writer.isDone());
            c.close();
            Exception re = assertThrows(Exception.class, () -> reader.get(5, TimeUnit.SECONDS));
            Exception we = assertThrows(Exception.class, () -> writer.get(5, TimeUnit.SECONDS));
            assertTrue(re.getCause() instanceof AsynchronousCloseException, String.valueOf(re.getCause()));
            assertTrue(we.getCause() instanceof AsynchronousCloseException, String.valueOf(we.getCause()));
            assertThrows(ClosedChannelException.class, () -> c.write(ByteBuffer.wrap(new byte[1])));
            assertFalse(c.isOpen());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closingTheListenerEndsItsSessionsAndAcceptors() throws Exception {
        KcpConfig cfg = fast().build();
        KcpListener l = Kcp.listen(SessionTestKit.ANY_LOOPBACK, cfg);
        KcpSession c = Kcp.dial(addressOf(l), cfg);
        c.write(ByteBuffer.wrap(new byte[] {1}));
        KcpSession s = l.accept(Duration.ofSeconds(5));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> acceptor = pool.submit(() -> l.accept());
            Thread.sleep(100);
            l.close();
            Exception e = assertThrows(Exception.class, () -> acceptor.get(5, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof AsynchronousCloseException);
            assertFalse(s.isOpen());
            assertEquals(0, l.sessionCount());
        } finally {
            pool.shutdownNow();
            c.close();
        }
    }

    @Test
    void idleTimeoutEndsTheSessionWithItsOwnException() throws Exception {
        KcpConfig cfg = fast().idleTimeout(Duration.ofMillis(300)).build();
        try (KcpListener l = Kcp.listen(SessionTestKit.ANY_LOOPBACK, fast().build());
             KcpSession c = Kcp.dial(addressOf(l), cfg)) {
            c.write(ByteBuffer.wrap(new byte[] {1}));
            KcpSession s = l.accept(Duration.ofSeconds(5));
            s.close(); // the server goes quiet
            assertThrows(KcpIdleTimeoutException.class, () -> c.read(ByteBuffer.allocate(1)));
            assertFalse(c.isOpen());
        }
    }

    @Test
    void junkFromThePeersAddressDoesNotKeepAnIdleSessionAlive() throws Exception {
        KcpConfig cfg = fast().idleTimeout(Duration.ofMillis(400)).build();
        try (KcpListener l = Kcp.listen(SessionTestKit.ANY_LOOPBACK, cfg);
             java.nio.channels.DatagramChannel socket =
                     java.nio.channels.DatagramChannel.open().bind(SessionTestKit.ANY_LOOPBACK)) {
            KcpSession c = Kcp.newSession(socket, addressOf(l), fast().build());
            c.write(ByteBuffer.wrap(new byte[] {1}));
            KcpSession s = l.accept(Duration.ofSeconds(5));
            readFully(s, 1);
            c.close(); // the socket stays (non-blocking): from now on only junk comes from it
            ByteBuffer junk = ByteBuffer.allocate(30);
            long end = System.nanoTime() + 2_000_000_000L;
            while (s.isOpen() && System.nanoTime() < end) {
                // a foreign conv; sn 7, as sn 0 would (rightly) replace the session
                junk.clear().putInt(0, 12345).put(4, (byte) 81).putInt(12, 7);
                socket.send(junk, addressOf(l));
                Thread.sleep(20);
            }
            assertFalse(s.isOpen(), "junk kept the session alive past its idle timeout");
            assertThrows(KcpIdleTimeoutException.class, () -> s.read(ByteBuffer.allocate(1)));
        }
    }

    @Test
    void aWriterWithAPendingInterruptLeavesTheSocketOpen() throws Exception {
        KcpConfig cfg = fast().build();
        try (KcpListener l = Kcp.listen(SessionTestKit.ANY_LOOPBACK, cfg);
             KcpSession c = Kcp.dial(addressOf(l), cfg)) {
            Thread.currentThread().interrupt();
            c.write(ByteBuffer.wrap("one".getBytes())); // the window has room: no wait
            assertTrue(Thread.interrupted(), "the interrupt must be kept for the caller");
            KcpSession s = l.accept(Duration.ofSeconds(5));
            assertEquals("one", new String(readFully(s, 3)));
            Thread.currentThread().interrupt();
            s.write(ByteBuffer.wrap("two".getBytes())); // on the listener's own socket
            assertTrue(Thread.interrupted());
            assertEquals("two", new String(readFully(c, 3)));
            assertTrue(c.isOpen() && s.isOpen() && l.isOpen());
        }
    }

    @Test
    void deadLinkEndsTheSession() throws Exception {
        KcpConfig cfg = fast().noDelay(1, 10, 2, 1).build();
        // a listener that is closed at once: nobody acknowledges anything
        KcpListener l = Kcp.listen(SessionTestKit.ANY_LOOPBACK, cfg);
        java.net.InetSocketAddress where = addressOf(l);
        l.close();
        try (KcpSession c = Kcp.dial(where, cfg)) {
            c.write(ByteBuffer.wrap(new byte[] {1}));
            assertThrows(KcpDeadLinkException.class, () -> {
                c.setReadTimeout(Duration.ofSeconds(40));
                c.read(ByteBuffer.allocate(1));
            });
        }
    }

    @Test
    void worksFromVirtualThreadsWhereTheJdkHasThem() throws Exception {
        KcpConfig cfg = fast().build();
        ExecutorService pool = Executors.newCachedThreadPool(SessionTestKit.virtualOrPlatform());
        try (KcpListener l = Kcp.listen(SessionTestKit.ANY_LOOPBACK, cfg)) {
            int clients = 8;
            java.util.List<Future<Boolean>> results = new java.util.ArrayList<>();
            Future<?> server = pool.submit(() -> {
                for (int i = 0; i < clients; i++) {
                    KcpSession s = l.accept(Duration.ofSeconds(10));
                    pool.submit(() -> {
                        byte[] b = readFully(s, 50_000);
                        s.write(ByteBuffer.wrap(b));
                        return null;
                    });
                }
                return null;
            });
            for (int i = 0; i < clients; i++) {
                final int seed = i;
                results.add(pool.submit(() -> {
                    try (KcpSession c = Kcp.dial(addressOf(l), cfg)) {
                        byte[] data = random(50_000, seed);
                        c.write(ByteBuffer.wrap(data));
                        return java.util.Arrays.equals(data, readFully(c, data.length));
                    }
                }));
            }
            for (Future<Boolean> r : results) assertTrue(r.get(30, TimeUnit.SECONDS));
            server.get(10, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void noThreadIsLeftAfterEverythingCloses() throws Exception {
        KcpConfig cfg = fast().build();
        try (KcpListener l = Kcp.listen(SessionTestKit.ANY_LOOPBACK, cfg);
             KcpSession c = Kcp.dial(addressOf(l), cfg)) {
            c.write(ByteBuffer.wrap(new byte[] {1}));
            l.accept(Duration.ofSeconds(5));
            assertFalse(SessionTestKit.threadsMatching(SessionTestKit.LIBRARY_THREADS).isEmpty());
        }
        assertEquals(java.util.List.of(), SessionTestKit.awaitNoLibraryThreads(2000));
    }

    @Test
    void invalidSettingsAreRejectedWithTheirRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KcpConfig.builder().mtu(9000));
        assertTrue(e.getMessage().contains("[50, 1500]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> KcpConfig.builder().fec(200, 100));
        assertTrue(e.getMessage().contains("data + parity <= 256"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> KcpConfig.builder().fec(-1, 3));
        assertTrue(e.getMessage().contains(">= 0"), e.getMessage());
        // kcptun's rule: a zero in either count means FEC off
        assertFalse(KcpConfig.builder().fec(10, 0).build().fecEnabled());
        assertEquals(0, KcpConfig.builder().fec(0, 3).build().parityShards());
        e = assertThrows(IllegalArgumentException.class, () -> KcpConfig.builder().crypt("rot13", "k"));
        assertTrue(e.getMessage().contains("aes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> KcpConfig.builder().windows(0, 10));
        assertTrue(e.getMessage().contains("sndwnd"), e.getMessage());
    }

    private static long crc(byte[] b) {
        CRC32 c = new CRC32();
        c.update(b);
        return c.getValue();
    }
}
