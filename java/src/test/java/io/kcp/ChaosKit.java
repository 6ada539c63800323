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
