package io.kcp.mux;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * A FIFO of bytes kept in chunks sized to what arrives (256 B to 16 KiB), so that a stream holds
 * memory in proportion to the bytes it holds: at most twice that plus one small chunk, and
 * nothing when empty. Not thread-safe: its stream's lock guards it.
 */
final class ChunkQueue {

    static final int MIN_CHUNK = 256;
    static final int MAX_CHUNK = 16384;

    private final ChunkPool pool;
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private int headPos;   // next byte to read in the first chunk
    private int tailFill;  // bytes written in the last chunk
    private int size;

    ChunkQueue(ChunkPool pool) {
        this.pool = pool;
    }

    int size() {
        return size;
    }

    /** Appends everything between {@code src}'s position and limit. */
    void append(ByteBuffer src) {
        while (src.hasRemaining()) {
            byte[] tail = chunks.peekLast();
            if (tail == null || tailFill == tail.length) {
                tail = pool.get(chunkSizeFor(src.remaining()));
                chunks.addLast(tail);
                tailFill = 0;
            }
            int n = Math.min(tail.length - tailFill, src.remaining());
            src.get(tail, tailFill, n);
            tailFill += n;
            size += n;
        }
    }

    /** Moves up to {@code max} bytes (and what {@code dst} has room for) into {@code dst}. */
    int take(ByteBuffer dst, int max) {
        int want = Math.min(Math.min(max, dst.remaining()), size);
        int done = 0;
        while (done < want) {
            byte[] head = chunks.peekFirst();
            int end = chunks.size() == 1 ? tailFill : head.length;
            int n = Math.min(end - headPos, want - done);
            dst.put(head, headPos, n);
            headPos += n;
            done += n;
            if (headPos == end) dropHead();
        }
        size -= done;
        return done;
    }

    /** Discards everything; returns how many bytes that was. */
    int clear() {
        int n = size;
        while (!chunks.isEmpty()) pool.put(chunks.pollFirst());
        headPos = 0;
        tailFill = 0;
        size = 0;
        return n;
    }

    private void dropHead() {
        pool.put(chunks.pollFirst());
        headPos = 0;
        if (chunks.isEmpty()) tailFill = 0;
    }

    private static int chunkSizeFor(int bytes) {
        if (bytes >= MAX_CHUNK) return MAX_CHUNK;
        int size = Integer.highestOneBit(Math.max(bytes, MIN_CHUNK) - 1) << 1;
        return Math.max(MIN_CHUNK, Math.min(MAX_CHUNK, size));
    }
}
