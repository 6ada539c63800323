package io.kcp.fec;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The pure-Java {@link ReedSolomon}: klauspost/reedsolomon's default matrix, table-driven
 * coding ({@link CodingKernel}). Heap buffers are coded in place; other buffers are copied
 * through a scratch array that grows once to the largest group seen.
 *
 * <p>Creating a codec is cheap: the parity rows (shared per shape, {@link ParityRows}) and
 * their coding tables are only made on the first {@link #encode}, {@link #verify} or
 * {@link #parityRow}, so a codec that only reconstructs (an FEC decoder's) never pays for them;
 * decoding needs no matrix at all ({@link GfMatrix}).
 */
public final class JavaReedSolomon implements ReedSolomon {

    /** klauspost/reedsolomon's limit: shard indices fit in a byte. */
    public static final int MAX_SHARDS = 256;

    private final int k;
    private final int m;
    private final int n;
    /** Shared with other codecs of this shape: read only. Null until first needed. */
    private byte[] parity;
    private long[][] parityTables;
    private final CodingKernel kernel = new CodingKernel();
    private final DecodeCache cache;
    private final int[] inOff;
    private final int[] outOff;
    private final int[] inputs;
    private final int[] outputs;
    private final long[] inputMask = new long[4];
    private final long[] outputMask = new long[4];
    private byte[] scratch = new byte[0];

    /**
     * @throws IllegalArgumentException unless {@code dataShards >= 1}, {@code parityShards >= 0}
     *     and {@code dataShards + parityShards <= 256}
     */
    public JavaReedSolomon(int dataShards, int parityShards) {
        checkShape(dataShards, parityShards);
        k = dataShards;
        m = parityShards;
        n = k + m;
        cache = new DecodeCache(k);
        inOff = new int[n];
        outOff = new int[n];
        inputs = new int[k];
        outputs = new int[n];
    }

    static void checkShape(int dataShards, int parityShards) {
        if (dataShards < 1) {
            throw new IllegalArgumentException("dataShards must be >= 1, got " + dataShards);
        }
        if (parityShards < 0) {
            throw new IllegalArgumentException("parityShards must be >= 0, got " + parityShards);
        }
        if (dataShards + parityShards > MAX_SHARDS) {
            throw new IllegalArgumentException("dataShards + parityShards must be <= " + MAX_SHARDS
                    + ", got " + dataShards + " + " + parityShards);
        }
    }

    @Override
    public int dataShards() {
        return k;
    }

    @Override
    public int parityShards() {
        return m;
    }

    /** Row {@code ds + p} of the encoding matrix (the coefficients of parity shard p). */
    public int[] parityRow(int p) {
        if (p < 0 || p >= m) {
            throw new IllegalArgumentException("parity index must be in [0, " + m + "), got " + p);
        }
        byte[] rows = parity();
        int[] row = new int[k];
        for (int c = 0; c < k; c++) {
            row[c] = rows[p * k + c] & 0xFF;
        }
        return row;
    }

    private byte[] parity() {
        if (parity == null) {
            parity = ParityRows.of(k, m);
        }
        return parity;
    }

    private long[][] parityTables() {
        if (parityTables == null) {
            long[][] t = CodingKernel.allocateTables(k, m);
            CodingKernel.fillTables(t, parity(), m, k);
            parityTables = t;
        }
        return parityTables;
    }

    @Override
    public void encode(ByteBuffer group, int stride, int len) {
        checkGroup(group, stride, len);
        if (m == 0) {
            return;
        }
        if (group.hasArray()) {
            int base = group.arrayOffset() + group.position();
            for (int i = 0; i < n; i++) {
                inOff[i] = base + i * stride;
            }
            System.arraycopy(inOff, k, outOff, 0, m);
            byte[] a = group.array();
            kernel.apply(parityTables(), k, m, a, inOff, a, outOff, len);
        } else {
            byte[] s = scratch(n * len);
            int pos = group.position();
            for (int i = 0; i < k; i++) {
                group.get(pos + i * stride, s, i * len, len);
                inOff[i] = i * len;
            }
            for (int p = 0; p < m; p++) {
                outOff[p] = (k + p) * len;
            }
            kernel.apply(parityTables(), k, m, s, inOff, s, outOff, len);
            for (int p = 0; p < m; p++) {
                group.put(pos + (k + p) * stride, s, (k + p) * len, len);
            }
        }
    }

    @Override
    public boolean verify(ByteBuffer group, int stride, int len) {
        checkGroup(group, stride, len);
        if (m == 0) {
            return true;
        }
        // Parity is recomputed into the scratch array: [computed m*len][given m*len][data k*len].
        byte[] s = scratch((2 * m + (group.hasArray() ? 0 : k)) * len);
        for (int p = 0; p < m; p++) {
            outOff[p] = p * len;
        }
        byte[] in;
        int pos = group.position();
        if (group.hasArray()) {
            in = group.array();
            int base = group.arrayOffset() + pos;
            for (int i = 0; i < k; i++) {
                inOff[i] = base + i * stride;
            }
        } else {
            in = s;
            for (int i = 0; i < k; i++) {
                inOff[i] = (2 * m + i) * len;
                group.get(pos + i * stride, s, inOff[i], len);
            }
        }
        kernel.apply(parityTables(), k, m, in, inOff, s, outOff, len);
        for (int p = 0; p < m; p++) {
            group.get(pos + (k + p) * stride, s, (m + p) * len, len);
        }
        return Arrays.equals(s, 0, m * len, s, m * len, 2 * m * len);
    }

    @Override
    public boolean reconstruct(ByteBuffer group, int stride, int len, boolean[] present,
                               boolean dataOnly) {
        checkGroup(group, stride, len);
        if (present == null || present.length < n) {
            throw new IllegalArgumentException("present must have at least " + n + " flags, got "
                    + (present == null ? "null" : String.valueOf(present.length)));
        }
        Arrays.fill(inputMask, 0L);
        Arrays.fill(outputMask, 0L);
        int found = 0;
        int missing = 0;
        for (int i = 0; i < n; i++) {
            if (present[i]) {
                if (found < k) {
                    inputs[found++] = i;
                    inputMask[i >>> 6] |= 1L << i;
                }
            } else if (i < k || !dataOnly) {
                outputs[missing++] = i;
                outputMask[i >>> 6] |= 1L << i;
            }
        }
        if (missing == 0) {
            return true;
        }
        if (found < k) {
            return false;
        }
        DecodeCache.Plan plan = cache.plan(inputMask, outputMask, inputs, outputs, missing);
        int pos = group.position();
        if (group.hasArray()) {
            int base = group.arrayOffset() + pos;
            for (int c = 0; c < k; c++) {
                inOff[c] = base + inputs[c] * stride;
            }
            for (int j = 0; j < missing; j++) {
                outOff[j] = base + outputs[j] * stride;
            }
            byte[] a = group.array();
            code(plan, a, inOff, a, outOff, len);
        } else {
            byte[] s = scratch((k + missing) * len);
            for (int c = 0; c < k; c++) {
                inOff[c] = c * len;
                group.get(pos + inputs[c] * stride, s, inOff[c], len);
            }
            for (int j = 0; j < missing; j++) {
                outOff[j] = (k + j) * len;
            }
            code(plan, s, inOff, s, outOff, len);
            for (int j = 0; j < missing; j++) {
                group.put(pos + outputs[j] * stride, s, outOff[j], len);
            }
        }
        return true;
    }

    private void code(DecodeCache.Plan plan, byte[] in, int[] inOff, byte[] out, int[] outOff,
                      int len) {
        if (plan.tables != null) {
            kernel.apply(plan.tables, k, plan.outputCount, in, inOff, out, outOff, len);
        } else {
            kernel.applyRows(plan.rows, k, plan.outputCount, in, inOff, out, outOff, len);
        }
    }

    /** Decode-matrix cache hits and misses since construction (for tests and tuning). */
    long cacheHits() {
        return cache.hits();
    }

    long cacheMisses() {
        return cache.misses();
    }

    /** Bytes of decode rows and tables cached now. */
    long cacheBytes() {
        return cache.bytes();
    }

    /** True once the parity tables exist (after the first encode or verify). */
    boolean hasParityTables() {
        return parityTables != null;
    }

    @Override
    public void close() {
        // Nothing native to release.
    }

    private void checkGroup(ByteBuffer group, int stride, int len) {
        ReedSolomon.checkGroup(group, n, stride, len);
    }

    private byte[] scratch(int size) {
        if (scratch.length < size) {
            scratch = new byte[size];
        }
        return scratch;
    }
}
