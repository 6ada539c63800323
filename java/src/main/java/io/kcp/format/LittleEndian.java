package io.kcp.format;

import java.nio.ByteBuffer;

/**
 * kcp-go's integers are little-endian: these read and write them at absolute positions, whatever
 * the buffer's byte order (position and limit never move).
 */
public final class LittleEndian {

    private LittleEndian() {
    }

    /** The unsigned 16-bit value at {@code i}. */
    public static int u16(ByteBuffer b, int i) {
        return (b.get(i) & 0xFF) | (b.get(i + 1) & 0xFF) << 8;
    }

    /** The 32-bit value at {@code i}, as an int (compare with unsigned arithmetic). */
    public static int u32(ByteBuffer b, int i) {
        return (b.get(i) & 0xFF) | (b.get(i + 1) & 0xFF) << 8 | (b.get(i + 2) & 0xFF) << 16
                | (b.get(i + 3) & 0xFF) << 24;
    }

    /** Writes the low 16 bits of {@code v} at {@code i}. */
    public static void putU16(ByteBuffer b, int i, int v) {
        b.put(i, (byte) v).put(i + 1, (byte) (v >>> 8));
    }

    /** Writes {@code v} at {@code i}. */
    public static void putU32(ByteBuffer b, int i, int v) {
        b.put(i, (byte) v).put(i + 1, (byte) (v >>> 8)).put(i + 2, (byte) (v >>> 16))
                .put(i + 3, (byte) (v >>> 24));
    }
}
