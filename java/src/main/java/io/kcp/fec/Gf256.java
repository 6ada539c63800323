package io.kcp.fec;

/** Arithmetic in GF(2^8) with the polynomial 0x11D and generator 2 (klauspost/reedsolomon's field). */
final class Gf256 {

    static final int POLYNOMIAL = 0x11D;

    /** {@code EXP[i] = 2^i}, doubled in length so that {@code EXP[LOG[a] + LOG[b]]} needs no modulo. */
    private static final int[] EXP = new int[510];
    private static final int[] LOG = new int[256];

    /** {@code MUL[a << 8 | b] = a * b}: the 64 KiB table the coding tables are built from. */
    static final byte[] MUL = new byte[256 * 256];

    static {
        int x = 1;
        for (int i = 0; i < 255; i++) {
            EXP[i] = x;
            EXP[i + 255] = x;
            LOG[x] = i;
            x <<= 1;
            if ((x & 0x100) != 0) {
                x ^= POLYNOMIAL;
            }
        }
        for (int a = 1; a < 256; a++) {
            for (int b = 1; b < 256; b++) {
                MUL[a << 8 | b] = (byte) EXP[LOG[a] + LOG[b]];
            }
        }
    }

    private Gf256() {
    }

    static int mul(int a, int b) {
        return MUL[a << 8 | b] & 0xFF;
    }

    /** The multiplicative inverse; {@code a} must not be 0. */
    static int inverse(int a) {
        if (a == 0) {
            throw new ArithmeticException("0 has no inverse in GF(2^8)");
        }
        return EXP[255 - LOG[a]];
    }

    /** The discrete logarithm of {@code a} (1..255) to base 2, in 0..254. */
    static int log(int a) {
        return LOG[a];
    }

    /** {@code 2^e} for {@code 0 <= e < 510}. */
    static int exp(int e) {
        return EXP[e];
    }
}
