package io.kcp.fec;

/**
 * The inner loop of {@link JavaReedSolomon}: {@code out[j] = sum over c of rows[j][c] * in[c]}
 * for up to 8 output shards per pass.
 *
 * <p>Why this shape: one lookup in a table of longs gives the products of an input byte with the
 * coefficients of eight output rows at once, so each input byte is looked up once per group of 8
 * outputs instead of once per output; the running sums live in a {@code long[]} with one entry
 * per byte position, and the last input pass writes the output bytes directly. Measured on
 * 10+3 × 1400 B this is about 3× faster than one 256-byte multiplication row per coefficient.
 */
final class CodingKernel {

    private long[] acc = new long[0];

    /** Number of 8-output table groups for {@code outputs} rows. */
    static int chunks(int outputs) {
        return (outputs + 7) >>> 3;
    }

    /** Tables for up to {@code maxOutputs} rows of {@code k} coefficients. */
    static long[][] allocateTables(int k, int maxOutputs) {
        return new long[chunks(maxOutputs) * k][256];
    }

    /**
     * Fills {@code tables[q*k + c][v]} with, in byte {@code j}, {@code rows[8q+j][c] * v}.
     * Only the first {@code m} rows are used.
     */
    static void fillTables(long[][] tables, int[][] rows, int m, int k) {
        byte[] mul = Gf256.MUL;
        for (int q = 0; q < chunks(m); q++) {
            int mq = Math.min(8, m - 8 * q);
            for (int c = 0; c < k; c++) {
                long[] t = tables[q * k + c];
                for (int v = 0; v < 256; v++) {
                    long w = 0;
                    for (int j = 0; j < mq; j++) {
                        w |= (long) (mul[rows[8 * q + j][c] << 8 | v] & 0xFF) << (8 * j);
                    }
                    t[v] = w;
                }
            }
        }
    }

    /**
     * Codes {@code m} output shards of {@code len} bytes at {@code out[outOff[j]..]} from
     * {@code k} input shards at {@code in[inOff[c]..]}. Outputs must not overlap inputs.
     */
    void apply(long[][] tables, int k, int m, byte[] in, int[] inOff, byte[] out, int[] outOff,
               int len) {
        if (acc.length < len) {
            acc = new long[len];
        }
        long[] a = acc;
        for (int q = 0; q < chunks(m); q++) {
            int tb = q * k;
            int mq = Math.min(8, m - 8 * q);
            if (k == 1) {
                java.util.Arrays.fill(a, 0, len, 0L);
            } else {
                long[] t = tables[tb];
                int io = inOff[0];
                for (int i = 0; i < len; i++) {
                    a[i] = t[in[io + i] & 0xFF];
                }
                for (int c = 1; c < k - 1; c++) {
                    t = tables[tb + c];
                    io = inOff[c];
                    for (int i = 0; i < len; i++) {
                        a[i] ^= t[in[io + i] & 0xFF];
                    }
                }
            }
            long[] t = tables[tb + k - 1];
            int io = inOff[k - 1];
            int ob = 8 * q;
            switch (mq) {
                case 1: {
                    int o0 = outOff[ob];
                    for (int i = 0; i < len; i++) {
                        out[o0 + i] = (byte) (a[i] ^ t[in[io + i] & 0xFF]);
                    }
                    break;
                }
                case 2: {
                    int o0 = outOff[ob];
                    int o1 = outOff[ob + 1];
                    for (int i = 0; i < len; i++) {
                        long v = a[i] ^ t[in[io + i] & 0xFF];
                        out[o0 + i] = (byte) v;
                        out[o1 + i] = (byte) (v >>> 8);
                    }
                    break;
                }
                case 3: {
                    int o0 = outOff[ob];
                    int o1 = outOff[ob + 1];
                    int o2 = outOff[ob + 2];
                    for (int i = 0; i < len; i++) {
                        long v = a[i] ^ t[in[io + i] & 0xFF];
                        out[o0 + i] = (byte) v;
                        out[o1 + i] = (byte) (v >>> 8);
                        out[o2 + i] = (byte) (v >>> 16);
                    }
                    break;
                }
                default: {
                    for (int i = 0; i < len; i++) {
                        a[i] ^= t[in[io + i] & 0xFF];
                    }
                    for (int j = 0; j < mq; j++) {
                        int o = outOff[ob + j];
                        int s = 8 * j;
                        for (int i = 0; i < len; i++) {
                            out[o + i] = (byte) (a[i] >>> s);
                        }
                    }
                }
            }
        }
    }
}
