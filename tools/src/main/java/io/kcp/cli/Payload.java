package io.kcp.cli;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The protocol's deterministic payload stream: splitmix64 outputs from {@code seed}, 8 bytes
 * each, little-endian, concatenated. Both ends regenerate it, so nothing is stored.
 */
final class Payload {

    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private long state;
    private long block;
    private int used = 8; // bytes of block already handed out

    Payload(long seed) {
        this.state = seed;
    }

    /** Fills {@code b[off, off+len)} with the next {@code len} bytes of the stream. */
    void fill(byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        while (i < end && used < 8) {
            b[i++] = (byte) (block >>> (8 * used++));
        }
        while (end - i >= 8) {
            LONG_LE.set(b, i, next());
            i += 8;
        }
        if (i < end) {
            block = next();
            used = 0;
            while (i < end) {
                b[i++] = (byte) (block >>> (8 * used++));
            }
        }
    }

    private long next() {
        state += 0x9e3779b97f4a7c15L;
        long z = state;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
