package io.kcp.fec;

import java.nio.ByteBuffer;

/**
 * A Reed-Solomon erasure codec over GF(2^8) (polynomial 0x11D) with klauspost/reedsolomon's
 * default systematic matrix, so parity is byte-identical to kcp-go's. Implemented in C
 * ({@code io.kcp.kernel.NativeReedSolomon}, SIMD chosen at run time) and in Java
 * ({@link JavaReedSolomon}); both give the same bytes.
 *
 * <p>A whole FEC group is one buffer: shard {@code i} (data shards first, then parity) occupies
 * {@code [base + i*stride, base + i*stride + len)} where {@code base} is the buffer's position;
 * {@code stride >= len >= 1}. One call codes a whole group. Not thread-safe (the decode-matrix
 * cache is per instance).
 */
public interface ReedSolomon extends AutoCloseable {

    int dataShards();

    int parityShards();

    /** Computes the parity shards from the data shards, in place. */
    void encode(ByteBuffer group, int stride, int len);

    /** True when every parity shard matches the data shards. */
    boolean verify(ByteBuffer group, int stride, int len);

    /**
     * Rebuilds the shards whose {@code present} flag is false (only the data shards when
     * {@code dataOnly}) from the first {@code dataShards()} present ones, in shard order. The
     * decode matrix for each erasure pattern is cached. Returns false, changing nothing, when
     * fewer than {@code dataShards()} shards are present.
     */
    boolean reconstruct(ByteBuffer group, int stride, int len, boolean[] present, boolean dataOnly);

    /** Releases native memory, if any. Idempotent. */
    @Override
    void close();

    /**
     * Checks a group against the contract every implementation shares and returns the bytes it
     * spans: {@code shards} shards of {@code len} bytes, {@code stride} apart, from the buffer's
     * position.
     *
     * @throws IllegalArgumentException for a null buffer, {@code len < 1}, {@code stride < len},
     *     or a buffer too short for the group
     */
    static int checkGroup(ByteBuffer group, int shards, int stride, int len) {
        if (group == null) {
            throw new IllegalArgumentException("group buffer is null");
        }
        if (len < 1 || stride < len) {
            throw new IllegalArgumentException("need stride >= len >= 1, got stride " + stride
                    + ", len " + len);
        }
        long span = (long) (shards - 1) * stride + len;
        if (span > group.remaining()) {
            throw new IllegalArgumentException(shards + " shards of " + len + " bytes at stride "
                    + stride + " need " + span + " bytes, the buffer has " + group.remaining());
        }
        return (int) span;
    }
}
