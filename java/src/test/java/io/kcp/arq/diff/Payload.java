package io.kcp.arq.diff;

import java.util.Arrays;
import java.util.Random;

/** Message bytes: windows into one fixed pseudo-random block (cheap, deterministic). */
final class Payload {
    private Payload() {}

    private static final int SIZE = 1 << 19;
    private static final byte[] BLOCK = new byte[SIZE + 4096];

    static {
        new Random(0x6b6370L).nextBytes(BLOCK);
    }

    static byte[] of(Random rnd, int n) {
        if (n <= SIZE) {
            int off = rnd.nextInt(BLOCK.length - n + 1);
            return Arrays.copyOfRange(BLOCK, off, off + n);
        }
        byte[] b = new byte[n];
        for (int i = 0; i < n; i += SIZE) {
            System.arraycopy(BLOCK, rnd.nextInt(4096), b, i, Math.min(SIZE, n - i));
        }
        return b;
    }
}
