package io.kcp.mux;

/**
 * Full-size chunks a session recycles between its streams, so that bulk transfers do not
 * allocate per frame. Smaller chunks (streams that carry little) are left to the GC. Holds at
 * most {@link #KEEP} chunks. Thread-safe.
 */
final class ChunkPool {

    static final int KEEP = 64;

    private final byte[][] free = new byte[KEEP][];
    private int count;

    synchronized byte[] get(int size) {
        if (size == ChunkQueue.MAX_CHUNK && count > 0) {
            byte[] c = free[--count];
            free[count] = null;
            return c;
        }
        return new byte[size];
    }

    synchronized void put(byte[] chunk) {
        if (chunk.length == ChunkQueue.MAX_CHUNK && count < KEEP) free[count++] = chunk;
    }

    synchronized int held() {
        return count;
    }
}
