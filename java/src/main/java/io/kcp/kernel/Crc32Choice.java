package io.kcp.kernel;

import java.lang.management.ManagementFactory;

/**
 * Which {@link Crc32} is faster for which size, decided by measurement.
 *
 * <p>JDK 17's {@code CRC32} intrinsic on x86 folds 512-bit blocks with AVX-512 VPCLMULQDQ when
 * the JVM uses AVX-512 ({@code UseAVX=3}), and otherwise 128-bit blocks with PCLMULQDQ. The C
 * kernel folds 256-bit blocks with VPCLMULQDQ where the CPU has it (Zen 3, Alder Lake, ...):
 * without AVX-512 that is twice the JDK's width, which pays for the JNI crossing (about 10 ns
 * more than the JDK's call) once inputs are a few hundred bytes long. Measured on AMD EPYC
 * (Zen 3: AVX2 + VPCLMULQDQ, no AVX-512), JDK 17.0.15, direct buffers, ns per call, best JMH
 * iteration of {@code bench/table.sh} ({@code ./build.sh bench-table}):
 * <pre>
 *                 64 B   1400 B
 *   JDK           27.7    187
 *   C vpclmul     36.6    102    (JNI included; C alone, test_crc32 bench: 12.5 and 67)
 * </pre>
 * A size sweep ({@code ./build.sh bench Crc32 -p size=64,256,512,1400 -p buffer=direct,array})
 * put the crossing at 256 B for direct buffers (49 versus 48 ns) and between 256 and 512 B for
 * arrays (512 B: JDK 75, C 61 ns). C with PCLMULQDQ only ({@code -p path=pclmul}), as wide as
 * the JDK, loses a little at 1400 B (211 versus 186-194 ns).
 * So the C kernel is chosen from {@value #NATIVE_FROM} bytes when it has its VPCLMULQDQ path
 * and the JVM does not use AVX-512; for shorter inputs and everywhere else, the JDK.
 */
final class Crc32Choice {

    /** Inputs at least this long go to the C kernel where it is the faster one. */
    static final int NATIVE_FROM = 512;

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
