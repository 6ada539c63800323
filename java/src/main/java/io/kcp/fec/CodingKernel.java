package io.kcp.fec;

import java.util.Arrays;

/**
 * The inner loop of {@link JavaReedSolomon}: {@code out[j] = sum over c of rows[j][c] * in[c]}
 * for up to 8 output shards per pass.
 *
 * <p>Why this shape: one lookup in a table of longs gives the products of an input byte with the
 * coefficients of eight output rows at once, so each input byte is looked up once per group of 8
 * outputs instead of once per output; the running sums live in a {@code long[]} with one entry
 * per byte position, and the last input pass writes the output bytes directly. Measured on
 * 10+3 × 1400 B this is about 3× faster than one 256-byte multiplication row per coefficient.
 *
 * <p>A table is 2 KiB per input and group of 8 outputs. Callers that keep tables (the parity
 * rows, small decode plans) pass them in; for the others the tables are built here, {@value
 * #BLOCK} inputs at a time, into a scratch area of {@value #BLOCK} tables, so a large shape
 * costs 64 KiB of scratch rather than megabytes of tables.
 */
final class CodingKernel {

    /** Inputs whose tables are built at a time when the caller has none. */
    static final int BLOCK = 32;
    /** Bytes of one table. */
    static final int TABLE_BYTES = 256 * Long.BYTES;

    private long[] acc = new long[0];
    private long[][] blockTables;

    /** Number of 8-output table groups for {@code outputs} rows. */
    static int chunks(int outputs) {
        return (outputs + 7) >>> 3;
    }

    /** Tables for {@code outputs} rows of {@code k} coefficients. */
    static long[][] allocateTables(int k, int outputs) {
        return new long[chunks(outputs) * k][256];
    }

    /**
     * Fills {@code tables[q*k + c][v]} with, in byte {@code j}, {@code rows[8q+j][c] * v}, for
     * the first {@code m} rows of {@code rows} (row r at {@code [r*k, r*k + k)}).
     */
    static void fillTables(long[][] tables, byte[] rows, int m, int k) {
        for (int q = 0; q < chunks(m); q++) {
            int mq = Math.min(8, m - 8 * q);
            for (int c = 0; c < k; c++) {
                fillTable(tables[q * k + c], rows, k, c, 8 * q, mq);
            }
        }
    }

    /**
     * One table: column c of rows {@code first .. first+mq}. Multiplication is linear over
     * GF(2), so only the 8 powers of two need the multiplication table; every other entry is
     * the XOR of two entries already filled.
     */
    private static void fillTable(long[] t, byte[] rows, int k, int c, int first, int mq) {
        byte[] mul = Gf256.MUL;
        for (int b = 0; b < 8; b++) {
            long w = 0;
            for (int j = 0; j < mq; j++) {
                int coef = rows[(first + j) * k + c] & 0xFF;
                w |= (long) (mul[coef << 8 | 1 << b] & 0xFF) << (8 * j);
            }
            t[1 << b] = w;
        }
        t[0] = 0;
        for (int v = 3; v < 256; v++) {
            int low = v & -v;
            if (low != v) {
                t[v] = t[v ^ low] ^ t[low];
            }
        }
    }

    /**
     * Codes {@code m} output shards of {@code len} bytes at {@code out[outOff[j]..]} from
     * {@code k} input shards at {@code in[inOff[c]..]} with the tables of their rows
     * ({@link #fillTables}). Outputs must not overlap inputs.
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
                Arrays.fill(a, 0, len, 0L);
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

    /**
     * As {@link #apply}, from the {@code m} rows of {@code k} coefficients themselves (row j at
     * {@code [j*k, j*k + k)}): the tables are built {@value #BLOCK} inputs at a time. Costs a
     * table fill per input and group of 8 outputs on every call, so it serves the large plans
     * whose tables are not kept.
     */
    void applyRows(byte[] rows, int k, int m, byte[] in, int[] inOff, byte[] out, int[] outOff,
                   int len) {
        if (acc.length < len) {
            acc = new long[len];
        }
        if (blockTables == null) {
            blockTables = new long[BLOCK][256];
        }
        long[] a = acc;
        for (int q = 0; q < chunks(m); q++) {
            int mq = Math.min(8, m - 8 * q);
            for (int c0 = 0; c0 < k; c0 += BLOCK) {
                int c1 = Math.min(k, c0 + BLOCK);
                for (int c = c0; c < c1; c++) {
                    fillTable(blockTables[c - c0], rows, k, c, 8 * q, mq);
                }
                for (int c = c0; c < c1; c++) {
                    long[] t = blockTables[c - c0];
                    int io = inOff[c];
                    if (c == 0) {
                        for (int i = 0; i < len; i++) {
                            a[i] = t[in[io + i] & 0xFF];
                        }
                    } else {
                        for (int i = 0; i < len; i++) {
                            a[i] ^= t[in[io + i] & 0xFF];
                        }
                    }
                }
            }
            for (int j = 0; j < mq; j++) {
                int o = outOff[8 * q + j];
                int s = 8 * j;
                for (int i = 0; i < len; i++) {
                    out[o + i] = (byte) (a[i] >>> s);
                }
            }
        }
    }
}
