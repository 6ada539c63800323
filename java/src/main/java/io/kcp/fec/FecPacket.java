package io.kcp.fec;

import io.kcp.format.LittleEndian;
import io.kcp.format.Wire;
import java.nio.ByteBuffer;

/**
 * kcp-go's FEC header: {@code seqid u32 LE | flag u16 LE}, then for data shards
 * {@code size u16 LE} (2 + the KCP bytes) before the KCP bytes; parity shards carry RS bytes
 * computed over the data shards from their size field onward.
 */
public final class FecPacket {

    /** seqid and flag. */
    public static final int HEADER_SIZE = 6;
    /** seqid, flag and the data shard's size field: the room the ARQ reserves for FEC. */
    public static final int HEADER_SIZE_PLUS2 = 8;
    public static final int TYPE_DATA = 0xF1;
    public static final int TYPE_PARITY = 0xF2;
    /** kcp-go's largest datagram (its receive buffer and SetMtu limit). */
    public static final int MTU_LIMIT = Wire.MAX_DATAGRAM;

    private FecPacket() {
    }

    /**
     * True if the decrypted datagram at {@code [off, off+len)} is an FEC packet: its u16 at
     * offset 4 is 0xF1 or 0xF2 (a KCP header has cmd 81..84 there, so it never matches).
     */
    public static boolean isFec(ByteBuffer b, int off, int len) {
        if (len < HEADER_SIZE) {
            return false;
        }
        int flag = LittleEndian.u16(b, off + 4);
        return flag == TYPE_DATA || flag == TYPE_PARITY;
    }

    /** Direct memory for a native codec, the heap for the Java one (which codes arrays in place). */
    static ByteBuffer allocateFor(ReedSolomon codec, int size) {
        return codesHeap(codec) ? ByteBuffer.allocate(size) : ByteBuffer.allocateDirect(size);
    }

    /** True for a codec that works best on heap buffers. */
    static boolean codesHeap(ReedSolomon codec) {
        return codec instanceof JavaReedSolomon;
    }
}
