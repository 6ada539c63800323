package io.kcp.kernel;

import java.nio.ByteBuffer;
import java.util.IdentityHashMap;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * {@link Crc32} on {@link java.util.zip.CRC32}, which HotSpot compiles to a carry-less-multiply
 * intrinsic. One {@code CRC32} is reused (reset per call), so the steady state allocates
 * nothing. Not thread-safe: one instance per thread or session.
 */
public final class JdkCrc32 implements Crc32 {

    /** Views kept per direct buffer: more than a receive loop's batch, bounded all the same. */
    private static final int MAX_VIEWS = 1024;

    private final CRC32 crc = new CRC32();
    /** A view per non-array buffer seen, so that the caller's position, limit and mark stay
     * untouched without a duplicate per call (a receive loop cycles through dozens of buffers). */
    private final IdentityHashMap<ByteBuffer, ByteBuffer> views = new IdentityHashMap<>();

    @Override
    public int checksum(ByteBuffer buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.limit());
        crc.reset();
        if (buf.hasArray()) {
            crc.update(buf.array(), buf.arrayOffset() + off, len);
        } else {
            // CRC32.update(ByteBuffer) reads [position, limit) and moves position; work on a
            // view of the caller's buffer, whose mark would not survive the round trip.
            ByteBuffer view = views.get(buf);
            if (view == null) {
                if (views.size() >= MAX_VIEWS) views.clear();
                view = buf.duplicate();
                views.put(buf, view);
            }
            view.limit(off + len).position(off);
            crc.update(view);
        }
        return (int) crc.getValue();
    }

    @Override
    public int checksum(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        crc.reset();
        crc.update(buf, off, len);
        return (int) crc.getValue();
    }

    @Override
    public String toString() {
        return "jdk";
    }
}
