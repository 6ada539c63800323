package io.kcp.wire;

import java.nio.ByteBuffer;

/** SplitMix64 output, two words per nonce: reproducible, fast, not secure. */
final class SeededNonceSource implements NonceSource {

    private long state;

    SeededNonceSource(long seed) {
        state = seed;
    }

    @Override
    public void fill(ByteBuffer dst, int index) {
        putLong(dst, index, next());
        putLong(dst, index + 8, next());
    }

    private long next() {
        long z = state += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Little endian whatever the buffer's order, so the bytes do not depend on it. */
    private static void putLong(ByteBuffer b, int i, long v) {
        for (int k = 0; k < 8; k++) {
            b.put(i + k, (byte) (v >>> (8 * k)));
        }
    }
}
