package io.kcp;

import static io.kcp.SessionTestKit.addressOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
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
            AtomicLongArray echoAllocated = new AtomicLongArray(2);
            int[] echoCount = new int[1];
            Thread echo = new Thread(() -> {
                byte[] b = new byte[64];
                try {
                    while (true) {
                        for (int got = 0; got < b.length; ) got += s.read(b, got, b.length - got);
                        s.write(b, 0, b.length);
                        int n = ++echoCount[0];
                        if (n == WARM_PINGS) echoAllocated.set(0, mx.getThreadAllocatedBytes(Thread.currentThread().getId()));
                        if (n == WARM_PINGS + PINGS) echoAllocated.set(1, mx.getThreadAllocatedBytes(Thread.currentThread().getId()));
                    }
                } catch (Exception e) {
                    // closed at the end
                }
            });
            echo.setDaemon(true);
            echo.start();
            ByteBuffer ping = ByteBuffer.allocate(64);
            readFully(c, ping); // the first message's echo
            pingPong(c, ping, WARM_PINGS);
            List<Thread> transport = transportThreads();
            long[] before = allocated(mx, transport);
            long me0 = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
            pingPong(c, ping, PINGS);
            long me1 = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
            long[] after = allocated(mx, transport);
            c.setReadTimeout(Duration.ofSeconds(5));
            long end = System.nanoTime() + 5_000_000_000L;
            while (echoAllocated.get(1) == 0 && System.nanoTime() < end) Thread.sleep(1);

            StringBuilder detail = new StringBuilder("client=" + (me1 - me0) + " echo="
                    + (echoAllocated.get(1) - echoAllocated.get(0)) + " ");
            long bytes = (me1 - me0) + (echoAllocated.get(1) - echoAllocated.get(0));
            for (int i = 0; i < transport.size(); i++) {
                bytes += after[i] - before[i];
                detail.append(transport.get(i).getName()).append('=').append(after[i] - before[i]).append(' ');
            }
            assertTrue(echoAllocated.get(1) != 0, "the echo thread did not finish");
            // anything per call or per datagram (a wrapper, a wait node, a view) costs 16+ B per
            // round trip; the allowance is for a contended lock's 32-byte node now and then
            assertTrue((double) bytes / PINGS < 8.0, bytes + " B over " + PINGS + " round trips: " + detail);
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
            if (n.startsWith("kcp-rx-") || n.startsWith("kcp-listener-") || n.equals("kcp-flush")) {
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
