package io.kcp.kernel;

import io.kcp.arq.Arq;
import io.kcp.arq.JavaArq;
import io.kcp.fec.ReedSolomonFactory;

/**
 * The two implementations of the kernel: C behind JNI, and pure Java. Both produce the same
 * bytes for the same calls; {@link #active()} is the one this JVM uses.
 */
public enum Kernel {
    /** The C kernel in {@code libkcpjava}. */
    NATIVE {
        @Override
        public Arq newArq(int conv) {
            NativeLibrary.ensureAvailable();
            return new NativeArq(conv);
        }

        @Override
        public ReedSolomonFactory reedSolomon() {
            NativeLibrary.ensureAvailable();
            return NativeReedSolomon.FACTORY;
        }
    },
    /** The pure-Java kernel; runs anywhere. */
    JAVA {
        @Override
        public Arq newArq(int conv) {
            return new JavaArq(conv);
        }

        @Override
        public ReedSolomonFactory reedSolomon() {
            return ReedSolomonFactory.JAVA;
        }
    };

    /**
     * NATIVE when the native library is available, else JAVA; decided once per JVM by
     * {@code -Dkcp.native=auto|disable|require} (see {@link NativeLibrary}).
     *
     * @throws UnsatisfiedLinkError with {@code -Dkcp.native=require} when the library is unusable
     */
    public static Kernel active() {
        return NativeLibrary.isAvailable() ? NATIVE : JAVA;
    }

    /** A new ARQ instance of this kernel for conversation {@code conv}. */
    public abstract Arq newArq(int conv);

    /** This kernel's Reed-Solomon codecs, for the FEC encoder and decoder. */
    public abstract ReedSolomonFactory reedSolomon();
}
