package io.kcp.mux;

import static io.kcp.mux.MuxTestKit.crc;
import static io.kcp.mux.MuxTestKit.drain;
import static io.kcp.mux.MuxTestKit.eventually;
import static io.kcp.mux.MuxTestKit.pair;
import static io.kcp.mux.MuxTestKit.quiet;
import static io.kcp.mux.MuxTestKit.random;
import static io.kcp.mux.MuxTestKit.readFully;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Two kcp-java sessions over a pipe: the API and the protocol between our own ends. */
@Tag("kernel-independent")
@Timeout(60)
class MuxSessionTest {

    @ParameterizedTest(name = "version {0}")
    @ValueSource(ints = {1, 2})
    void streamsCarryBytesBothWaysWithSmuxIds(int version) throws Exception {
        try (MuxTestKit.Pair p = pair(quiet(version).build())) {
            MuxStream c1 = p.client().openStream();
            MuxStream c2 = p.client().openStream();
            assertEquals(3, c1.id(), "smux clients start at 3");
            assertEquals(5, c2.id());
            MuxStream s1 = p.server().acceptStream(Duration.ofSeconds(5));
            MuxStream s2 = p.server().acceptStream(Duration.ofSeconds(5));
            assertEquals(3, s1.id());
            assertEquals(5, s2.id());
            MuxStream fromServer = p.server().openStream();
            assertEquals(2, fromServer.id(), "smux servers start at 2");
            assertEquals(2, p.client().acceptStream(Duration.ofSeconds(5)).id());

            byte[] a = random(300_000, 1);
            byte[] b = random(200_000, 2);
            CompletableFuture<Throwable> w = failureOf(() -> {
                c1.write(ByteBuffer.wrap(a));
                s2.write(ByteBuffer.wrap(b));
                return null;
            });
            assertArrayEquals(a, readFully(s1, a.length));
            assertArrayEquals(b, readFully(c2, b.length));
            assertEquals(null, w.get(10, TimeUnit.SECONDS));
            MuxStats stats = p.client().stats();
            assertEquals(a.length, stats.bytesSent());
            assertEquals(b.length, stats.bytesReceived());
            assertEquals(0, stats.droppedBytes());
        }
    }

    @ParameterizedTest(name = "version {0}")
    @ValueSource(ints = {1, 2})
    void halfCloseLetsThePeerAnswerAfterEndOfStream(int version) throws Exception {
        try (MuxTestKit.Pair p = pair(quiet(version).build())) {
            MuxStream c = p.client().openStream();
            c.write(ByteBuffer.wrap("request".getBytes()));
            c.shutdownOutput();
            assertThrows(ClosedChannelException.class, () -> c.write(ByteBuffer.wrap(new byte[1])));
            MuxStream s = p.server().acceptStream(Duration.ofSeconds(5));
            assertArrayEquals("request".getBytes(), readFully(s, 7));
            assertEquals(-1, s.read(ByteBuffer.allocate(10)), "FIN reads as end of stream");
            // the answer is bigger than any window: the half-closed side keeps announcing
            byte[] answer = random(1_500_000, 3);
            CompletableFuture<Throwable> w = failureOf(() -> {
                s.write(ByteBuffer.wrap(answer));
                s.close();
                return null;
            });
            long[] got = drain(c);
            assertEquals(answer.length, got[1]);
            assertEquals(crc(answer), got[0]);
            assertEquals(null, w.get(10, TimeUnit.SECONDS));
            c.close();
            assertTrue(eventually(Duration.ofSeconds(5), () -> p.client().streamCount() == 0
                    && p.server().streamCount() == 0), "closed streams are forgotten on both ends");
        }
    }

    @ParameterizedTest(name = "version {0}")
    @ValueSource(ints = {1, 2})
    void closeStillSendsWhatWasWrittenThenEndOfStream(int version) throws Exception {
        try (MuxTestKit.Pair p = pair(quiet(version).build())) {
            MuxStream c = p.client().openStream();
            byte[] data = random(100_000, 4);
            c.write(ByteBuffer.wrap(data));
            c.close();
            assertFalse(c.isOpen());
            assertThrows(ClosedChannelException.class, () -> c.read(ByteBuffer.allocate(1)));
            MuxStream s = p.server().acceptStream(Duration.ofSeconds(5));
            long[] got = drain(s);
            assertEquals(crc(data), got[0]);
            assertEquals(data.length, got[1]);
        }
    }

    @Test
    void readTimeoutsAndDeadlinesApplyWhileWaiting() throws Exception {
        try (MuxTestKit.Pair p = pair(quiet(2).build())) {
            MuxStream c = p.client().openStream();
            c.setReadTimeout(Duration.ofMillis(100));
            long t0 = System.nanoTime();
            assertThrows(SocketTimeoutException.class, () -> c.read(ByteBuffer.allocate(1)));
            assertTrue(System.nanoTime() - t0 >= 90_000_000L);
            c.setReadTimeout(Duration.ZERO);
            // a deadline in the past, set while a read waits, fails it at once
            CompletableFuture<Throwable> reading = failureOf(() -> c.read(ByteBuffer.allocate(1)));
            Thread.sleep(100);
            assertFalse(reading.isDone());
            c.setReadDeadline(Instant.now().minusSeconds(1));
            assertTrue(reading.get(5, TimeUnit.SECONDS) instanceof SocketTimeoutException);
            c.setReadDeadline(null);
            // the stream still works after timeouts
            MuxStream s = p.server().acceptStream(Duration.ofSeconds(5));
            s.write(ByteBuffer.wrap(new byte[] {42}));
            assertEquals(42, readFully(c, 1)[0]);
        }
    }

    @Test
    void writeTimeoutWhenThePeerDoesNotRead() throws Exception {
        try (MuxTestKit.Pair p = pair(quiet(2).maxStreamBuffer(65536).build())) {
            MuxStream c = p.client().openStream();
            c.setWriteTimeout(Duration.ofMillis(300));
            ByteBuffer big = ByteBuffer.wrap(new byte[4 << 20]);
            assertThrows(SocketTimeoutException.class, () -> c.write(big));
            // the window (256 KiB before any update) plus the send buffer went in, no more
            assertTrue(big.position() >= 262144 && big.position() <= 262144 + 65536 + 32768,
                    "queued " + big.position());
        }
    }

    @Test
    void acceptTimesOutAndCloseWakesEveryone() throws Exception {
        try (MuxTestKit.Pair p = pair(quiet(1).build())) {
            assertThrows(SocketTimeoutException.class, () -> p.server().acceptStream(Duration.ofMillis(50)));
            MuxStream c = p.client().openStream();
            CompletableFuture<Throwable> reading = failureOf(() -> c.read(ByteBuffer.allocate(1)));
            CompletableFuture<Throwable> accepting = failureOf(() -> p.client().acceptStream());
            Thread.sleep(100);
            p.client().close();
            assertTrue(reading.get(5, TimeUnit.SECONDS) instanceof AsynchronousCloseException);
            assertTrue(accepting.get(5, TimeUnit.SECONDS) instanceof AsynchronousCloseException);
            assertThrows(ClosedChannelException.class, () -> p.client().openStream());
            // the server sees the connection end, and says so
            assertTrue(eventually(Duration.ofSeconds(5), () -> !p.server().isOpen()));
            assertTrue(p.server().endCause().getMessage().contains("peer closed the connection"),
                    String.valueOf(p.server().endCause()));
        }
    }

    @Test
    void streamCloseWakesItsBlockedReader() throws Exception {
        try (MuxTestKit.Pair p = pair(quiet(1).build())) {
            MuxStream c = p.client().openStream();
            CompletableFuture<Throwable> reading = failureOf(() -> c.read(ByteBuffer.allocate(1)));
            Thread.sleep(50);
            c.close();
            assertTrue(reading.get(5, TimeUnit.SECONDS) instanceof AsynchronousCloseException);
        }
    }

    @Test
    void bytesThatArrivedAreReadBeforeTheSessionsEnd() throws Exception {
        ChannelPair cp = ChannelPair.open();
        MuxSession server = MuxSession.server(cp.b, quiet(1).build());
        try (RawPeer peer = new RawPeer(cp.a, 1)) {
            peer.send(Frames.SYN, 3);
            peer.send(Frames.PSH, 3, "last words".getBytes());
            MuxStream s = server.acceptStream(Duration.ofSeconds(5));
            assertTrue(eventually(Duration.ofSeconds(5), () -> server.stats().bufferedBytes() == 10));
            peer.close();
            assertTrue(eventually(Duration.ofSeconds(5), () -> !server.isOpen()));
            assertArrayEquals("last words".getBytes(), readFully(s, 10));
            IOException e = assertThrows(IOException.class, () -> s.read(ByteBuffer.allocate(1)));
            assertTrue(e.getMessage().contains("peer closed the connection"), e.getMessage());
        } finally {
            server.close();
        }
    }

    @Test
    void inputAndOutputStreamViews() throws Exception {
        try (MuxTestKit.Pair p = pair(quiet(2).build())) {
            MuxStream c = p.client().openStream();
            OutputStream out = c.outputStream();
            out.write(7);
            out.write(new byte[] {1, 2, 3}, 1, 2);
            c.shutdownOutput();
            InputStream in = p.server().acceptStream(Duration.ofSeconds(5)).inputStream();
            assertEquals(7, in.read());
            byte[] b = new byte[5];
            assertEquals(2, in.read(b, 0, 5));
            assertEquals(2, b[0]);
            assertEquals(3, b[1]);
            assertEquals(-1, in.read());
        }
    }

    @Test
    void keepaliveSendsNopsAndEndsASilentSession() throws Exception {
        ChannelPair cp = ChannelPair.open();
        MuxSession client = MuxSession.client(cp.a, MuxConfig.builder()
                .keepAlive(Duration.ofMillis(50), Duration.ofMillis(400)).build());
        try (RawPeer silent = new RawPeer(cp.b, 1)) {
            assertTrue(eventually(Duration.ofSeconds(5), () -> !client.isOpen()),
                    "a session that hears nothing ends after the keepalive timeout");
            assertTrue(client.endCause() instanceof MuxKeepaliveTimeoutException, String.valueOf(client.endCause()));
            IOException e = assertThrows(IOException.class, client::openStream);
            assertTrue(e instanceof MuxKeepaliveTimeoutException, e.toString());
            long nops = silent.drain().stream().filter(f -> f.cmd() == Frames.NOP && f.sid() == 0).count();
            assertTrue(nops >= 3, "NOPs every 50 ms: " + nops);
        }
    }

    @Test
    void keepaliveKeepsATalkingSessionAlive() throws Exception {
        MuxConfig cfg = MuxConfig.builder().keepAlive(Duration.ofMillis(50), Duration.ofMillis(300)).build();
        try (MuxTestKit.Pair p = pair(cfg)) {
            Thread.sleep(1200);
            assertTrue(p.client().isOpen() && p.server().isOpen(), "each side's NOPs keep the other alive");
        }
    }

    @Test
    void manyStreamsFromVirtualOrPlatformThreads() throws Exception {
        ExecutorService pool = virtualOrCached();
        try (MuxTestKit.Pair p = pair(quiet(2).build())) {
            int n = 200;
            List<Future<long[]>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int seed = i;
                results.add(pool.submit(() -> {
                    MuxStream c = p.client().openStream();
                    byte[] data = random(20_000 + seed * 100, seed);
                    c.write(ByteBuffer.wrap(data));
                    c.shutdownOutput();
                    long[] echoed = drain(c);
                    c.close();
                    return new long[] {crc(data), data.length, echoed[0], echoed[1]};
                }));
            }
            for (int i = 0; i < n; i++) {
                MuxStream s = p.server().acceptStream(Duration.ofSeconds(10));
                pool.submit(() -> {
                    byte[] buf = new byte[8192];
                    InputStream in = s.inputStream();
                    for (int k; (k = in.read(buf)) > 0; ) s.write(ByteBuffer.wrap(buf, 0, k));
                    s.close();
                    return null;
                });
            }
            for (Future<long[]> f : results) {
                long[] r = f.get(30, TimeUnit.SECONDS);
                assertEquals(r[0], r[2]);
                assertEquals(r[1], r[3]);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static ExecutorService virtualOrCached() {
        try {
            return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        } catch (ReflectiveOperationException e) {
            return Executors.newCachedThreadPool();
        }
    }

    interface Call {
        Object run() throws Exception;
    }

    /** Runs {@code c} on a thread of its own; completes with what it threw, or null. */
    static CompletableFuture<Throwable> failureOf(Call c) {
        CompletableFuture<Throwable> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                c.run();
                f.complete(null);
            } catch (Throwable e) {
                f.complete(e);
            }
        }, "mux-test-call");
        t.setDaemon(true);
        t.start();
        return f;
    }
}
