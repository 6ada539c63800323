package io.kcp.arq.diff;

/**
 * The kinds of {@link java.nio.ByteBuffer} an event hands to a kernel. The JNI glue reaches
 * heap arrays, array slices, direct memory and read-only views by different routes, so each
 * route is exercised.
 */
enum BufKind {
    HEAP, HEAP_SLICE, DIRECT, DIRECT_SLICE, READ_ONLY_HEAP, READ_ONLY_DIRECT;

    private static final BufKind[] ALL = values();
    private static final BufKind[] WRITABLE = {HEAP, HEAP_SLICE, DIRECT, DIRECT_SLICE};

    static BufKind any(java.util.Random rnd) { return ALL[rnd.nextInt(ALL.length)]; }

    static BufKind writable(java.util.Random rnd) { return WRITABLE[rnd.nextInt(WRITABLE.length)]; }

    boolean direct() { return this == DIRECT || this == DIRECT_SLICE || this == READ_ONLY_DIRECT; }

    boolean slice() { return this == HEAP_SLICE || this == DIRECT_SLICE; }

    boolean readOnly() { return this == READ_ONLY_HEAP || this == READ_ONLY_DIRECT; }
}
