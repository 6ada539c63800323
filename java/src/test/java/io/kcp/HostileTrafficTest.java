package io.kcp;

import static io.kcp.SessionTestKit.addressOf;
import static io.kcp.SessionTestKit.random;
import static io.kcp.SessionTestKit.readFully;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real transfers while the listener is attacked: random, truncated, bit-flipped, replayed and
 * wrong-key datagrams on the real sessions' own address, and a flood from many new addresses.
 * The transfers must complete intact, the session cap must hold, the drops must be counted and
 * nothing may escape from a receive thread. Plain KCP carries no checksum (in kcp-go too), so
 * bit flips and random bytes on a live session's address are sent only in the encrypted run.
 */
@Timeout(120)
class HostileTrafficTest {

    private static final int TRANSFER = 2 << 20;
    private static final int CAP = 12;

    private final List<Throwable> escaped = new CopyOnWriteArrayList<>();
    private Thread.UncaughtExceptionHandler previous;

    @BeforeEach
    void watchThreads() {
        previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> escaped.add(e));
    }

    @AfterEach
    void restore() {
        Thread.setDefaultUncaughtExceptionHandler(previous);
    }

    @Test
    void plainKcpUnderAttack() throws Exception {
        run(KcpConfig.builder().mode(KcpMode.FAST3).windows(256, 256), false);
    }

    @Test
    void aesWithFecUnderAttack() throws Exception {
        run(KcpConfig.builder().mode(KcpMode.FAST3).windows(256, 256).crypt("aes", "right key")
                .fec(10, 3), true);
    }

    private void run(KcpConfig.Builder base, boolean encrypted) throws Exception {
        // the listener frees junk sessions by idle timeout; the real clients never give up
        KcpConfig cfg = base.maxSessions(CAP).idleTimeout(Duration.ofSeconds(3)).build();
        KcpConfig clientCfg = base.idleTimeout(Duration.ZERO).build();
        KcpConfig wrongKey = base.crypt(encrypted ? "aes" : "salsa20", "wrong key")
                .idleTimeout(Duration.ZERO).build();
        ExecutorService pool = Executors.newCachedThreadPool();
        AtomicBoolean attacking = new AtomicBoolean(true);
        try (KcpListener listener = Kcp.listen(SessionTestKit.ANY_LOOPBACK, cfg);
             UdpTap tap = new UdpTap(addressOf(listener))) {
            pool.submit(() -> serveEcho(listener, pool));

            // the real sessions exist first (else junk may take every slot: plain KCP has no
            // way to tell a real peer from a forged one), then the attack runs while they transfer
            CountDownLatch established = new CountDownLatch(3);
            CountDownLatch attackOn = new CountDownLatch(1);
            List<Future<Boolean>> transfers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                final int seed = i;
                // one session through the tap (its address is attacked), two direct
                InetSocketAddress to = i == 0 ? tap.address() : addressOf(listener);
                transfers.add(pool.submit(() -> echo(to, clientCfg, seed, established, attackOn)));
            }
            assertTrue(established.await(30, TimeUnit.SECONDS));
            Future<?> flood = pool.submit(
                    () -> Attackers.strangers(addressOf(listener), wrongKey, attacking));
            Future<Long> injector = pool.submit(() -> Attackers.fromVictim(tap, encrypted, attacking));
            attackOn.countDown();
            for (Future<Boolean> t : transfers) {
                assertTrue(t.get(90, TimeUnit.SECONDS), "a transfer came back altered");
            }
            attacking.set(false);
            flood.get(10, TimeUnit.SECONDS);
            long injected = injector.get(10, TimeUnit.SECONDS);

            assertTrue(listener.sessionCount() <= CAP, "sessions: " + listener.sessionCount());
            assertTrue(injected > 100, "injected " + injected);
            Snmp seen = listener.counters();
            if (encrypted) {
                assertTrue(seen.get(SnmpCounter.IN_CSUM_ERRORS) > 0, seen.toString());
            } else {
                // garbage with a readable conv opens no session unless it starts a conversation
                assertTrue(listener.unopenedDatagrams() > 0, "no garbage was turned away");
            }
            assertEquals(Collections.emptyList(), escaped);
        } finally {
            attacking.set(false);
            pool.shutdownNow();
        }
    }

    private static Void serveEcho(KcpListener listener, ExecutorService pool) {
        while (listener.isOpen()) {
            try {
                KcpSession s = listener.accept();
                pool.submit(() -> {
                    ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
                    try {
                        while (true) {
                            buf.clear();
                            s.read(buf);
                            s.write(buf.flip());
                        }
                    } catch (IOException e) {
                        s.close();
                    }
                    return null;
                });
            } catch (IOException e) {
                return null;
            }
        }
        return null;
    }

    private static boolean echo(InetSocketAddress to, KcpConfig cfg, int seed,
                                CountDownLatch established, CountDownLatch attackOn) throws Exception {
        byte[] data = random(TRANSFER, seed);
        try (KcpSession c = Kcp.dial(to, cfg)) {
            c.setReadTimeout(Duration.ofSeconds(60));
            Future<?> w = Executors.newSingleThreadExecutor().submit(() -> {
                int first = 64 * 1024;
                c.write(ByteBuffer.wrap(data, 0, first));
                established.countDown();
                attackOn.await();
                c.write(ByteBuffer.wrap(data, first, data.length - first));
                return null;
            });
            byte[] back = readFully(c, TRANSFER);
            w.get(60, TimeUnit.SECONDS);
            assertArrayEquals(data, back);
            return true;
        }
    }
}
