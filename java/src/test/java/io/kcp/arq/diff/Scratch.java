package io.kcp.arq.diff;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Reusable memory from which one kernel's event buffers are cut (one instance per kernel, so
 * the two kernels never share bytes). After each call the used region is overwritten, so a
 * kernel that kept a reference into a caller's buffer instead of copying shows up as a
 * difference.
 */
final class Scratch {
    private static final int SIZE = 1 << 20;
    private static final int SLICE_SHIFT = 13;

    private final byte[] heap = new byte[SIZE];
    private final ByteBuffer direct = ByteBuffer.allocateDirect(SIZE);
    private int used;
    private boolean usedDirect;

    /** A buffer whose remaining bytes are {@code data}, preceded by {@code pad} foreign bytes
     * and followed by foreign bytes up to the capacity. The byte order must not matter to a
     * kernel: datagrams are bytes. */
    ByteBuffer source(byte[] data, BufKind kind, int pad, boolean littleEndian) {
        ByteBuffer b = region(kind, pad + data.length + 16);
        b.order(littleEndian ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        fill(b, 0, b.capacity(), (byte) 0xC3);
        b.position(pad);
        b.put(data);
        b.limit(pad + data.length).position(pad);
        // asReadOnlyBuffer() resets the order to big-endian
        return kind.readOnly() ? b.asReadOnlyBuffer().order(b.order()) : b;
    }

    /** A writable buffer with {@code pad} bytes before the window of {@code cap} bytes. */
    ByteBuffer dest(int cap, BufKind kind, int pad, boolean littleEndian) {
        ByteBuffer b = region(kind, pad + cap + 16);
        b.order(littleEndian ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        fill(b, 0, b.capacity(), (byte) 0xA5);
        b.limit(pad + cap).position(pad);
        return b;
    }

    /** Overwrites what the last call handed out. */
    void scribble() {
        fill(usedDirect ? direct : ByteBuffer.wrap(heap), 0, used, (byte) 0x5A);
        used = 0;
    }

    private ByteBuffer region(BufKind kind, int size) {
        if (size > SIZE - (1 << SLICE_SHIFT)) {
            throw new IllegalArgumentException("event buffer too large: " + size);
        }
        // a slice starts at a nonzero offset of the backing memory (arrayOffset for heap)
        int start = kind.slice() ? 1 + (size & ((1 << SLICE_SHIFT) - 1)) : 0;
        used = start + size;
        usedDirect = kind.direct();
        ByteBuffer whole = usedDirect ? direct.duplicate() : ByteBuffer.wrap(heap);
        whole.clear().position(start).limit(start + size);
        return whole.slice();
    }

    private static void fill(ByteBuffer b, int from, int to, byte v) {
        if (b.hasArray()) {
            Arrays.fill(b.array(), b.arrayOffset() + from, b.arrayOffset() + to, v);
        } else {
            byte[] chunk = new byte[Math.min(4096, to - from)];
            Arrays.fill(chunk, v);
            for (int i = from; i < to; i += chunk.length) {
                b.put(i, chunk, 0, Math.min(chunk.length, to - i));
            }
        }
    }
}
