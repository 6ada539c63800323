package io.kcp.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/** What every {@link Crc32} must do; each implementation's test runs these. */
public final class Crc32Contract {

    private Crc32Contract() {
    }

    /** Go's crc32.ChecksumIEEE of these strings (the usual catalogue values). */
    public static void knownVectors(Crc32 crc) {
        String[][] vectors = {
            {"", "00000000"},
            {"a", "e8b7be43"},
            {"abc", "352441c2"},
            {"123456789", "cbf43926"},
            {"The quick brown fox jumps over the lazy dog", "414fa339"},
        };
        for (String[] v : vectors) {
            byte[] b = v[0].getBytes(StandardCharsets.US_ASCII);
            int want = Integer.parseUnsignedInt(v[1], 16);
            assertEquals(want, crc.checksum(b, 0, b.length), crc + " \"" + v[0] + "\"");
            for (Crc32Reference.Kind kind : Crc32Reference.Kind.values()) {
                ByteBuffer buf = kind.wrap(b, new Random(b.length));
                assertEquals(want, crc.checksum(buf, 0, b.length), crc + " " + kind + " \"" + v[0] + "\"");
            }
        }
    }

    /**
     * Random ranges of random contents in every buffer kind agree with the reference, and the
     * buffer's position, limit and mark survive.
     */
    public static void matchesReference(Crc32 crc, long seed, int cases) {
        Random rnd = new Random(seed);
        Crc32Reference.Kind[] kinds = Crc32Reference.Kind.values();
        for (int i = 0; i < cases; i++) {
            int size = i % 50 == 0 ? rnd.nextInt(70000) : rnd.nextInt(3000);
            byte[] content = new byte[size];
            rnd.nextBytes(content);
            int off = rnd.nextInt(size + 1);
            int len = rnd.nextInt(size - off + 1);
            int want = Crc32Reference.crc(content, off, len);
            String where = crc + " case " + i + " (seed " + seed + "): size " + size + ", off "
                    + off + ", len " + len;
            assertEquals(want, crc.checksum(content, off, len), where + ", byte[]");
            Crc32Reference.Kind kind = kinds[i % kinds.length];
            ByteBuffer buf = kind.wrap(content, rnd);
            int position = buf.position();
            int limit = buf.limit();
            assertEquals(want, crc.checksum(buf, off, len), where + ", " + kind);
            assertEquals(position, buf.position(), where + ", " + kind + ": position moved");
            assertEquals(limit, buf.limit(), where + ", " + kind + ": limit moved");
            int mark = buf.reset().position(); // throws if the mark was discarded
            assertTrue(mark <= position, where);
        }
    }

    /** Out-of-range requests throw before anything is read; the limit, not the capacity, counts. */
    public static void checksBounds(Crc32 crc) {
        byte[] a = new byte[10];
        ByteBuffer heap = ByteBuffer.allocate(16).limit(10);
        ByteBuffer direct = ByteBuffer.allocateDirect(16).limit(10);
        int[][] bad = {{-1, 1}, {0, -1}, {0, 11}, {10, 1}, {11, 0}, {5, Integer.MAX_VALUE},
            {Integer.MAX_VALUE, 1}, {Integer.MIN_VALUE, 0}};
        for (int[] b : bad) {
            String where = crc + " off " + b[0] + ", len " + b[1];
            assertThrows(IndexOutOfBoundsException.class, () -> crc.checksum(a, b[0], b[1]), where);
            assertThrows(IndexOutOfBoundsException.class, () -> crc.checksum(heap, b[0], b[1]), where);
            assertThrows(IndexOutOfBoundsException.class, () -> crc.checksum(direct, b[0], b[1]), where);
        }
        assertThrows(NullPointerException.class, () -> crc.checksum((byte[]) null, 0, 0));
        assertThrows(NullPointerException.class, () -> crc.checksum((ByteBuffer) null, 0, 0));
        assertEquals(0, crc.checksum(a, 10, 0));
        assertEquals(0, crc.checksum(direct, 10, 0));
        assertEquals(0, crc.checksum(ByteBuffer.allocateDirect(0), 0, 0));
        assertEquals(Crc32Reference.crc(a, 0, 10), crc.checksum(direct, 0, 10));
    }

    /** The steady state (same buffers again and again) allocates nothing. */
    public static void allocatesNothing(Crc32 crc) {
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled());
        byte[] a = new byte[1400];
        new Random(7).nextBytes(a);
        ByteBuffer direct = ByteBuffer.allocateDirect(1400).put(0, a);
        ByteBuffer heap = ByteBuffer.wrap(a);
        long allocated = -1;
        int sink = 0;
        // The first rounds may allocate (class loading, the JIT's own bookkeeping counts for
        // interpreted frames on some JDKs); a later round of 10000 calls must not.
        for (int round = 0; round < 20 && allocated != 0; round++) {
            long before = mx.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 10000; i++) {
                sink += crc.checksum(direct, i & 63, 1300) + crc.checksum(heap, 0, 64)
                        + crc.checksum(a, 100, 1300);
            }
            allocated = mx.getCurrentThreadAllocatedBytes() - before;
        }
        assertEquals(0, allocated, crc + " allocated " + allocated + " bytes in 30000 calls (" + sink + ")");
    }
}
