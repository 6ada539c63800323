package io.kcp.kernel;

import io.kcp.fec.ReedSolomon;
import io.kcp.fec.ReedSolomonFactory;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.List;

/**
 * The C Reed-Solomon codec ({@code native/src/rs*.c}, SIMD chosen at run time) behind the
 * {@link ReedSolomon} interface.
 *
 * <p>Every argument is checked here, before the single JNI crossing per call, so C only sees
 * spans that lie inside the buffer. Direct buffers are coded in place; heap buffers are copied
 * through a per-instance direct staging buffer that grows to the largest group seen.
 *
 * <p>The SIMD path ({@link #setPath}) is one process-wide setting of the C library.
 */
public final class NativeReedSolomon implements ReedSolomon {

    /** Creates native codecs (throws {@link UnsatisfiedLinkError} if the library is unusable). */
    public static final ReedSolomonFactory FACTORY = NativeReedSolomon::new;

    /** The name {@link #setPath} takes for "best path this CPU supports". */
    public static final String AUTO = "auto";

    private static final KernelPaths PATHS = new KernelPaths("Reed-Solomon", NativeReedSolomon::availablePaths0,
            NativeReedSolomon::pathName0, NativeReedSolomon::setPath0);

    /** klauspost/reedsolomon's limit, KCP_RS_MAX_SHARDS in native/include/kcp/rs.h. */
    public static final int MAX_SHARDS = 256;

    // return codes and path numbers of native/include/kcp/rs.h
    private static final int OK = 0, ETOOFEW = -2, ENOMEM = -3;


    private final int k;
    private final int n;
    private final NativeInstance instance;
    /** One byte per shard for the C present flags; reused by every reconstruct. */
    private final ByteBuffer presentFlags;
    private ByteBuffer staging = ByteBuffer.allocateDirect(0);


    /**
     * @throws IllegalArgumentException unless {@code dataShards >= 1}, {@code parityShards >= 0}
     *     and {@code dataShards + parityShards <= 256}
     * @throws UnsatisfiedLinkError when the native library is unusable
     */
    public NativeReedSolomon(int dataShards, int parityShards) {
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
        NativeLibrary.ensureAvailable();
        long p = create0(dataShards, parityShards);
        if (p == 0) throw new OutOfMemoryError("native Reed-Solomon: cannot allocate a codec");
        k = dataShards;
        n = dataShards + parityShards;
        presentFlags = ByteBuffer.allocateDirect(n);
        instance = new NativeInstance(this, p, "Reed-Solomon codec", NativeReedSolomon::destroy0);
    }

    @Override
    public int dataShards() { return k; }

    @Override
    public int parityShards() { return n - k; }

    @Override
    public void encode(ByteBuffer group, int stride, int len) {
        int span = checkGroup(group, stride, len);
        if (group.isReadOnly()) throw new ReadOnlyBufferException();
        long p = ptr();
        if (n == k) return;
        int r;
        if (group.isDirect()) {
            r = encode0(p, group, group.position(), stride, len);
        } else {
            ByteBuffer s = stageIn(group, span);
            r = encode0(p, s, 0, stride, len);
            if (r == OK) {
                for (int i = k; i < n; i++) copyBack(s, group, i * stride, len);
            }
        }
        if (r != OK) fail("encode", r);
    }

    @Override
    public boolean verify(ByteBuffer group, int stride, int len) {
        int span = checkGroup(group, stride, len);
        long p = ptr();
        int r = group.isDirect()
                ? verify0(p, group, group.position(), stride, len)
                : verify0(p, stageIn(group, span), 0, stride, len);
        if (r < 0) fail("verify", r);
        return r == 1;
    }

    @Override
    public boolean reconstruct(ByteBuffer group, int stride, int len, boolean[] present,
                               boolean dataOnly) {
        int span = checkGroup(group, stride, len);
        if (present == null || present.length < n) {
            throw new IllegalArgumentException("present must have at least " + n + " flags, got "
                    + (present == null ? "null" : String.valueOf(present.length)));
        }
        if (group.isReadOnly()) throw new ReadOnlyBufferException();
        long p = ptr();
        for (int i = 0; i < n; i++) presentFlags.put(i, present[i] ? (byte) 1 : 0);
        int r;
        if (group.isDirect()) {
            r = reconstruct0(p, group, group.position(), stride, len, presentFlags, dataOnly);
        } else {
            ByteBuffer s = stageIn(group, span);
            r = reconstruct0(p, s, 0, stride, len, presentFlags, dataOnly);
            if (r == OK) {
                int last = dataOnly ? k : n;
                for (int i = 0; i < last; i++) {
                    if (!present[i]) copyBack(s, group, i * stride, len);
                }
            }
        }
        if (r == ETOOFEW) return false;
        if (r != OK) fail("reconstruct", r);
        return true;
    }

    /** Decode-matrix cache {hits, misses} since construction (for tests and tuning). */
    long[] cacheStats() {
        long[] hm = new long[2];
        cacheStats0(ptr(), hm);
        return hm;
    }

    @Override
    public void close() { instance.close(); }

    // ---- the process-wide SIMD path switch ----

    /**
     * Names of the kernel paths this CPU runs, e.g. {@code [scalar, avx2, gfni256]} on x86-64,
     * {@code [scalar, neon]} on AArch64.
     */
    public static List<String> availablePaths() {
        return PATHS.available();
    }

    /**
     * Forces one kernel path for every native codec in the process; {@value #AUTO} selects the
     * best one available. All paths give the same bytes.
     *
     * @throws IllegalArgumentException when {@code name} is not an available path or auto
     */
    public static void setPath(String name) {
        PATHS.select(name);
    }

    /** The name of the kernel path in use. */
    public static String path() {
        NativeLibrary.ensureAvailable();
        return pathName0(path0());
    }

    // ---- helpers ----

    private long ptr() {
        return instance.ptr();
    }

    /** Checks the group's shape against the buffer; returns the bytes it spans. */
    private int checkGroup(ByteBuffer group, int stride, int len) {
        return ReedSolomon.checkGroup(group, n, stride, len);
    }

    /** The staging buffer holding {@code group}'s first {@code span} remaining bytes. */
    private ByteBuffer stageIn(ByteBuffer group, int span) {
        if (staging.capacity() < span) {
            staging = ByteBuffer.allocateDirect(Math.max(span, 2 * staging.capacity()));
        }
        staging.put(0, group, group.position(), span);
        return staging;
    }

    private static void copyBack(ByteBuffer s, ByteBuffer group, int off, int len) {
        group.put(group.position() + off, s, off, len);
    }

    /** Throws for a C error code; Java checked every argument, so only memory can run out. */
    private static void fail(String op, int code) {
        if (code == ENOMEM) {
            throw new OutOfMemoryError("native Reed-Solomon " + op
                    + ": cannot allocate a decode matrix");
        }
        throw new IllegalStateException("native Reed-Solomon " + op + " failed with code " + code);
    }

    private static native long create0(int ds, int ps);
    private static native void destroy0(long ptr);
    private static native int encode0(long ptr, ByteBuffer buf, int pos, int stride, int len);
    private static native int verify0(long ptr, ByteBuffer buf, int pos, int stride, int len);
    private static native int reconstruct0(long ptr, ByteBuffer buf, int pos, int stride, int len,
                                           ByteBuffer present, boolean dataOnly);
    private static native void cacheStats0(long ptr, long[] hitsMisses);
    private static native int availablePaths0();
    private static native int setPath0(int path);
    private static native int path0();
    private static native String pathName0(int path);
}
