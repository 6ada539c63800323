package io.kcp.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kcp.fec.ReedSolomon;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The Java-side checks in front of the C codec, and the process-wide path switch. */
@Tag("both-kernels")
class NativeReedSolomonTest {

    @Test
    void rejectsBadShapesBeforeCallingC() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new NativeReedSolomon(0, 1))
                .getMessage().contains("dataShards must be >= 1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new NativeReedSolomon(3, -1))
                .getMessage().contains("parityShards must be >= 0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new NativeReedSolomon(200, 57))
                .getMessage().contains("<= 256"));
        try (ReedSolomon rs = NativeReedSolomon.FACTORY.create(200, 56)) {
            assertEquals(200, rs.dataShards());
            assertEquals(56, rs.parityShards());
        }
    }

    @Test
    void rejectsGroupsThatDoNotFitTheBuffer() {
        try (NativeReedSolomon rs = new NativeReedSolomon(3, 2)) {
            ByteBuffer exact = ByteBuffer.allocateDirect(4 * 10 + 7);
            rs.encode(exact, 10, 7); // (5-1)*10+7 bytes: fits exactly
            assertTrue(rs.verify(exact, 10, 7));
            ByteBuffer shifted = ByteBuffer.allocateDirect(4 * 10 + 7).position(1);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> rs.encode(shifted, 10, 7));
            assertTrue(e.getMessage().contains("need 47 bytes, the buffer has 46"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> rs.verify(ByteBuffer.allocate(100), 6, 7));
            assertThrows(IllegalArgumentException.class, () -> rs.verify(ByteBuffer.allocate(100), 0, 0));
            assertThrows(IllegalArgumentException.class, () -> rs.encode(null, 10, 7));
            assertThrows(IllegalArgumentException.class,
                    () -> rs.reconstruct(exact, 10, 7, new boolean[4], false));
            assertThrows(ReadOnlyBufferException.class,
                    () -> rs.encode(ByteBuffer.allocate(47).asReadOnlyBuffer(), 10, 7));
            // verify only reads: a read-only heap buffer goes through staging
            ByteBuffer copy = ByteBuffer.allocate(47).put(exact.duplicate().clear()).flip();
            assertTrue(rs.verify(copy.asReadOnlyBuffer(), 10, 7));
        }
    }

    @Test
    void heapGroupsAreCodedThroughStagingWithoutTouchingTheGaps() {
        try (NativeReedSolomon rs = new NativeReedSolomon(2, 2)) {
            byte[] a = new byte[2 + 3 * 5 + 3];
            for (int i = 0; i < a.length; i++) a[i] = (byte) (i * 37 + 1);
            byte[] before = a.clone();
            ByteBuffer g = ByteBuffer.wrap(a).position(2);
            rs.encode(g, 5, 3);
            assertTrue(rs.verify(g, 5, 3));
            for (int i = 0; i < a.length; i++) {
                int rel = i - 2;
                boolean parity = rel >= 10 && rel % 5 < 3 && rel < 18;
                if (!parity) assertEquals(before[i], a[i], "byte " + i + " outside the parity shards");
            }
            byte[] encoded = a.clone();
            a[2] = 0;
            a[2 + 5 + 1] = 0;
            boolean[] present = {false, false, true, true};
            assertTrue(rs.reconstruct(g, 5, 3, present, true));
            assertArrayEquals(encoded, a);
            assertFalse(rs.reconstruct(g, 5, 3, new boolean[] {false, false, false, true}, false));
            assertEquals(1, rs.cacheStats()[1]);
        }
    }

    @Test
    void closedCodecsRefuseWorkAndCloseTwice() {
        NativeReedSolomon rs = new NativeReedSolomon(2, 1);
        rs.close();
        rs.close();
        assertThrows(IllegalStateException.class, () -> rs.encode(ByteBuffer.allocateDirect(3), 1, 1));
    }

    @Test
    void everyAvailablePathCanBeSelected() {
        List<String> paths = NativeReedSolomon.availablePaths();
        assertEquals("scalar", paths.get(0));
        String auto = NativeReedSolomon.path();
        try {
            for (String p : paths) {
                NativeReedSolomon.setPath(p);
                assertEquals(p, NativeReedSolomon.path());
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> NativeReedSolomon.setPath("sse9"));
            assertTrue(e.getMessage().contains("scalar"), e.getMessage());
            assertEquals(paths.get(paths.size() - 1), NativeReedSolomon.path());
        } finally {
            NativeReedSolomon.setPath(NativeReedSolomon.AUTO);
        }
        assertEquals(auto, NativeReedSolomon.path());
    }
}
