package io.kcp.fec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JavaReedSolomonTest {

    @Test
    @SuppressWarnings("unchecked")
    void parityRowsMatchKcpGo() {
        Map<String, Object> v = FecVectors.object("reedsolomon_10_3");
        List<List<Object>> rows = (List<List<Object>>) v.get("parity_rows_of_encoding_matrix");
        try (JavaReedSolomon rs = new JavaReedSolomon(10, 3)) {
            for (int p = 0; p < 3; p++) {
                int[] expected = rows.get(p).stream().mapToInt(o -> ((Number) o).intValue()).toArray();
                assertArrayEquals(expected, rs.parityRow(p), "parity row " + p);
                // The same coefficients seen through encode(): unit data shard c gives row[c].
                for (int c = 0; c < 10; c++) {
                    ByteBuffer g = ByteBuffer.allocate(13);
                    g.put(c, (byte) 1);
                    rs.encode(g, 1, 1);
                    assertEquals(expected[c], g.get(10 + p) & 0xFF, "row " + p + " col " + c);
                }
            }
        }
    }

    @Test
    void encodedExampleMatchesKcpGo() {
        Map<String, Object> v = FecVectors.object("reedsolomon_10_3");
        byte[][] data = FecVectors.hexList(v, "example_data_shards");
        byte[][] parity = FecVectors.hexList(v, "example_parity_shards");
        int len = data[0].length;
        for (boolean direct : new boolean[] {false, true}) {
            int stride = len + 7;
            ByteBuffer g = direct ? ByteBuffer.allocateDirect(5 + 13 * stride) : ByteBuffer.allocate(5 + 13 * stride);
            g.position(5);
            for (int i = 0; i < 10; i++) {
                g.put(5 + i * stride, data[i]);
            }
            try (JavaReedSolomon rs = new JavaReedSolomon(10, 3)) {
                rs.encode(g, stride, len);
                for (int p = 0; p < 3; p++) {
                    byte[] got = new byte[len];
                    g.get(5 + (10 + p) * stride, got);
                    assertArrayEquals(parity[p], got, "parity " + p + (direct ? " direct" : " heap"));
                }
                assertTrue(rs.verify(g, stride, len));
                g.put(5 + 11 * stride + 3, (byte) (g.get(5 + 11 * stride + 3) ^ 1));
                assertFalse(rs.verify(g, stride, len));
            }
        }
    }

    @Test
    void rejectsBadShapesWithClearMessages() {
        assertEquals("dataShards must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> new JavaReedSolomon(0, 3)).getMessage());
        assertEquals("parityShards must be >= 0, got -1",
                assertThrows(IllegalArgumentException.class, () -> new JavaReedSolomon(3, -1)).getMessage());
        assertEquals("dataShards + parityShards must be <= 256, got 200 + 57",
                assertThrows(IllegalArgumentException.class, () -> new JavaReedSolomon(200, 57)).getMessage());
        new JavaReedSolomon(1, 0).close();
        new JavaReedSolomon(128, 128).close();
    }

    @Test
    void rejectsBadGroupArguments() {
        JavaReedSolomon rs = new JavaReedSolomon(4, 2);
        ByteBuffer g = ByteBuffer.allocate(6 * 10);
        assertThrows(IllegalArgumentException.class, () -> rs.encode(g, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> rs.encode(g, 9, 10));
        assertThrows(IllegalArgumentException.class, () -> rs.encode(g.position(1), 10, 10));
        g.position(0);
        rs.encode(g, 10, 10); // exactly fits
        assertThrows(IllegalArgumentException.class, () -> rs.reconstruct(g, 10, 10, new boolean[5], true));
        assertThrows(IllegalArgumentException.class, () -> rs.verify(null, 10, 10));
    }

    @Test
    void zeroParityShardsIsAValidCode() {
        try (JavaReedSolomon rs = new JavaReedSolomon(3, 0)) {
            ByteBuffer g = ByteBuffer.wrap(new byte[] {1, 2, 3});
            rs.encode(g, 1, 1);
            assertTrue(rs.verify(g, 1, 1));
            assertTrue(rs.reconstruct(g, 1, 1, new boolean[] {true, true, true}, false));
            assertFalse(rs.reconstruct(g, 1, 1, new boolean[] {true, false, true}, false));
            assertArrayEquals(new byte[] {1, 2, 3}, g.array());
        }
    }

    /** Random shapes, lengths, strides, buffer kinds and erasures against the naive reference. */
    @Test
    void roundTripsAgainstReference() {
        Random rnd = new Random(42);
        for (int iter = 0; iter < 300; iter++) {
            int k = 1 + rnd.nextInt(iter % 10 == 0 ? 40 : 12);
            int m = rnd.nextInt(iter % 7 == 0 ? 20 : 5);
            int len = 1 + rnd.nextInt(iter % 3 == 0 ? 3 : 200);
            int stride = len + rnd.nextInt(4);
            int base = rnd.nextInt(3);
            boolean direct = rnd.nextBoolean();
            checkShape(rnd, k, m, len, stride, base, direct);
        }
        checkShape(rnd, 200, 56, 5, 5, 0, false);  // the largest shape, more than 8 outputs
        checkShape(rnd, 17, 11, 33, 40, 1, true);
    }

    private static void checkShape(Random rnd, int k, int m, int len, int stride, int base, boolean direct) {
        int n = k + m;
        String what = k + "+" + m + " len " + len + " stride " + stride + (direct ? " direct" : " heap");
        ReferenceRs ref = new ReferenceRs(k, m);
        byte[][] data = new byte[k][len];
        for (byte[] d : data) {
            rnd.nextBytes(d);
        }
        byte[][] parity = ref.parity(data, len);
        int size = base + (n - 1) * stride + len;
        ByteBuffer g = direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
        g.position(base);
        for (int i = 0; i < k; i++) {
            g.put(base + i * stride, data[i]);
        }
        try (JavaReedSolomon rs = new JavaReedSolomon(k, m)) {
            rs.encode(g, stride, len);
            byte[][] coded = read(g, base, stride, len, n);
            for (int p = 0; p < m; p++) {
                assertArrayEquals(parity[p], coded[k + p], what + " parity " + p);
            }
            assertTrue(rs.verify(g, stride, len), what);

            for (int trial = 0; trial < 4; trial++) {
                boolean dataOnly = rnd.nextBoolean();
                int lost = m == 0 ? 0 : rnd.nextInt(m + 1);
                boolean[] present = erase(rnd, n, lost);
                for (int i = 0; i < n; i++) {
                    if (!present[i]) {
                        fill(g, base + i * stride, len, (byte) 0x5A);
                    }
                }
                assertTrue(rs.reconstruct(g, stride, len, present, dataOnly), what);
                byte[][] got = read(g, base, stride, len, n);
                for (int i = 0; i < n; i++) {
                    if (present[i] || i < k || !dataOnly) {
                        assertArrayEquals(coded[i], got[i], what + " shard " + i + " trial " + trial);
                    } else {
                        assertTrue(allEqual(got[i], (byte) 0x5A), what + ": dataOnly touched parity " + i);
                        g.put(base + i * stride, coded[i]);
                    }
                }
            }

            if (m > 0) {
                // Too few shards: false, nothing changes.
                boolean[] present = erase(rnd, n, m + 1);
                byte[] before = read(g, base, stride, len, n)[0].clone();
                fill(g, base, len, (byte) 0x33);
                present[0] = false;
                assertFalse(rs.reconstruct(g, stride, len, present, false), what);
                assertTrue(allEqual(read(g, base, stride, len, 1)[0], (byte) 0x33), what);
                g.put(base, before);
            }
        }
    }

    /** With inconsistent shards the first k present ones decide, as in klauspost. */
    @Test
    void inconsistentInputUsesFirstPresentShards() {
        Random rnd = new Random(7);
        int k = 6;
        int m = 4;
        int len = 50;
        ReferenceRs ref = new ReferenceRs(k, m);
        ByteBuffer g = ByteBuffer.allocate((k + m) * len);
        rnd.nextBytes(g.array()); // random parity: not a codeword
        boolean[] present = {true, false, true, true, false, true, true, true, true, true};
        byte[][] shards = read(g, 0, len, len, k + m);
        byte[][] expected = ref.rebuild(shards, present, len);
        try (JavaReedSolomon rs = new JavaReedSolomon(k, m)) {
            assertTrue(rs.reconstruct(g, len, len, present, false));
        }
        byte[][] got = read(g, 0, len, len, k + m);
        assertArrayEquals(expected[1], got[1]);
        assertArrayEquals(expected[4], got[4]);
        assertArrayEquals(shards[9], got[9], "a present shard is never rewritten");
    }

    @Test
    void decodeMatricesAreCachedPerErasurePattern() {
        int k = 10;
        int m = 3;
        int len = 64;
        Random rnd = new Random(3);
        try (JavaReedSolomon rs = new JavaReedSolomon(k, m)) {
            ByteBuffer g = ByteBuffer.allocate(13 * len);
            rnd.nextBytes(g.array());
            rs.encode(g, len, len);
            byte[] coded = g.array().clone();
            boolean[] present = new boolean[13];
            // More patterns than the cache holds, twice: the second pass evicts and refills.
            for (int pass = 0; pass < 2; pass++) {
                for (int lostShard = 0; lostShard < k; lostShard++) {
                    Arrays.fill(present, true);
                    present[lostShard] = false;
                    Arrays.fill(g.array(), lostShard * len, lostShard * len + len, (byte) 0);
                    assertTrue(rs.reconstruct(g, len, len, present, true));
                    assertArrayEquals(coded, g.array(), "pass " + pass + " lost " + lostShard);
                }
            }
            assertEquals(20, rs.cacheMisses());
            assertEquals(0, rs.cacheHits());
            // The cache now holds the last 8 patterns (lost 2..9): lost 3 hits, lost 0 misses once.
            for (int lostShard : new int[] {3, 0, 0, 0}) {
                Arrays.fill(present, true);
                present[lostShard] = false;
                assertTrue(rs.reconstruct(g, len, len, present, true));
            }
            assertEquals(21, rs.cacheMisses());
            assertEquals(3, rs.cacheHits());
            assertArrayEquals(coded, g.array());
        }
    }

    /**
     * Large shapes, shards that are not a codeword: the rows found by interpolation rebuild the
     * bytes the naive inversion of the first k present shards' rows gives.
     */
    @Test
    void largeShapesRebuildWhatTheInversionGives() {
        Random rnd = new Random(11);
        for (int[] shape : new int[][] {{100, 60}, {128, 128}, {200, 56}, {255, 1}}) {
            int k = shape[0];
            int m = shape[1];
            int n = k + m;
            int len = 5;
            ReferenceRs ref = new ReferenceRs(k, m);
            ByteBuffer g = ByteBuffer.allocate(n * len);
            rnd.nextBytes(g.array());
            boolean[] present = erase(rnd, n, m);
            byte[][] shards = read(g, 0, len, len, n);
            byte[][] expected = ref.rebuild(shards, present, len);
            try (JavaReedSolomon rs = new JavaReedSolomon(k, m)) {
                assertTrue(rs.reconstruct(g, len, len, present, false));
            }
            byte[][] got = read(g, 0, len, len, n);
            for (int i = 0; i < n; i++) {
                assertArrayEquals(present[i] ? shards[i] : expected[i], got[i], k + "+" + m + " shard " + i);
            }
        }
    }

    /**
     * A codec that only reconstructs (an FEC decoder's) never builds the parity tables, which for
     * 128+125 are 4 MiB, and its decode cache stays within its budget whatever the patterns.
     */
    @Test
    void aDecodingCodecIsCheapToCreateAndToHold() {
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        JavaReedSolomon rs = new JavaReedSolomon(128, 125);
        long created = mx.getCurrentThreadAllocatedBytes() - before;
        assertTrue(created < 16 * 1024, created + " bytes to create a 128+125 codec");

        Random rnd = new Random(19);
        int len = 24;
        ByteBuffer g = ByteBuffer.allocate(253 * len);
        for (int pattern = 0; pattern < 40; pattern++) {
            rnd.nextBytes(g.array());
            // all 125 parity shards and 3 data shards present: 125 data shards to rebuild
            boolean[] present = new boolean[253];
            for (int d = 0; d < 3; ) {
                int i = rnd.nextInt(128);
                d += present[i] ? 0 : 1;
                present[i] = true;
            }
            for (int p = 0; p < 125; p++) {
                present[128 + p] = true;
            }
            assertTrue(rs.reconstruct(g, len, len, present, true));
            assertTrue(rs.cacheBytes() <= DecodeCache.BUDGET, rs.cacheBytes() + " bytes cached");
        }
        assertEquals(40, rs.cacheMisses());
        assertFalse(rs.hasParityTables());
        rs.encode(g, len, len);
        assertTrue(rs.hasParityTables());
        assertTrue(rs.verify(g, len, len));
    }

    /** Parity rows are computed once per shape for the whole process, in a bounded cache. */
    @Test
    void parityRowsAreSharedPerShape() throws Exception {
        byte[] first = ParityRows.of(10, 3);
        assertSame(first, ParityRows.of(10, 3));
        try (JavaReedSolomon rs = new JavaReedSolomon(10, 3)) {
            for (int p = 0; p < 3; p++) {
                int[] row = rs.parityRow(p);
                for (int c = 0; c < 10; c++) {
                    assertEquals(first[p * 10 + c] & 0xFF, row[c]);
                }
            }
        }
        // Many threads, many shapes: every thread sees one array per shape, and it is right.
        Thread[] threads = new Thread[4];
        Throwable[] failure = new Throwable[1];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                try {
                    for (int i = 0; i < 200; i++) {
                        int ds = 1 + i % 40;
                        int ps = 1 + i % 7;
                        byte[] rows = ParityRows.of(ds, ps);
                        assertArrayEquals(GfMatrix.parityRows(ds, ps), rows, ds + "+" + ps);
                    }
                } catch (Throwable e) {
                    synchronized (failure) {
                        failure[0] = e;
                    }
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure[0] != null) {
            throw new AssertionError(failure[0]);
        }
        assertTrue(ParityRows.size() <= ParityRows.CAPACITY);
    }

    @Test
    void steadyStateAllocatesNothing() {
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled());
        boolean[] one = new boolean[13];
        Arrays.fill(one, true);
        one[4] = false;
        boolean[] three = one.clone();
        three[0] = false;
        three[9] = false;
        for (boolean direct : new boolean[] {false, true}) {
            try (JavaReedSolomon rs = new JavaReedSolomon(10, 3)) {
                ByteBuffer g = direct ? ByteBuffer.allocateDirect(13 * 1400) : ByteBuffer.allocate(13 * 1400);
                long allocated = 0;
                for (int round = 0; round < 3; round++) {
                    long before = mx.getCurrentThreadAllocatedBytes();
                    for (int i = 0; i < 2000; i++) {
                        rs.encode(g, 1400, 1400);
                        rs.reconstruct(g, 1400, 1400, one, true);
                        rs.reconstruct(g, 1400, 1400, three, false);
                        rs.verify(g, 1400, 1400);
                    }
                    allocated = mx.getCurrentThreadAllocatedBytes() - before;
                }
                assertTrue(allocated < 2000, allocated + " bytes allocated" + (direct ? " (direct)" : ""));
            }
        }
    }

    private static boolean[] erase(Random rnd, int n, int lost) {
        boolean[] present = new boolean[n];
        Arrays.fill(present, true);
        for (int e = 0; e < lost; ) {
            int i = rnd.nextInt(n);
            if (present[i]) {
                present[i] = false;
                e++;
            }
        }
        return present;
    }

    private static byte[][] read(ByteBuffer g, int base, int stride, int len, int n) {
        byte[][] out = new byte[n][len];
        for (int i = 0; i < n; i++) {
            g.get(base + i * stride, out[i]);
        }
        return out;
    }

    private static void fill(ByteBuffer g, int at, int len, byte v) {
        for (int i = 0; i < len; i++) {
            g.put(at + i, v);
        }
    }

    private static boolean allEqual(byte[] a, byte v) {
        for (byte b : a) {
            if (b != v) {
                return false;
            }
        }
        return true;
    }
}
