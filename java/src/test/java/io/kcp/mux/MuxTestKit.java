package io.kcp.mux;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import java.util.zip.CRC32;

/** Helpers for mux tests. */
final class MuxTestKit {

    private MuxTestKit() {
    }

    /** A client and a server session over a pipe pair. */
    record Pair(MuxSession client, MuxSession server) implements AutoCloseable {
        @Override
        public void close() {
            client.close();
            server.close();
        }
    }

    static Pair pair(MuxConfig config) throws IOException {
        ChannelPair p = ChannelPair.open();
        return new Pair(MuxSession.client(p.a, config), MuxSession.server(p.b, config));
    }

    static MuxConfig.Builder quiet(int version) {
        return MuxConfig.builder().version(version).keepAliveDisabled();
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] readFully(MuxStream s, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (s.read(b) < 0) throw new java.io.EOFException("EOF after " + b.position() + " of " + n);
        }
        return b.array();
    }

    /** Reads to the peer's FIN; returns the CRC-32 and the count. */
    static long[] drain(MuxStream s) throws IOException {
        CRC32 crc = new CRC32();
        ByteBuffer b = ByteBuffer.allocate(50_000);
        long total = 0;
        while (true) {
            b.clear();
            int n = s.read(b);
            if (n < 0) return new long[] {crc.getValue(), total};
            crc.update(b.array(), 0, n);
            total += n;
        }
    }

    static long crc(byte[] b) {
        CRC32 c = new CRC32();
        c.update(b);
        return c.getValue();
    }

    /** Polls {@code condition} every 5 ms for up to {@code limit}. */
    static boolean eventually(Duration limit, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) return false;
            Thread.sleep(5);
        }
        return true;
    }
}
