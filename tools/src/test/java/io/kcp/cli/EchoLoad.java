package io.kcp.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.CRC32;

/**
 * Pushes bytes through a tunnel to an echo server over several TCP connections at once, each
 * writing its share while it reads the echo back, and checks every byte by CRC-32. The payload
 * is half text (snappy shrinks it) and half noise (it does not), in runs of up to 8 KiB.
 */
final class EchoLoad {

    /** What a run moved. */
    record Result(long bytes, int connections, long nanos, boolean ok, String problems) {
        double mbPerSecond() {
            return bytes / (nanos / 1e9) / 1e6;
        }
    }

    private EchoLoad() {
    }

    static Result run(InetSocketAddress entry, int connections, long totalBytes, long seed, long timeoutSeconds)
            throws InterruptedException {
        long per = totalBytes / connections;
        ExecutorService pool = Executors.newFixedThreadPool(2 * connections);
        long start = System.nanoTime();
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            long s = seed * 1000 + i;
            results.add(pool.submit(() -> one(entry, per, s, pool)));
        }
        StringBuilder problems = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        for (Future<String> f : results) {
            try {
                String p = f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (p != null) problems.append(p).append("; ");
            } catch (ExecutionException e) {
                problems.append(e.getCause()).append("; ");
            } catch (TimeoutException e) {
                problems.append("timed out after ").append(timeoutSeconds).append(" s; ");
                break;
            }
        }
        long nanos = System.nanoTime() - start;
        pool.shutdownNow();
        return new Result(per * connections, connections, nanos, problems.length() == 0, problems.toString());
    }

    /** One connection: write {@code bytes} and read them back; null if the echo matched. */
    static String one(InetSocketAddress entry, long bytes, long seed, ExecutorService pool) throws Exception {
        try (SocketChannel c = SocketChannel.open(entry)) {
            c.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Future<Long> writer = pool.submit(() -> {
                Payload p = new Payload(seed);
                ByteBuffer b = ByteBuffer.allocate(32 * 1024);
                CRC32 crc = new CRC32();
                long left = bytes;
                while (left > 0) {
                    b.clear();
                    p.fill(b, (int) Math.min(b.capacity(), left));
                    crc.update(b.array(), 0, b.limit());
                    left -= b.limit();
                    while (b.hasRemaining()) c.write(b);
                }
                return crc.getValue();
            });
            CRC32 crc = new CRC32();
            ByteBuffer b = ByteBuffer.allocate(64 * 1024);
            long got = 0;
            while (got < bytes) {
                b.clear();
                int n = c.read(b);
                if (n < 0) break;
                crc.update(b.array(), 0, n);
                got += n;
            }
            long sent = writer.get();
            if (got != bytes) return "connection " + seed + ": echoed " + got + " of " + bytes + " bytes";
            if (crc.getValue() != sent) return "connection " + seed + ": echo CRC differs";
            return null;
        }
    }

    /** Half text, half noise, seeded. */
    static final class Payload {
        private static final byte[] TEXT = ("GET /tunnel/stream HTTP/1.1\r\nHost: kcp.example\r\n"
                + "User-Agent: kcp-java interop\r\nAccept: */*\r\n\r\n").getBytes();
        private final SplittableRandom rnd;
        private int runLeft;
        private boolean text;
        private int textPos;

        Payload(long seed) {
            rnd = new SplittableRandom(seed);
        }

        void fill(ByteBuffer b, int n) {
            byte[] a = b.array();
            for (int i = 0; i < n; ) {
                if (runLeft == 0) {
                    runLeft = 1 + rnd.nextInt(8192);
                    text = rnd.nextBoolean();
                }
                int k = Math.min(runLeft, n - i);
                if (text) {
                    for (int j = 0; j < k; j++) a[i + j] = TEXT[textPos++ % TEXT.length];
                } else {
                    for (int j = 0; j < k; j += 8) {
                        long r = rnd.nextLong();
                        for (int q = 0; q < 8 && j + q < k; q++) a[i + j + q] = (byte) (r >>> (8 * q));
                    }
                }
                i += k;
                runLeft -= k;
            }
            b.position(0).limit(n);
        }
    }
}
