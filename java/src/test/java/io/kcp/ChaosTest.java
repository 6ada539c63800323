package io.kcp;

import static io.kcp.SessionTestKit.ANY_LOOPBACK;
import static io.kcp.SessionTestKit.addressOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kcp.kernel.Kernel;
import io.kcp.relay.Impairment;
import io.kcp.relay.ImpairmentRelay;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The chaos stage: every attack and failure the transport must survive, at once where they
 * compound, on the kernel of this JVM. Each scenario checks the bytes that must arrive (CRC-32),
 * that no session hangs, and that memory and threads stay bounded; nothing may escape a
 * transport thread. Prints {@code chaos: N scenarios, M failed}. Sizes and durations grow with
 * {@code -Dkcp.chaos.soakMiB} and {@code -Dkcp.chaos.floodSeconds} for the long runs. Every wait
 * has its own limit; the build kills the whole JVM after {@code kcp.chaos.forkTimeout} seconds.
 */
@Tag("chaos")
class ChaosTest {

    static final long SOAK_BYTES = Long.getLong("kcp.chaos.soakMiB", 256) << 20;
    static final int FLOOD_SECONDS = Integer.getInteger("kcp.chaos.floodSeconds", 10);
    /** Resident memory a scenario may add, beyond what the JVM held before it. */
    static final long RSS_GROWTH_MIB = 400;
    /** kcp-java's own threads at any time: the listeners' loops, the shared loops, the scheduler. */
    static final int TRANSPORT_THREADS = 16;

    private static final AtomicInteger RAN = new AtomicInteger();
    private static final AtomicInteger FAILED = new AtomicInteger();
    private static final List<Throwable> ESCAPED = new CopyOnWriteArrayList<>();
    private static Thread.UncaughtExceptionHandler previous;

    private final ExecutorService pool = Executors.newCachedThreadPool();
    private long rssBefore;
    private boolean passed;

    @BeforeAll
    static void watchThreads() {
        previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> ESCAPED.add(e));
    }

    @AfterAll
    static void summary() {
        Thread.setDefaultUncaughtExceptionHandler(previous);
        System.out.println("chaos: " + RAN.get() + " scenarios, " + FAILED.get() + " failed (kernel="
                + Kernel.active() + ")");
    }

    @BeforeEach
    void before() {
        System.gc();
        rssBefore = ChaosKit.rssMib();
        passed = false;
    }

    @AfterEach
    void after(TestInfo info) throws InterruptedException {
        pool.shutdownNow();
        RAN.incrementAndGet();
        long rss = ChaosKit.rssMib();
        List<String> left = SessionTestKit.awaitNoLibraryThreads(5000);
        boolean ok = passed && ESCAPED.isEmpty() && left.isEmpty()
                && rss - rssBefore < RSS_GROWTH_MIB;
        System.out.println("chaos " + info.getDisplayName() + ": " + (ok ? "ok" : "FAILED")
                + ", rss " + rssBefore + " -> " + rss + " MiB");
        if (!ok) FAILED.incrementAndGet();
        assertEquals(List.of(), ESCAPED, "exceptions escaped transport threads");
        assertEquals(List.of(), left, "threads left after the scenario");
        assertTrue(rss - rssBefore < RSS_GROWTH_MIB, "rss grew " + (rss - rssBefore) + " MiB");
    }

    private void done() {
        passed = true;
    }

    private static void assertBoundedThreads() {
        int n = ChaosKit.transportThreads();
        assertTrue(n <= TRANSPORT_THREADS, n + " transport threads: "
                + SessionTestKit.threadsMatching(SessionTestKit.LIBRARY_THREADS));
    }

    // ---- soak: a lossy, reordering, duplicating path ---------------------------------------

    @Test
    void soakThroughALossyReorderingDuplicatingPath() throws Exception {
        KcpConfig cfg = KcpConfig.builder().mode(KcpMode.FAST3).windows(1024, 1024)
                .crypt("aes-128", "chaos").fec(10, 3).build();
        Impairment bad = Impairment.builder().loss(0.15).reorder(0.10, 2).duplicate(0.10)
                .seed(1).build();
        try (KcpListener l = Kcp.listen(ANY_LOOPBACK, cfg);
             ImpairmentRelay relay = ImpairmentRelay.start(addressOf(l), bad, bad.withSeed(2));
             KcpSession c = Kcp.dial(relay.localAddress(), cfg)) {
            c.write(ByteBuffer.wrap(new byte[] {1}));
            KcpSession s = l.accept(Duration.ofSeconds(10));
            ChaosKit.receive(s, 1);
            long t0 = System.nanoTime();
            Future<Long> got = pool.submit(() -> ChaosKit.receive(s, SOAK_BYTES));
            long sent = ChaosKit.send(c, SOAK_BYTES, 7);
            assertEquals(sent, (long) got.get(600, TimeUnit.SECONDS), "the soak came back altered");
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("chaos soak: %d MiB in %.1f s (%.1f MB/s), %s%n", SOAK_BYTES >> 20,
                    secs, SOAK_BYTES / secs / 1e6, relay.stats());
            assertBoundedThreads();
        }
        done();
    }

    // ---- floods during a transfer ------------------------------------------------------------

    @Test
    void junkTruncatedBitFlippedAndWrongKeyFloodsDuringATransfer() throws Exception {
        KcpConfig cfg = KcpConfig.builder().mode(KcpMode.FAST3).windows(512, 512)
                .crypt("aes", "right").fec(10, 3).maxSessions(64).build();
        KcpConfig wrongKey = cfg.toBuilder().crypt("aes", "wrong").build();
        AtomicBoolean on = new AtomicBoolean(true);
        long bytes = 32 << 20;
        try (KcpListener l = Kcp.listen(ANY_LOOPBACK, cfg);
             UdpTap tap = new UdpTap(addressOf(l));
             KcpSession c = Kcp.dial(tap.address(), cfg)) {
            c.write(ByteBuffer.wrap(new byte[] {1}));
            KcpSession s = l.accept(Duration.ofSeconds(10));
            ChaosKit.receive(s, 1);
            Future<Long> fromVictim = pool.submit(() -> Attackers.fromVictim(tap, true, on));
            Future<?> fromStrangers = pool.submit(() -> Attackers.strangers(addressOf(l), wrongKey, on));
            Future<Long> got = pool.submit(() -> ChaosKit.receive(s, bytes));
            long sent = ChaosKit.send(c, bytes, 3);
            assertEquals(sent, (long) got.get(120, TimeUnit.SECONDS));
            on.set(false);
            fromVictim.get(10, TimeUnit.SECONDS);
            fromStrangers.get(10, TimeUnit.SECONDS);
            Snmp seen = l.counters();
            assertTrue(seen.get(SnmpCounter.IN_CSUM_ERRORS) > 1000, seen.toString());
            assertTrue(l.sessionCount() <= 64, "sessions: " + l.sessionCount());
            assertBoundedThreads();
        } finally {
            on.set(false);
        }
        done();
    }

    // ---- replays -----------------------------------------------------------------------------

    @Test
    void replaysAgainstALiveSessionAndFromManyNewAddresses() throws Exception {
        KcpConfig cfg = KcpConfig.builder().mode(KcpMode.FAST3).windows(512, 512)
                .crypt("salsa20", "replay").backlog(16).build();
        AtomicBoolean on = new AtomicBoolean(true);
        long bytes = 32 << 20;
        List<DatagramChannel> spoofed = new ArrayList<>();
        try (KcpListener l = Kcp.listen(ANY_LOOPBACK, cfg);
             UdpTap victimTap = new UdpTap(addressOf(l));
             UdpTap otherTap = new UdpTap(addressOf(l));
             KcpSession other = Kcp.dial(otherTap.address(), cfg);
             KcpSession victim = Kcp.dial(victimTap.address(), cfg)) {
            other.write(ByteBuffer.wrap(new byte[] {9, 9, 9})); // unlike any real client's byte
            l.accept(Duration.ofSeconds(10)).close();
            byte[] firstOfAnother = otherTap.upstream(0);
            victim.write(ByteBuffer.wrap(new byte[] {1}));
            KcpSession s = l.accept(Duration.ofSeconds(10));
            ChaosKit.receive(s, 1);
            for (int i = 0; i < 128; i++) spoofed.add(DatagramChannel.open().bind(ANY_LOOPBACK));
            Future<?> attack = pool.submit(() -> {
                while (on.get()) {
                    victimTap.inject(firstOfAnother);
                    for (DatagramChannel ch : spoofed) ch.send(ByteBuffer.wrap(firstOfAnother), addressOf(l));
                    Thread.sleep(2);
                }
                return null;
            });
            // real clients keep arriving while replays fill the backlog; the application
            // accepts slowly, so the backlog is under pressure the whole time
            List<Future<Boolean>> clients = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int seed = i;
                clients.add(pool.submit(() -> {
                    try (KcpSession c = Kcp.dial(addressOf(l), cfg)) {
                        c.write(ByteBuffer.wrap(new byte[] {(byte) seed}));
                        Thread.sleep(60_000);
                    } catch (InterruptedException e) {
                        // done
                    }
                    return true;
                }));
            }
            Future<Integer> admitted = pool.submit(() -> admitRealClients(l, 8));
            Future<Long> got = pool.submit(() -> ChaosKit.receive(s, bytes));
            long sent = ChaosKit.send(victim, bytes, 4);
            assertEquals(sent, (long) got.get(120, TimeUnit.SECONDS), "the victim's transfer");
            assertEquals(8, (int) admitted.get(60, TimeUnit.SECONDS), "real clients admitted");
            on.set(false);
            attack.get(10, TimeUnit.SECONDS);
            assertTrue(s.isOpen(), "the live session was ended by a replay");
            assertTrue(l.refusedReplacements() > 0 && l.reapedSessions() > 0,
                    "refused " + l.refusedReplacements() + ", reaped " + l.reapedSessions());
            for (Future<Boolean> c : clients) c.cancel(true);
            assertBoundedThreads();
        } finally {
            on.set(false);
            for (DatagramChannel ch : spoofed) ch.close();
        }
        done();
    }

    /** Accepts slowly until {@code want} sessions that carried one real byte have been seen. */
    private static int admitRealClients(KcpListener l, int want) throws Exception {
        boolean[] seen = new boolean[want];
        int count = 0;
        while (count < want) {
            KcpSession s = l.accept(Duration.ofSeconds(30));
            s.setReadTimeout(Duration.ofMillis(300));
            try {
                ByteBuffer b = ByteBuffer.allocate(16);
                s.read(b); // a replayed session carries another client's 3 bytes; ours carry one
                if (b.position() == 1 && b.get(0) >= 0 && b.get(0) < want && !seen[b.get(0)]) {
                    seen[b.get(0)] = true;
                    count++;
                }
            } catch (IOException e) {
                // a replay, or a session that gave way: not a real client
            }
            s.close();
            Thread.sleep(20);
        }
        return count;
    }

    // ---- sessions that die while traffic flows, and injected faults --------------------------

    @Test
    void deadSessionsAndInjectedFaultsLeaveTheRestRunning() throws Exception {
        KcpConfig cfg = KcpConfig.builder().mode(KcpMode.FAST3).windows(256, 256).build();
        List<FaultyArq> arqs = new CopyOnWriteArrayList<>();
        DatagramChannel ch = DatagramChannel.open().bind(ANY_LOOPBACK);
        AtomicBoolean blasting = new AtomicBoolean(true);
        List<DatagramChannel> deadPeers = new ArrayList<>();
        try (KcpListener l = new KcpListener(ch, true, cfg, conv -> {
            FaultyArq a = new FaultyArq(cfg.kernel().newArq(conv));
            arqs.add(a);
            return a;
        })) {
            int n = 8;
            List<KcpSession> clients = new ArrayList<>();
            List<KcpSession> servers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                KcpSession c = Kcp.dial(addressOf(l), cfg);
                c.write(ByteBuffer.wrap(new byte[] {(byte) i}));
                KcpSession s = l.accept(Duration.ofSeconds(10));
                ChaosKit.receive(s, 1);
                clients.add(c);
                servers.add(s);
            }
            // dialed sessions that time out while a "peer" keeps sending them foreign packets
            List<KcpSession> doomed = new ArrayList<>();
            List<SocketAddress> targets = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                DatagramChannel p = DatagramChannel.open().bind(ANY_LOOPBACK);
                deadPeers.add(p);
                KcpSession d = Kcp.dial((InetSocketAddress) p.getLocalAddress(),
                        cfg.toBuilder().idleTimeout(Duration.ofMillis(200)).build());
                d.write(ByteBuffer.wrap(new byte[] {1}));
                doomed.add(d);
                targets.add(p.receive(ByteBuffer.allocate(1500)));
            }
            Future<?> blaster = pool.submit(() -> {
                ByteBuffer junk = ByteBuffer.allocate(24);
                while (blasting.get()) {
                    for (int i = 0; i < doomed.size(); i++) {
                        junk.clear().putInt(0, doomed.get(i).conv() + 1).put(4, (byte) 82);
                        deadPeers.get(i).send(junk, targets.get(i));
                    }
                }
                return null;
            });
            // three of the listener's sessions break: an OOM in input, a bug in flush, both
            arqs.get(1).onInput = () -> new OutOfMemoryError("injected");
            arqs.get(3).onFlush = () -> new InternalError("injected");
            arqs.get(5).onInput = () -> new IllegalStateException("injected");
            List<Future<Long>> got = new ArrayList<>();
            List<Future<Long>> sent = new ArrayList<>();
            long bytes = 8 << 20;
            for (int i = 0; i < n; i++) {
                KcpSession c = clients.get(i);
                KcpSession s = servers.get(i);
                int seed = i;
                got.add(pool.submit(() -> ChaosKit.receive(s, bytes)));
                sent.add(pool.submit(() -> ChaosKit.send(c, bytes, seed)));
            }
            for (int i = 0; i < n; i++) {
                if (i == 1 || i == 3 || i == 5) {
                    try {
                        got.get(i).get(60, TimeUnit.SECONDS);
                        throw new AssertionError("a broken session delivered everything");
                    } catch (java.util.concurrent.ExecutionException e) {
                        assertTrue(e.getCause() instanceof IOException && e.getCause().getCause() != null,
                                "the cause must be visible: " + e.getCause());
                    }
                    clients.get(i).close();
                } else {
                    assertEquals(sent.get(i).get(120, TimeUnit.SECONDS),
                            got.get(i).get(120, TimeUnit.SECONDS), "session " + i);
                }
            }
            for (KcpSession d : doomed) {
                long end = System.nanoTime() + 10_000_000_000L;
                while (d.isOpen() && System.nanoTime() < end) Thread.sleep(5);
                assertFalse(d.isOpen(), "a dead session never ended");
            }
            blasting.set(false);
            blaster.get(10, TimeUnit.SECONDS);
            for (KcpSession c : clients) c.close();
            assertBoundedThreads();
        } finally {
            blasting.set(false);
            for (DatagramChannel p : deadPeers) p.close();
        }
        done();
    }

    // ---- close racing everything else --------------------------------------------------------

    @Test
    void closeRacesReadsWritesAndSetters() throws Exception {
        KcpConfig cfg = KcpConfig.builder().mode(KcpMode.FAST3).windows(32, 32).build();
        SplittableRandom rnd = new SplittableRandom(13);
        List<Throwable> unexpected = Collections.synchronizedList(new ArrayList<>());
        try (KcpListener l = Kcp.listen(ANY_LOOPBACK, cfg)) {
            for (int round = 0; round < 200; round++) {
                KcpSession c = Kcp.dial(addressOf(l), cfg);
                c.write(ByteBuffer.wrap(new byte[] {1}));
                KcpSession s = l.accept(Duration.ofSeconds(10));
                KcpSession victim = rnd.nextBoolean() ? c : s;
                List<Future<?>> racers = new ArrayList<>();
                racers.add(pool.submit(() -> expectIo(unexpected, () -> {
                    ByteBuffer b = ByteBuffer.allocate(4096);
                    while (true) victim.read(b.clear());
                })));
                racers.add(pool.submit(() -> expectIo(unexpected, () -> {
                    ByteBuffer b = ByteBuffer.allocate(64 << 10);
                    while (true) victim.write(b.clear());
                })));
                racers.add(pool.submit(() -> expectIo(unexpected, () -> {
                    SplittableRandom r = new SplittableRandom(round());
                    while (victim.isOpen()) {
                        switch (r.nextInt(8)) {
                            case 0 -> victim.setReadDeadline(Instant.now().plusMillis(r.nextInt(50)));
                            case 1 -> victim.setWriteTimeout(Duration.ofMillis(r.nextInt(50)));
                            case 2 -> victim.setWindowSize(1 + r.nextInt(64), 1 + r.nextInt(64));
                            case 3 -> victim.setNoDelay(r.nextInt(3), 10 + r.nextInt(40), r.nextInt(3), r.nextInt(2));
                            case 4 -> victim.setMtu(100 + r.nextInt(1300));
                            case 5 -> victim.setStreamMode(r.nextBoolean());
                            case 6 -> victim.counters();
                            default -> victim.setDeadline(null);
                        }
                    }
                })));
                Thread.sleep(rnd.nextInt(15));
                Future<?> closer = pool.submit(victim::close);
                closer.get(2, TimeUnit.SECONDS);
                for (Future<?> f : racers) f.get(5, TimeUnit.SECONDS); // none may hang
                c.close();
                s.close();
            }
        }
        assertEquals(List.of(), unexpected);
        assertBoundedThreads();
        done();
    }

    private static int round() {
        return (int) System.nanoTime();
    }

    private interface IoLoop {
        void run() throws IOException;
    }

    /** Runs until an IOException (a timeout, or the close); anything else is recorded. */
    private static Void expectIo(List<Throwable> unexpected, IoLoop loop) {
        while (true) {
            try {
                loop.run();
                return null;
            } catch (java.net.SocketTimeoutException e) {
                // a deadline from the setter thread; go on until the close
            } catch (IOException e) {
                return null;
            } catch (Throwable t) {
                unexpected.add(t);
                return null;
            }
        }
    }

    // ---- a flood of sessions full of empty out-of-order segments ------------------------------

    @Test
    void emptyOutOfOrderSegmentsFromThousandsOfSourcesStayBounded() throws Exception {
        KcpConfig cfg = KcpConfig.builder().mode(KcpMode.FAST3).windows(1024, 1024)
                .maxSessions(1000).build();
        List<DatagramChannel> sources = new ArrayList<>();
        long deadline = System.nanoTime() + FLOOD_SECONDS * 1_000_000_000L;
        try (KcpListener l = Kcp.listen(ANY_LOOPBACK, cfg);
             KcpSession legit = Kcp.dial(addressOf(l), cfg)) {
            legit.write(ByteBuffer.wrap(new byte[] {1}));
            KcpSession s = l.accept(Duration.ofSeconds(10));
            ChaosKit.receive(s, 1);
            for (int i = 0; i < 2000; i++) sources.add(DatagramChannel.open().bind(ANY_LOOPBACK));
            List<KcpSession> held = new CopyOnWriteArrayList<>();
            Future<?> acceptor = pool.submit(() -> {
                while (true) held.add(l.accept()); // accepted and never read, as a busy server
            });
            Future<?> flood = pool.submit(() -> {
                ByteBuffer b = ByteBuffer.allocate(1440);
                int round = 0;
                while (System.nanoTime() < deadline) {
                    for (int i = 0; i < sources.size(); i++) {
                        sources.get(i).send(ChaosKit.emptyPushes(b, i + 1, round), addressOf(l));
                        // about 20k datagrams/s: a flood the listener absorbs, so what is
                        // measured is what each datagram costs, not how a full socket drops
                        if (i % 20 == 19) Thread.sleep(1);
                    }
                    round++;
                }
                return null;
            });
            Future<Long> got = pool.submit(() -> ChaosKit.receive(s, 16 << 20));
            long sent = ChaosKit.send(legit, 16 << 20, 8);
            assertEquals(sent, (long) got.get(120, TimeUnit.SECONDS));
            flood.get(FLOOD_SECONDS + 30, TimeUnit.SECONDS);
            assertTrue(l.sessionCount() <= 1000, "sessions: " + l.sessionCount());
            assertTrue(held.size() > 100, "the flood opened only " + held.size() + " sessions");
            acceptor.cancel(true);
            for (KcpSession h : held) h.close();
            assertBoundedThreads();
            System.out.println("chaos out-of-order flood: sessions " + l.sessionCount()
                    + ", dropped new peers " + l.droppedNewPeers() + ", reaped " + l.reapedSessions()
                    + ", rss " + ChaosKit.rssMib() + " MiB");
        } finally {
            for (DatagramChannel ch : sources) ch.close();
        }
        done();
    }

    // ---- what each hostile datagram costs ----------------------------------------------------

    @Test
    void everyKindOfHostileDatagramHasABoundedCost() throws Exception {
        for (AttackCost.Row r : AttackCost.measureAll(30_000)) {
            assertTrue(r.cpuMicros() <= AttackCost.TARGET_MICROS,
                    r.attack() + ": " + r.cpuMicros() + " us of CPU per datagram");
            long held = (long) (r.retainedBytes() * r.datagrams());
            assertTrue(held < 64L << 20, r.attack() + ": " + (held >> 20) + " MiB still held");
        }
        assertBoundedThreads();
        done();
    }
}
