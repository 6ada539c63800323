package io.kcp;

import static io.kcp.SessionTestKit.addressOf;
import static io.kcp.SessionTestKit.random;
import static io.kcp.SessionTestKit.readFully;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
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
             Tap tap = new Tap(addressOf(listener), encrypted)) {
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
            Future<?> flood = pool.submit(() -> flood(addressOf(listener), wrongKey, attacking));
            Future<?> injector = pool.submit(() -> tap.inject(attacking));
            attackOn.countDown();
            for (Future<Boolean> t : transfers) {
                assertTrue(t.get(90, TimeUnit.SECONDS), "a transfer came back altered");
            }
            attacking.set(false);
            flood.get(10, TimeUnit.SECONDS);
            injector.get(10, TimeUnit.SECONDS);

            assertTrue(listener.sessionCount() <= CAP, "sessions: " + listener.sessionCount());
            assertTrue(tap.injected > 100, "injected " + tap.injected);
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

    /** New addresses: junk, short junk, and well-formed sessions under the wrong key. */
    private static Void flood(InetSocketAddress target, KcpConfig wrongKey, AtomicBoolean on)
            throws Exception {
        Random rnd = new Random(42);
        List<DatagramChannel> sockets = new ArrayList<>();
        List<KcpSession> wrong = new ArrayList<>();
        try {
            for (int i = 0; i < 64; i++) {
                DatagramChannel ch = DatagramChannel.open();
                ch.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                sockets.add(ch);
            }
            for (int i = 0; i < 4; i++) {
                wrong.add(dialQuick(target, wrongKey));
            }
            ByteBuffer b = ByteBuffer.allocate(1500);
            while (on.get()) {
                for (DatagramChannel ch : sockets) {
                    b.clear();
                    int len = rnd.nextInt(8) == 0 ? rnd.nextInt(30) : 24 + rnd.nextInt(1400);
                    for (int k = 0; k < len; k++) b.put((byte) rnd.nextInt());
                    if (len >= 24 && rnd.nextBoolean()) b.put(4, (byte) (81 + rnd.nextInt(4)));
                    ch.send(b.flip(), target);
                }
                for (int i = 0; i < wrong.size(); i++) {
                    try {
                        wrong.get(i).write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
                    } catch (java.net.SocketTimeoutException e) {
                        // nobody acknowledges a wrong key: the window is full; go on
                    } catch (IOException e) {
                        // the link died of it; dial again
                        wrong.get(i).close();
                        wrong.set(i, dialQuick(target, wrongKey));
                    }
                }
                Thread.sleep(2);
            }
        } finally {
            for (KcpSession s : wrong) s.close();
            for (DatagramChannel ch : sockets) ch.close();
        }
        return null;
    }

    private static KcpSession dialQuick(InetSocketAddress target, KcpConfig cfg) throws IOException {
        KcpSession s = Kcp.dial(target, cfg);
        s.setWriteTimeout(Duration.ofMillis(1));
        return s;
    }

    /**
     * A UDP forwarder between one client and the listener that also sends, from the client's
     * address, replays of what it forwarded plus truncated, bit-flipped and random datagrams.
     */
    private static final class Tap implements AutoCloseable {
        private final DatagramChannel front;
        private final DatagramChannel back;
        private final InetSocketAddress server;
        private final List<byte[]> recent = new CopyOnWriteArrayList<>();
        private volatile SocketAddress client;
        private final Thread up;
        private final Thread down;
        volatile long injected;

        /** Plain KCP has no checksum: a flipped sn is a valid segment, so only encrypted runs corrupt. */
        private final boolean corrupt;

        Tap(InetSocketAddress server, boolean corrupt) throws IOException {
            this.server = server;
            this.corrupt = corrupt;
            front = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            back = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            up = new Thread(this::pumpUp, "tap-up");
            down = new Thread(this::pumpDown, "tap-down");
            up.setDaemon(true);
            down.setDaemon(true);
            up.start();
            down.start();
        }

        InetSocketAddress address() throws IOException {
            return (InetSocketAddress) front.getLocalAddress();
        }

        private void pumpUp() {
            ByteBuffer b = ByteBuffer.allocate(2048);
            try {
                while (true) {
                    b.clear();
                    client = front.receive(b);
                    b.flip();
                    byte[] copy = new byte[b.remaining()];
                    b.duplicate().get(copy);
                    if (recent.size() < 256) recent.add(copy);
                    back.send(b, server);
                }
            } catch (IOException e) {
                // closed
            }
        }

        private void pumpDown() {
            ByteBuffer b = ByteBuffer.allocate(2048);
            try {
                while (true) {
                    b.clear();
                    back.receive(b);
                    SocketAddress c = client;
                    if (c != null) front.send(b.flip(), c);
                }
            } catch (IOException e) {
                // closed
            }
        }

        Void inject(AtomicBoolean on) throws Exception {
            Random rnd = new Random(7);
            while (on.get()) {
                if (recent.isEmpty()) {
                    Thread.sleep(1);
                    continue;
                }
                byte[] d = recent.get(rnd.nextInt(recent.size())).clone();
                ByteBuffer out;
                switch (rnd.nextInt(corrupt ? 4 : 2)) {
                    case 0: out = ByteBuffer.wrap(d); break;                                  // replay
                    case 1: out = ByteBuffer.wrap(d, 0, rnd.nextInt(d.length)); break;        // truncated
                    case 2: d[rnd.nextInt(d.length)] ^= (byte) (1 << rnd.nextInt(8));         // bit flip
                            out = ByteBuffer.wrap(d); break;
                    default: rnd.nextBytes(d); out = ByteBuffer.wrap(d); break;                // random
                }
                back.send(out, server);
                injected++;
                if (injected % 16 == 0) Thread.sleep(1);
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            front.close();
            back.close();
        }
    }
}
