package io.kcp.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kcp.arq.ArqField;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Each Surefire execution names the kernel it expects (-Dkcp.test.kernel): a broken native
 * build must fail here rather than pass every other test on the Java fallback.
 */
class KernelSelectionTest {

    private static Kernel expected() {
        String name = System.getProperty("kcp.test.kernel");
        assertNotNull(name, "run with -Dkcp.test.kernel=native|java (Maven sets it per execution)");
        return Kernel.valueOf(name.toUpperCase(Locale.ROOT));
    }

    @Test
    void activeKernelIsTheOneThisRunExpects() {
        assertEquals(expected(), Kernel.active(), () -> "unavailability cause: "
                + NativeLibrary.unavailabilityCause());
    }

    @Test
    void nativeRunLoadedALibraryWithThisJarsAbi() {
        if (expected() != Kernel.NATIVE) {
            assertFalse(NativeLibrary.isAvailable());
            assertNotNull(NativeLibrary.unavailabilityCause());
            return;
        }
        assertTrue(NativeLibrary.isAvailable());
        assertNull(NativeLibrary.unavailabilityCause());
        NativeLibrary.ensureAvailable();
        assertEquals(NativeLibrary.ABI_VERSION, NativeLibrary.abiVersion0());
        assertEquals(ArqField.COUNT, NativeLibrary.arqFieldCount0());
        assertNull(NativeLibrary.checkAbi());
    }

    @Test
    void libraryIsOnTheClassPathOnlyInTheNativeRun() {
        // The natives come from target/native (the platform jar), never from target/classes.
        String path = NativeLibrary.resourcePath();
        boolean present = getClass().getClassLoader().getResource(path) != null;
        assertEquals(expected() == Kernel.NATIVE, present, path);
    }

    @Test
    void theExtractedCopyIsGoneOnceLoaded() {
        // The native run loads the library from the class path, through an extracted copy; a
        // killed JVM must not leave that copy (or its directory) in the temp directory.
        if (expected() != Kernel.NATIVE) return;
        NativeLibrary.ensureAvailable();
        java.io.File copy = NativeLibrary.extractedCopy;
        assertNotNull(copy, "the library did not come through native-lib-loader's extraction");
        assertFalse(copy.exists(), copy + " still exists");
        assertFalse(copy.getParentFile().exists(), copy.getParentFile() + " still exists");
    }

    @Test
    void unavailabilityCauseMatchesTheRun() {
        Throwable cause = NativeLibrary.unavailabilityCause();
        if (expected() == Kernel.NATIVE) {
            assertNull(cause);
        } else {
            assertNotNull(cause);
            assertTrue(cause.getMessage().contains("kcp.native=disable"), cause.getMessage());
        }
    }
}
