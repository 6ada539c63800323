package io.kcp.fec;

/**
 * A small LRU of decode plans keyed by erasure pattern: which shards the inputs are (the first
 * {@code k} present ones) and which shards are rebuilt. A plan holds the coding tables of its
 * output rows. Evicted plans are refilled in place, so a full cache allocates only the small
 * matrices of the inversion on a miss.
 */
final class DecodeCache {

    static final int CAPACITY = 8;

    /** One erasure pattern's inputs, outputs and coding tables. */
    static final class Plan {
        final long[] inputMask = new long[4];
        final long[] outputMask = new long[4];
        final int[] inputs;
        final int[] outputs;
        int outputCount;
        final long[][] tables;
        long lastUse;

        Plan(int k, int maxOutputs) {
            inputs = new int[k];
            outputs = new int[maxOutputs];
            tables = CodingKernel.allocateTables(k, maxOutputs);
        }
    }

    private final int k;
    private final int maxOutputs;
    private final int[][] matrix;
    private final Plan[] plans = new Plan[CAPACITY];
    private int size;
    private long clock;
    private long hits;
    private long misses;

    DecodeCache(int[][] matrix, int k, int maxOutputs) {
        this.matrix = matrix;
        this.k = k;
        this.maxOutputs = maxOutputs;
    }

    /**
     * The plan for these input/output shard sets ({@code inputs} has k entries, {@code outputs}
     * {@code outputCount}); the masks are the same sets as bitmaps.
     */
    Plan plan(long[] inputMask, long[] outputMask, int[] inputs, int[] outputs, int outputCount) {
        clock++;
        for (int i = 0; i < size; i++) {
            Plan p = plans[i];
            if (sameMask(p.inputMask, inputMask) && sameMask(p.outputMask, outputMask)) {
                p.lastUse = clock;
                hits++;
                return p;
            }
        }
        misses++;
        Plan p;
        if (size < CAPACITY) {
            p = new Plan(k, maxOutputs);
            plans[size++] = p;
        } else {
            p = plans[0];
            for (int i = 1; i < size; i++) {
                if (plans[i].lastUse < p.lastUse) {
                    p = plans[i];
                }
            }
        }
        System.arraycopy(inputMask, 0, p.inputMask, 0, 4);
        System.arraycopy(outputMask, 0, p.outputMask, 0, 4);
        System.arraycopy(inputs, 0, p.inputs, 0, k);
        System.arraycopy(outputs, 0, p.outputs, 0, outputCount);
        p.outputCount = outputCount;
        p.lastUse = clock;
        CodingKernel.fillTables(p.tables, outputRows(inputs, outputs, outputCount), outputCount, k);
        return p;
    }

    /**
     * Rows that rebuild each output from the inputs: for a data shard, its row of the inverse of
     * the inputs' encoding rows; for a parity shard, its encoding row times that inverse.
     */
    private int[][] outputRows(int[] inputs, int[] outputs, int outputCount) {
        int[][] sub = new int[k][];
        for (int i = 0; i < k; i++) {
            sub[i] = matrix[inputs[i]];
        }
        int[][] inv = GfMatrix.invert(sub);
        int[][] rows = new int[outputCount][];
        for (int j = 0; j < outputCount; j++) {
            int s = outputs[j];
            if (s < k) {
                rows[j] = inv[s];
            } else {
                rows[j] = new int[k];
                GfMatrix.multiplyRow(matrix[s], inv, rows[j]);
            }
        }
        return rows;
    }

    private static boolean sameMask(long[] a, long[] b) {
        return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3];
    }

    long hits() {
        return hits;
    }

    long misses() {
        return misses;
    }
}
