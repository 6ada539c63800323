package io.kcp;

import static io.kcp.SessionTestKit.addressOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The transport's own threads (receive loops, flush scheduler) allocate nothing per datagram in
 * steady state: measured with the JVM's per-thread allocation counters during a bulk transfer.
 * The one allowance: a contended {@code ReentrantLock} (the reader and the receive thread meeting
 * on a session) queues a 32-byte node in the JDK's lock code, a few percent of datagrams.
 */
@Timeout(60)
class SessionAllocationTest {

    @Test
    void receiveLoopsAndSchedulerAllocateNothingPerDatagram() throws Exception {
        for (KcpConfig cfg : new KcpConfig[] {
                SessionTestKit.fast().build(),
                SessionTestKit.fast().crypt("aes-128", "k").fec(10, 3).build()}) {
            measure(cfg);
        }
    }

    /**
     * A conversation of small requests and replies allocates nothing on any thread, the
     * application's included: the reader's wait, the byte[] and ByteBuffer calls, the hand-offs.
     * Anything per call or per datagram (a wrapper, a wait node, a view) would cost 16+ B per
     * round trip on some thread in every window; a contended lock's 32-byte node now and then
     * (threads preempted on a loaded machine) is allowed for, and a window may be retried.
     */
    @Test
    void pingRoundTripsAllocateNothingOnAnyThread() throws Exception {
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        KcpConfig cfg = SessionTestKit.fast().build();
        try (KcpListener l = Kcp.listen(SessionTestKit.ANY_LOOPBACK, cfg);
             KcpSession c = Kcp.dial(addressOf(l), cfg)) {
            c.write(ByteBuffer.wrap(new byte[64]));
            KcpSession s = l.accept(Duration.ofSeconds(5));
            Thread echo = new Thread(() -> {
                byte[] b = new byte[64];
                try {
                    while (true) {
                        for (int got = 0; got < b.length; ) got += s.read(b, got, b.length - got);
                        s.write(b, 0, b.length);
                    }
                } catch (Exception e) {
                    // closed at the end
                }
            }, "echo");
            echo.setDaemon(true);
            echo.start();
            ByteBuffer ping = ByteBuffer.allocate(64);
            readFully(c, ping); // the first message's echo
            pingPong(c, ping, WARM_PINGS);
            List<Thread> threads = transportThreads();
            threads.add(echo);
            threads.add(Thread.currentThread());
            String worst = null;
            for (int window = 0; window < 3; window++) {
                long[] before = allocated(mx, threads);
                pingPong(c, ping, PINGS);
                long[] after = allocated(mx, threads);
                StringBuilder detail = new StringBuilder();
                boolean ok = true;
                for (int i = 0; i < threads.size(); i++) {
                    long b = after[i] - before[i];
                    ok &= (double) b / PINGS < 8.0;
                    detail.append(threads.get(i).getName()).append('=').append(b).append(' ');
                }
                if (ok) return;
                worst = detail.toString();
            }
            fail("bytes allocated over " + PINGS + " round trips, in each of 3 windows; the last: " + worst);
        }
    }

    private static final int WARM_PINGS = 50_000;
    private static final int PINGS = 5_000;

    private static void pingPong(KcpSession c, ByteBuffer ping, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            ping.clear();
            c.write(ping);
            readFully(c, ping);
        }
    }

    private static void readFully(KcpSession s, ByteBuffer b) throws Exception {
        b.clear();
        while (b.hasRemaining()) s.read(b);
    }

    private static void measure(KcpConfig cfg) throws Exception {
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        AtomicBoolean running = new AtomicBoolean(true);
        try (KcpListener l = Kcp.listen(SessionTestKit.ANY_LOOPBACK, cfg);
             KcpSession c = Kcp.dial(addressOf(l), cfg)) {
            c.write(ByteBuffer.wrap(new byte[1]));
            KcpSession s = l.accept(Duration.ofSeconds(5));
            Thread writer = new Thread(() -> {
                ByteBuffer chunk = ByteBuffer.allocateDirect(16 * 1024);
                try {
                    while (running.get()) {
                        c.write(chunk.clear());
                    }
                } catch (Exception e) {
                    // closed at the end
                }
            });
            Thread reader = new Thread(() -> {
                ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
                try {
                    while (true) {
                        s.read(buf.clear());
                    }
                } catch (Exception e) {
                    // closed at the end
                }
            });
            writer.start();
            reader.start();
            // warm up: until C2 has compiled the paths (escape analysis removes the views and
            // wrappers the interpreter allocates) and pools and buffers reach their sizes
            Thread.sleep(3500);

            List<Thread> transport = transportThreads();
            long[] before = allocated(mx, transport);
            long pktsBefore = Kcp.counters().get(SnmpCounter.IN_PKTS);
            Thread.sleep(2000);
            long[] after = allocated(mx, transport);
            long datagrams = Kcp.counters().get(SnmpCounter.IN_PKTS) - pktsBefore;
            running.set(false);

            long bytes = 0;
            StringBuilder detail = new StringBuilder();
            for (int i = 0; i < transport.size(); i++) {
                bytes += after[i] - before[i];
                detail.append(transport.get(i).getName()).append('=').append(after[i] - before[i]).append(' ');
            }
            assertTrue(datagrams > 1000, "too little traffic to measure: " + datagrams);
            // anything per datagram (a buffer, an address, a view) would cost 16+ B each
            assertTrue((double) bytes / datagrams < 4.0,
                    cfg + ": " + bytes + " B over " + datagrams + " datagrams: " + detail);
        }
    }

    private static List<Thread> transportThreads() {
        List<Thread> out = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String n = t.getName();
            if (n.startsWith("kcp-rx-") || n.startsWith("kcp-listener-") || n.startsWith("kcp-flush-")) {
                out.add(t);
            }
        }
        assertTrue(out.size() >= 3, "expected a listener, a client receive loop and the scheduler: " + out);
        return out;
    }

    private static long[] allocated(com.sun.management.ThreadMXBean mx, List<Thread> threads) {
        long[] b = new long[threads.size()];
        for (int i = 0; i < b.length; i++) b[i] = mx.getThreadAllocatedBytes(threads.get(i).getId());
        return b;
    }
}
