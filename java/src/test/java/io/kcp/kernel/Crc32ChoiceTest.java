package io.kcp.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link Crc32#forSize}: the JDK for short inputs, C for long ones only where it is faster. */
class Crc32ChoiceTest {

    @Test
    void shortInputsGoToTheJdk() {
        assertEquals(JdkCrc32.class, Crc32.forSize(0).getClass());
        assertEquals(JdkCrc32.class, Crc32.forSize(64).getClass());
        assertEquals(JdkCrc32.class, Crc32.forSize(Crc32Choice.NATIVE_FROM - 1).getClass());
    }

    @Test
    void longInputsGoToTheCKernelOnlyWhereItFoldsWider() {
        int avx = Crc32Choice.jvmAvxLevel();
        if (System.getProperty("os.arch").equals("amd64")
                && System.getProperty("java.vm.name").contains("HotSpot")) {
            assertTrue(avx >= 0 && avx <= 3, "UseAVX " + avx);
        }
        boolean wider = NativeLibrary.unavailabilityCause() == null
                && NativeCrc32.availablePaths().contains("vpclmul") && avx < 3;
        Class<?> want = wider ? NativeCrc32.class : JdkCrc32.class;
        assertEquals(want, Crc32.forSize(Crc32Choice.NATIVE_FROM).getClass());
        assertEquals(want, Crc32.forSize(1400).getClass());
        if (System.getProperty("kcp.native", "").equals("disable")) {
            assertEquals(JdkCrc32.class, Crc32.forSize(1400).getClass());
        }
    }

    @Test
    void theChoiceForEachSizeComputesTheSameValues() {
        byte[] a = new byte[2000];
        new java.util.Random(3).nextBytes(a);
        for (int size : new int[] {1, 64, 200, 1400, 65536}) {
            Crc32 chosen = Crc32.forSize(size);
            assertNotSame(chosen, Crc32.forSize(size), "instances hold state: one per caller");
            assertEquals(Crc32Reference.crc(a, 3, 1400), chosen.checksum(a, 3, 1400), chosen + " for " + size);
        }
    }
}
