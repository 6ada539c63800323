package io.kcp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kcp.Kcp;
import io.kcp.KcpConfig;
import io.kcp.KcpListener;
import io.kcp.KcpMode;
import io.kcp.KcpSession;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Java server and client of the request protocol against each other and against fakes. */
@Timeout(60)
class PeerTest {

    static final java.io.PrintStream QUIET = new java.io.PrintStream(java.io.OutputStream.nullOutputStream());
    static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    static KcpConfig.Builder config() {
        return KcpConfig.builder().crypt("aes-128", "k").fec(10, 3).mode(KcpMode.FAST3)
                .windows(512, 512).mtu(1400);
    }

    static PeerClient.Request request(InetSocketAddress to, KcpConfig cfg, Op op, long bytes) {
        return new PeerClient.Request(to, cfg, op, bytes, 32 << 10, 50, 7, Duration.ofSeconds(30));
    }

    static int payloadCrc(long seed, int n) {
        byte[] b = new byte[n];
        new Payload(seed).fill(b, 0, n);
        CRC32 crc = new CRC32();
        crc.update(b);
        return (int) crc.getValue();
    }

    @Test
    void everyOpIsServedVerifiedAndEndedWithBye() throws Exception {
        for (KcpConfig cfg : new KcpConfig[] {config().build(),
                config().crypt("null", "").fec(0, 0).streamMode(true).build()}) {
            BlockingQueue<SessionRecord> records = new LinkedBlockingQueue<>();
            try (PeerServer server = PeerServer.start(LOOPBACK, cfg, Duration.ofSeconds(5), records::add)) {
                int n = 700_001; // not a multiple of anything
                for (Op op : Op.values()) {
                    ClientResult r = PeerClient.run(request(server.address(), cfg, op, n), QUIET);
                    assertNull(r.error, cfg + " " + op);
                    assertTrue(r.ok);
                    assertTrue(r.byeAnswered, "the server answers BYE");
                    long want = op == Op.PING ? 50 * 16 : n;
                    assertEquals(want, r.bytes);
                    if (op != Op.PING) assertEquals(payloadCrc(7, n), r.crc, op.toString());
                    if (op == Op.PING) assertEquals(50, r.pingRttNanos.length);
                    if (op == Op.ECHO) assertTrue(r.firstChunkRttNanos > 0);

                    SessionRecord rec = records.poll(5, TimeUnit.SECONDS);
                    assertNotNull(rec, "server record for " + op);
                    assertEquals(op.serverName, rec.op());
                    assertEquals(want, rec.bytes());
                    assertEquals(r.crc, rec.crc());
                    assertTrue(rec.ok());
                    assertEquals("bye", rec.end());
                    assertTrue(rec.line().matches("SESSION remote=127\\.0\\.0\\.1:\\d+ conv=\\d+ op="
                            + op.serverName + " bytes=" + want + " ok=true end=bye ms=\\d+ crc=[0-9a-f]{8}"),
                            rec.line());
                }
            }
        }
    }

    @Test
    void sessionsAreServedConcurrently() throws Exception {
        KcpConfig cfg = config().build();
        BlockingQueue<SessionRecord> records = new LinkedBlockingQueue<>();
        try (PeerServer server = PeerServer.start(LOOPBACK, cfg, Duration.ofSeconds(5), records::add)) {
            List<CompletableFuture<ClientResult>> runs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Op op = i % 2 == 0 ? Op.SOURCE : Op.ECHO;
                runs.add(CompletableFuture.supplyAsync(
                        () -> PeerClient.run(request(addr(server), cfg, op, 1 << 20), QUIET)));
            }
            for (CompletableFuture<ClientResult> f : runs) {
                ClientResult r = f.get(30, TimeUnit.SECONDS);
                assertTrue(r.ok, r.error);
            }
            for (int i = 0; i < 4; i++) {
                assertEquals("bye", records.poll(5, TimeUnit.SECONDS).end());
            }
        }
    }

    private static InetSocketAddress addr(PeerServer s) {
        try {
            return s.address();
        } catch (java.io.IOException e) {
            throw new RuntimeException(e);
        }
    }

    /** A listener whose accepted sessions are handled by {@code script}, each on its own thread. */
    private static KcpListener fakeServer(KcpConfig cfg, Consumer<KcpSession> script) throws Exception {
        KcpListener l = Kcp.listen(LOOPBACK, cfg);
        Thread t = new Thread(() -> {
            try {
                while (true) {
                    KcpSession s = l.accept();
                    new Thread(() -> script.accept(s)).start();
                }
            } catch (Exception e) {
                // listener closed
            }
        });
        t.setDaemon(true);
        t.start();
        return l;
    }

    private static byte[] read(KcpSession s, int n) throws Exception {
        byte[] b = new byte[n];
        for (int off = 0; off < n; ) off += s.read(b, off, n - off);
        return b;
    }

    @Test
    void clientFindsTheFirstCorruptedByteOfADownload() throws Exception {
        KcpConfig cfg = config().build();
        try (KcpListener l = fakeServer(cfg, s -> {
            try {
                read(s, ProtocolHeader.SIZE);
                byte[] data = new byte[100_000];
                new Payload(7).fill(data, 0, data.length);
                data[77_777] ^= 0x10;
                s.write(data, 0, data.length);
                Thread.sleep(5000);
            } catch (Exception ignored) {
                // the client has gone
            }
        })) {
            ClientResult r = PeerClient.run(request((InetSocketAddress) l.localAddress(), cfg, Op.SOURCE, 100_000), QUIET);
            assertFalse(r.ok);
            assertTrue(r.error.contains("payload mismatch at byte 77777"), r.error);
            assertTrue(r.line().contains(" ok=false "), r.line());
        }
    }

    @Test
    void clientRejectsAWrongSinkReply() throws Exception {
        KcpConfig cfg = config().build();
        try (KcpListener l = fakeServer(cfg, s -> {
            try {
                read(s, ProtocolHeader.SIZE + 5000);
                byte[] reply = ProtocolHeader.encodeReply(5000, payloadCrc(7, 5000) ^ 1);
                s.write(reply, 0, reply.length);
                Thread.sleep(5000);
            } catch (Exception ignored) {
                // the client has gone
            }
        })) {
            ClientResult r = PeerClient.run(request((InetSocketAddress) l.localAddress(), cfg, Op.SINK, 5000), QUIET);
            assertFalse(r.ok);
            assertTrue(r.error.contains("server got 5000 bytes crc"), r.error);
        }
    }

    @Test
    void clientTimesOutOnASilentServerOrAWrongKey() throws Exception {
        KcpConfig cfg = config().build();
        try (KcpListener silent = Kcp.listen(LOOPBACK, cfg);
             PeerServer other = PeerServer.start(LOOPBACK, config().crypt("aes-128", "other").build(),
                     Duration.ofSeconds(5), r -> { })) {
            for (InetSocketAddress to : new InetSocketAddress[] {
                    (InetSocketAddress) silent.localAddress(), other.address()}) {
                PeerClient.Request req = new PeerClient.Request(to, cfg, Op.ECHO, 10_000, 1000, 1, 1,
                        Duration.ofMillis(700));
                long t0 = System.nanoTime();
                ClientResult r = PeerClient.run(req, QUIET);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertFalse(r.ok);
                assertEquals(0, r.bytes);
                assertTrue(r.error.startsWith("--timeout of 0.7 s expired"), r.error);
                assertTrue(ms >= 650 && ms < 5000, "took " + ms + " ms");
            }
        }
    }

    @Test
    void serverDropsUnknownOpsClosesIdleSessionsAndWantsBye() throws Exception {
        KcpConfig cfg = config().build();
        BlockingQueue<SessionRecord> records = new LinkedBlockingQueue<>();
        try (PeerServer server = PeerServer.start(LOOPBACK, cfg, Duration.ofMillis(400), records::add)) {
            // an op the protocol does not have
            try (KcpSession c = Kcp.dial(server.address(), cfg)) {
                byte[] h = new byte[ProtocolHeader.SIZE];
                h[0] = 9;
                c.write(h, 0, h.length);
                SessionRecord rec = records.poll(5, TimeUnit.SECONDS);
                assertEquals("error", rec.end());
                assertEquals("none", rec.op());
                assertFalse(rec.ok());
                assertTrue(rec.error().contains("unknown op 9"), rec.error());
            }
            // a client that stops half way: closed after the idle time
            try (KcpSession c = Kcp.dial(server.address(), cfg)) {
                byte[] h = new ProtocolHeader(Op.SINK, 100, 0).encode();
                c.write(h, 0, h.length);
                c.write(new byte[10], 0, 10);
                long t0 = System.nanoTime();
                SessionRecord rec = records.poll(5, TimeUnit.SECONDS);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertEquals("idle", rec.end());
                assertEquals("sink", rec.op());
                assertEquals(10, rec.bytes());
                assertFalse(rec.ok());
                assertTrue(ms >= 300 && ms < 3000, "idle close after " + ms + " ms");
            }
            // anything but BYE after the op is an error, though the op itself was served
            try (KcpSession c = Kcp.dial(server.address(), cfg)) {
                byte[] h = new ProtocolHeader(Op.ECHO, 3, 0).encode();
                c.write(h, 0, h.length);
                c.write(new byte[] {1, 2, 3, 0x41}, 0, 4);
                assertArrayEquals(new byte[] {1, 2, 3}, read(c, 3));
                SessionRecord rec = records.poll(5, TimeUnit.SECONDS);
                assertEquals("error", rec.end());
                assertTrue(rec.ok());
                assertTrue(rec.error().contains("expected BYE 0x42, got 0x41"), rec.error());
            }
        }
    }
}
