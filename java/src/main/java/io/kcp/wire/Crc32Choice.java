package io.kcp.wire;

import io.kcp.kernel.NativeCrc32;
import io.kcp.kernel.NativeLibrary;
import java.lang.management.ManagementFactory;

/**
 * Which {@link Crc32} is faster for which size, decided by measurement.
 *
 * <p>JDK 17's {@code CRC32} intrinsic on x86 folds 512-bit blocks with AVX-512 VPCLMULQDQ when
 * the JVM uses AVX-512 ({@code -XX:UseAVX=3}), and otherwise 128-bit blocks with PCLMULQDQ. The
 * C kernel folds 256-bit blocks with VPCLMULQDQ where the CPU has it without AVX-512 (Zen 3,
 * Alder Lake), twice the JDK's width there, which beats the JNI crossing (about 10 ns more
 * than the JDK's call overhead) from a few hundred bytes on. Measured on AMD EPYC (Zen 3),
 * JDK 17.0.15, direct buffers, ns per call (JMH:
 * {@code ./build.sh bench Crc32 -p buffer=direct -p size=64,256,1400}, and bench/table.sh):
 * <pre>
 *              64 B   256 B   1400 B
 *   JDK        22.5    44      161
 *   C vpclmul  33      37       86   (JNI included; C alone: 12.5, 18, 67)
 *   C pclmul   31.5    46      162
 * </pre>
 * So the C kernel is chosen from {@value #NATIVE_FROM} bytes when it has its VPCLMULQDQ path
 * and the JVM does not run AVX-512; everywhere else, and for shorter inputs, the JDK.
 */
final class Crc32Choice {

    /** Inputs at least this long go to the C kernel where it is the faster one. */
    static final int NATIVE_FROM = 256;

    private Crc32Choice() {
    }

    static Crc32 forSize(int typicalLength) {
        return typicalLength >= NATIVE_FROM && Wide.NATIVE_IS_WIDER ? new NativeCrc32() : new JdkCrc32();
    }

    /** Decided on first need: loads the native library and asks HotSpot for its flags. */
    private static final class Wide {
        static final boolean NATIVE_IS_WIDER = NativeLibrary.unavailabilityCause() == null
                && NativeCrc32.availablePaths().contains("vpclmul")
                && jvmAvxLevel() < 3;
    }

    /** HotSpot's UseAVX (3 = AVX-512 in use); MAX_VALUE when unknown, which keeps the JDK. */
    static int jvmAvxLevel() {
        try {
            return Integer.parseInt(ManagementFactory
                    .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .getVMOption("UseAVX").getValue());
        } catch (RuntimeException | LinkageError e) {
            // Not HotSpot, not x86, or no jdk.management module.
            return Integer.MAX_VALUE;
        }
    }
}
