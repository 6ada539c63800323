package io.kcp.fec;

/**
 * A small LRU of decode plans keyed by erasure pattern: which shards the inputs are (the first
 * {@code k} present ones) and which shards are rebuilt. A plan holds the rows that rebuild its
 * outputs ({@link GfMatrix#interpolationRows}) and, when they are small enough, their coding
 * tables.
 *
 * <p>The cache is bounded in bytes as well as in plans, because a peer chooses the patterns: at
 * most {@value #CAPACITY} plans and {@value #BUDGET} bytes of rows and tables. Plans whose
 * tables would exceed {@value #MAX_PLAN_TABLES} bytes keep only their rows (at most 64 KiB) and
 * the kernel builds tables as it codes. An evicted plan's arrays are reused when they fit, so a
 * cache of one shape's plans stops allocating once it is full.
 */
final class DecodeCache {

    static final int CAPACITY = 8;
    static final int BUDGET = 256 << 10;
    static final int MAX_PLAN_TABLES = 64 << 10;

    /** One erasure pattern's inputs, outputs and coding rows (and maybe tables). */
    static final class Plan {
        final long[] inputMask = new long[4];
        final long[] outputMask = new long[4];
        int outputCount;
        byte[] rows = new byte[0];
        /** Null when the kernel builds the tables itself. */
        long[][] tables;
        long lastUse;

        long bytes() {
            return rows.length + (tables == null ? 0 : (long) tables.length * CodingKernel.TABLE_BYTES);
        }
    }

    private final int k;
    private final Plan[] plans = new Plan[CAPACITY];
    private final int[] logWeights;
    private Plan spare;
    private int size;
    private long bytes;
    private long clock;
    private long hits;
    private long misses;

    DecodeCache(int k) {
        this.k = k;
        this.logWeights = new int[k];
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
        int rowBytes = outputCount * k;
        int tableCount = CodingKernel.chunks(outputCount) * k;
        boolean keepTables = (long) tableCount * CodingKernel.TABLE_BYTES <= MAX_PLAN_TABLES;
        long need = rowBytes + (keepTables ? (long) tableCount * CodingKernel.TABLE_BYTES : 0);
        while (size > 0 && (size == CAPACITY || bytes + need > BUDGET)) {
            evictOldest();
        }
        Plan p = spare != null ? spare : new Plan();
        spare = null;
        if (p.rows.length < rowBytes) {
            p.rows = new byte[rowBytes];
        }
        if (!keepTables) {
            p.tables = null;
        } else if (p.tables == null || p.tables.length < tableCount) {
            p.tables = new long[tableCount][256];
        }
        System.arraycopy(inputMask, 0, p.inputMask, 0, 4);
        System.arraycopy(outputMask, 0, p.outputMask, 0, 4);
        p.outputCount = outputCount;
        p.lastUse = clock;
        GfMatrix.interpolationRows(inputs, k, outputs, outputCount, p.rows, logWeights);
        if (p.tables != null) {
            CodingKernel.fillTables(p.tables, p.rows, outputCount, k);
        }
        plans[size++] = p;
        bytes += p.bytes();
        return p;
    }

    /** Drops the least recently used plan; its arrays wait in {@link #spare} for reuse. */
    private void evictOldest() {
        int oldest = 0;
        for (int i = 1; i < size; i++) {
            if (plans[i].lastUse < plans[oldest].lastUse) {
                oldest = i;
            }
        }
        Plan p = plans[oldest];
        plans[oldest] = plans[--size];
        plans[size] = null;
        bytes -= p.bytes();
        spare = p;
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

    /** Bytes of rows and tables the cached plans hold (the spare's arrays not included). */
    long bytes() {
        return bytes;
    }
}
