package io.kcp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/** Helpers for the chaos scenarios: checked byte streams, and what the process holds. */
final class ChaosKit {

    private ChaosKit() {
    }

    /** Writes {@code total} seeded pseudo-random bytes; returns their CRC-32. */
    static long send(KcpSession s, long total, long seed) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        CRC32 crc = new CRC32();
        byte[] chunk = new byte[64 << 10];
        for (long left = total; left > 0; ) {
            int n = (int) Math.min(chunk.length, left);
            for (int i = 0; i < n; i += 8) {
                long v = rnd.nextLong();
                for (int k = 0; k < 8 && i + k < n; k++) chunk[i + k] = (byte) (v >>> (8 * k));
            }
            crc.update(chunk, 0, n);
            s.write(ByteBuffer.wrap(chunk, 0, n));
            left -= n;
        }
        return crc.getValue();
    }

    /** Reads exactly {@code total} bytes; returns their CRC-32. */
    static long receive(KcpSession s, long total) throws IOException {
        CRC32 crc = new CRC32();
        ByteBuffer buf = ByteBuffer.allocate(64 << 10);
        for (long left = total; left > 0; ) {
            buf.clear().limit((int) Math.min(buf.capacity(), left));
            int n = s.read(buf);
            crc.update(buf.array(), 0, n);
            left -= n;
        }
        return crc.getValue();
    }

    /**
     * One datagram of a flood that fills a session's receive buffer with nothing: 60 empty PUSH
     * segments of conversation {@code conv}; in {@code round} 0 the first is sn 0 (it opens the
     * session), all others lie beyond sn 1, out of order, within a 1024-segment window.
     */
    static ByteBuffer emptyPushes(ByteBuffer b, int conv, int round) {
        b.clear().order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int k = 0; k < 60; k++) {
            int sn = round == 0 && k == 0 ? 0 : 2 + (round * 60 + k) % 1000;
            b.putInt(conv).put((byte) 81).put((byte) 0).putShort((short) 1024)
                    .putInt(0).putInt(sn).putInt(0).putInt(0);
        }
        return b.flip();
    }

    /** Resident memory of this process, in MiB (Linux; -1 elsewhere). */
    static long rssMib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** Threads of kcp-java's own (receive loops, scheduler). */
    static int transportThreads() {
        return SessionTestKit.threadsMatching(SessionTestKit.LIBRARY_THREADS).size();
    }
}
