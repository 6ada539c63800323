package io.kcp;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;

/**
 * {@link Kcp#warmUp}: round trips over loopback in this JVM, shaped like real traffic so that
 * the JIT compiles every branch the real sessions take. C2 compiles only the branches its
 * profile saw taken; a branch first taken by real traffic sends the hot method back to the
 * interpreter (a deoptimization) and recompiles it on the cores the traffic needs. So:
 * <ul>
 *   <li>sessions come and go (several, one pair after another): what only a new session or
 *       socket does stays compiled;</li>
 *   <li>the two sessions of a pair take turns: a receive thread sees its peers change, as a
 *       listener's does, and its source-address cache both hits and misses;</li>
 *   <li>the application's bytes come in every shape ({@link Shapes}).</li>
 * </ul>
 */
final class WarmUp {

    /** Pairs of sessions a warm-up runs, one after another. */
    private static final int PAIRS = 2;
    /** The longest a warm-up may take. */
    private static final Duration LIMIT = Duration.ofSeconds(60);
    /** The longest a warm-up waits for the JIT to finish. */
    private static final Duration SETTLE = Duration.ofSeconds(2);

    private WarmUp() {}

    static void run(KcpConfig config, int roundTrips) throws IOException {
        if (roundTrips == 0) return;
        Instant deadline = Instant.now().plus(LIMIT);
        try (KcpListener l = Kcp.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), config)) {
            for (int i = 0; i < PAIRS; i++) {
                int n = roundTrips / PAIRS + (i < roundTrips % PAIRS ? 1 : 0);
                try (Echoed a = new Echoed(l, config, deadline); Echoed b = new Echoed(l, config, deadline)) {
                    for (int k = 0; k < n; k++) (k % 2 == 0 ? a : b).roundTrip();
                    a.finish();
                    b.finish();
                }
            }
        }
        awaitQuietCompiler();
    }

    /**
     * Waits (at most {@link #SETTLE}) until the JIT has finished what the warm-up gave it: its
     * optimizing compiles finish after the round trips that asked for them, and would otherwise
     * take the cores from the first real ones.
     */
    private static void awaitQuietCompiler() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) return;
        long end = System.nanoTime() + SETTLE.toNanos();
        long last = jit.getTotalCompilationTime();
        try {
            while (System.nanoTime() - end < 0) {
                Thread.sleep(100);
                long now = jit.getTotalCompilationTime();
                if (now == last) return;
                last = now;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A dialed session and the listener's session for it, which echoes every message on a
     * thread of its own. One message is in flight at a time.
     */
    private static final class Echoed implements AutoCloseable {
        private final KcpSession client;
        private final KcpSession server;
        private final Shapes mine = new Shapes();
        private int next;

        Echoed(KcpListener l, KcpConfig config, Instant deadline) throws IOException {
            client = Kcp.dial(l.localAddress(), config);
            try {
                client.setDeadline(deadline);
                mine.write(client, next);
                server = l.accept(LIMIT);
                if (server == null) throw new IOException("warm-up: the loopback session was not accepted");
            } catch (IOException | RuntimeException e) {
                client.close();
                throw e;
            }
            // timeouts on this side, a deadline on the other: both ways of bounding a call run hot
            server.setReadTimeout(LIMIT);
            server.setWriteTimeout(LIMIT);
            Thread echo = new Thread(() -> {
                Shapes theirs = new Shapes();
                try {
                    for (int i = 0; ; i++) {
                        theirs.read(server, i);
                        theirs.write(server, i);
                    }
                } catch (IOException e) {
                    // closed at the end
                }
            }, "kcp-warm-up");
            echo.setDaemon(true);
            echo.start();
        }

        /** Reads the echo of the message in flight and sends the next. */
        void roundTrip() throws IOException {
            mine.read(client, next);
            mine.write(client, ++next);
        }

        /** Reads the last echo. */
        void finish() throws IOException {
            mine.read(client, next);
        }

        @Override
        public void close() {
            server.close();
            client.close();
        }
    }

    /**
     * The ways an application passes its bytes, taken in turn: heap and direct buffers, an
     * array, the same array again, and a different one.
     */
    private static final class Shapes {
        private final ByteBuffer heap = ByteBuffer.allocate(64);
        private final ByteBuffer direct = ByteBuffer.allocateDirect(64);
        private final byte[] first = new byte[64];
        private final byte[] second = new byte[64];

        void write(KcpSession s, int i) throws IOException {
            switch (i % 5) {
                case 0 -> s.write(heap.clear());
                case 1 -> s.write(direct.clear());
                case 2, 3 -> s.write(first, 0, first.length);
                default -> s.write(second, 0, second.length);
            }
        }

        void read(KcpSession s, int i) throws IOException {
            switch (i % 5) {
                case 0 -> readFully(s, heap.clear());
                case 1 -> readFully(s, direct.clear());
                case 2, 3 -> readFully(s, first);
                default -> readFully(s, second);
            }
        }

        private static void readFully(KcpSession s, ByteBuffer b) throws IOException {
            while (b.hasRemaining()) s.read(b);
        }

        private static void readFully(KcpSession s, byte[] b) throws IOException {
            for (int got = 0; got < b.length; ) got += s.read(b, got, b.length - got);
        }
    }
}
