package io.kcp.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The path switches offer only what this CPU's architecture has: x86-64 never lists NEON,
 * AArch64 lists scalar and NEON for Reed-Solomon and only the table for CRC-32, and asking for
 * another architecture's path is refused with the paths that do exist.
 */
@Tag("both-kernels")
class SimdPathsTest {

    private static final Set<String> X86_RS = Set.of("avx2", "gfni256", "gfni512");
    private static final Set<String> X86_CRC = Set.of("pclmul", "vpclmul");

    private static boolean x86() {
        String arch = System.getProperty("os.arch");
        return arch.equals("amd64") || arch.equals("x86_64");
    }

    private static boolean aarch64() {
        return System.getProperty("os.arch").equals("aarch64");
    }

    @Test
    void reedSolomonPathsBelongToThisArchitecture() {
        List<String> paths = NativeReedSolomon.availablePaths();
        assertEquals("scalar", paths.get(0));
        if (x86()) {
            assertFalse(paths.contains("neon"), paths::toString);
            assertTrue(X86_RS.containsAll(paths.subList(1, paths.size())), paths::toString);
            refused(() -> NativeReedSolomon.setPath("neon"), paths, NativeReedSolomon::path);
        } else if (aarch64()) {
            assertEquals(List.of("scalar", "neon"), paths);
            assertEquals("neon", NativeReedSolomon.path());
            for (String p : X86_RS) {
                refused(() -> NativeReedSolomon.setPath(p), paths, NativeReedSolomon::path);
            }
        }
    }

    @Test
    void crc32PathsBelongToThisArchitecture() {
        List<String> paths = NativeCrc32.availablePaths();
        assertEquals("table", paths.get(0));
        if (x86()) {
            assertTrue(X86_CRC.containsAll(paths.subList(1, paths.size())), paths::toString);
        } else if (aarch64()) {
            assertEquals(List.of("table"), paths);
            for (String p : X86_CRC) {
                refused(() -> NativeCrc32.setPath(p), paths, NativeCrc32::path);
            }
        }
    }

    /** Selecting fails, names what is available, and leaves the path in use as it was. */
    private static void refused(Runnable select, List<String> available, Supplier<String> path) {
        String before = path.get();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, select::run);
        assertTrue(e.getMessage().contains("not available here; choose one of auto, "
                + String.join(", ", available)), e.getMessage());
        assertEquals(before, path.get());
    }
}
