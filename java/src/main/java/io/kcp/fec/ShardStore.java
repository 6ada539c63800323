package io.kcp.fec;

import java.nio.ByteBuffer;

/**
 * The bytes of the shards an {@link FecDecoder} has queued, packed into one array: a shard takes
 * its own length plus an {@value #RECORD_HEADER}-byte header, so the memory a queue holds
 * follows the bytes the peer actually sent, not 1500 bytes per shard.
 *
 * <p>Shards are appended at the end and removal only forgets them. When the end is reached the
 * live shards are moved down over the removed ones, and the array is resized so that it is at
 * least 1.25 times what it holds (then grown to 1.5 times): a byte appended is moved about five
 * times at most, on average, and steady traffic stops allocating once the size fits. An array
 * more than four times larger than its content for {@value #SHRINK_AFTER_MS} ms of the caller's
 * clock shrinks back, so a burst does not pin memory for the rest of the session.
 *
 * <p>A shard is known by a small id of the caller's (at most one live shard per id); the header
 * holds it, which is how the move finds the live shards without a search.
 */
final class ShardStore {

    /** Bytes in front of each shard: its id and its length. */
    static final int RECORD_HEADER = 8;
    /** The array never shrinks below this. */
    static final int MIN_CAPACITY = 4096;
    /** How long an oversized array is kept. */
    static final int SHRINK_AFTER_MS = 10_000;

    private static final byte[] EMPTY = new byte[0];

    private byte[] bytes = EMPTY;
    /** End of the last record. */
    private int top;
    /** Header and shard bytes of the live shards. */
    private int live;
    /** By id: where the shard's bytes start, or -1. */
    private int[] where = new int[0];
    /** The caller's clock when the content last was at least a quarter of the array. */
    private int lastBusy;

    /** Copies {@code len} bytes of {@code src} from index {@code from} as shard {@code id}. */
    void put(int id, ByteBuffer src, int from, int len, int now) {
        if (id >= where.length) {
            int old = where.length;
            where = java.util.Arrays.copyOf(where, Math.max(16, Math.max(id + 1, 2 * old)));
            java.util.Arrays.fill(where, old, where.length, -1);
        }
        int need = RECORD_HEADER + len;
        int content = live + need;
        if ((long) content * 4 >= bytes.length) {
            lastBusy = now;
        }
        boolean idle = bytes.length > MIN_CAPACITY
                && Integer.compareUnsigned(now - lastBusy, SHRINK_AFTER_MS) >= 0;
        if (top + need > bytes.length || idle) {
            repack(content, now);
        }
        putInt(top, id);
        putInt(top + 4, len);
        src.get(from, bytes, top + RECORD_HEADER, len);
        where[id] = top + RECORD_HEADER;
        top += need;
        live += need;
    }

    /** Forgets shard {@code id}. */
    void remove(int id) {
        int at = where[id];
        live -= RECORD_HEADER + getInt(at - 4);
        where[id] = -1;
    }

    /** The array holding the shards (valid until the next {@link #put}). */
    byte[] array() {
        return bytes;
    }

    /** Where shard {@code id}'s bytes start in {@link #array()}. */
    int offset(int id) {
        return where[id];
    }

    /** Bytes of the array. */
    int capacity() {
        return bytes.length;
    }

    /** Header and shard bytes of the shards held. */
    int liveBytes() {
        return live;
    }

    /** Forgets every shard and drops the array. */
    void clear() {
        java.util.Arrays.fill(where, -1);
        bytes = EMPTY;
        top = 0;
        live = 0;
    }

    /**
     * Moves the live shards to the front, into a new array if this one is too small for
     * {@code required} bytes or has been oversized for long enough.
     */
    private void repack(int required, int now) {
        int cap = bytes.length;
        int size = cap;
        if (cap < required + required / 4) {
            size = Math.max(MIN_CAPACITY, required + required / 2);
        } else if (cap > MIN_CAPACITY && (long) required * 4 < cap
                && Integer.compareUnsigned(now - lastBusy, SHRINK_AFTER_MS) >= 0) {
            size = Math.max(MIN_CAPACITY, required + required / 2);
        }
        byte[] dst = size == cap ? bytes : new byte[size];
        int w = 0;
        for (int r = 0; r < top; ) {
            int id = getInt(r);
            int rec = RECORD_HEADER + getInt(r + 4);
            if (where[id] == r + RECORD_HEADER) {
                if (dst != bytes || w != r) {
                    System.arraycopy(bytes, r, dst, w, rec);
                }
                where[id] = w + RECORD_HEADER;
                w += rec;
            }
            r += rec;
        }
        if (dst != bytes) {
            lastBusy = now;
        }
        bytes = dst;
        top = w;
    }

    private void putInt(int at, int v) {
        bytes[at] = (byte) v;
        bytes[at + 1] = (byte) (v >>> 8);
        bytes[at + 2] = (byte) (v >>> 16);
        bytes[at + 3] = (byte) (v >>> 24);
    }

    private int getInt(int at) {
        return (bytes[at] & 0xFF) | (bytes[at + 1] & 0xFF) << 8 | (bytes[at + 2] & 0xFF) << 16
                | (bytes[at + 3] & 0xFF) << 24;
    }
}
