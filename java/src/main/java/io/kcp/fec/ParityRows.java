package io.kcp.fec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parity rows of the encoding matrix per shape, shared by every codec in the process: each
 * session of a server computes them once per shape at most, not once per codec. A small LRU,
 * so a peer cycling through shapes cannot grow it (at most {@value #CAPACITY} shapes of at most
 * 16 KiB each). Thread-safe; the arrays it returns are shared and must not be modified.
 */
final class ParityRows {

    static final int CAPACITY = 16;

    private static final Map<Integer, byte[]> CACHE = new LinkedHashMap<>(CAPACITY * 2, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, byte[]> eldest) {
            return size() > CAPACITY;
        }
    };

    private ParityRows() {
    }

    /** {@code E[ds + p]} for {@code p < ps}, row p at {@code p*ds} (see {@link GfMatrix}). */
    static byte[] of(int ds, int ps) {
        Integer key = ds << 9 | ps;
        synchronized (CACHE) {
            byte[] rows = CACHE.get(key);
            if (rows != null) {
                return rows;
            }
        }
        // Computed outside the lock: two threads may both compute a shape once, harmlessly.
        byte[] rows = GfMatrix.parityRows(ds, ps);
        synchronized (CACHE) {
            CACHE.putIfAbsent(key, rows);
            return CACHE.get(key);
        }
    }

    /** Shapes held now (for tests). */
    static int size() {
        synchronized (CACHE) {
            return CACHE.size();
        }
    }
}
