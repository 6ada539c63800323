package io.kcp.kernel;

import java.nio.ByteBuffer;

/**
 * CRC-32 (IEEE 802.3) of a byte range, as kcp-go's {@code crc32.ChecksumIEEE}: the checksum
 * after the nonce of every datagram that has a crypto header. Implemented on the JDK
 * ({@link JdkCrc32}) and in C ({@code io.kcp.kernel.NativeCrc32}); both give the same values.
 *
 * <p>Instances may keep per-call state: use one per thread (or per session).
 */
public interface Crc32 {

    /**
     * The CRC-32 of {@code buf[off, off + len)}, absolute indices below the buffer's limit.
     * The buffer's position, limit and mark are not changed.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= off <= off + len <= buf.limit()}
     */
    int checksum(ByteBuffer buf, int off, int len);

    /**
     * The CRC-32 of {@code buf[off, off + len)}.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= off <= off + len <= buf.length}
     */
    int checksum(byte[] buf, int off, int len);

    /**
     * A new instance of the implementation that is faster on this platform for inputs of
     * about {@code typicalLength} bytes: the JDK's for short ones, the C kernel's for long ones
     * where it folds wider than the JDK intrinsic (measurements in {@code Crc32Choice}).
     */
    static Crc32 forSize(int typicalLength) {
        return Crc32Choice.forSize(typicalLength);
    }

    /**
     * An instance that uses, for each call, the implementation {@link #forSize} picks for that
     * call's length: what the datagram pipelines use, since ACK-only datagrams are short and data
     * datagrams long.
     */
    static Crc32 adaptive() {
        Crc32 small = forSize(0);
        Crc32 large = forSize(Crc32Choice.NATIVE_FROM);
        if (small.getClass() == large.getClass()) return small;
        return new Crc32() {
            @Override
            public int checksum(ByteBuffer buf, int off, int len) {
                return (len >= Crc32Choice.NATIVE_FROM ? large : small).checksum(buf, off, len);
            }

            @Override
            public int checksum(byte[] buf, int off, int len) {
                return (len >= Crc32Choice.NATIVE_FROM ? large : small).checksum(buf, off, len);
            }
        };
    }
}
