package io.kcp;

/** Which kernel a session runs its ARQ and Reed-Solomon code on. */
public enum KernelChoice {
    /** The kernel this JVM selected: native when the library loads (see {@code -Dkcp.native}). */
    AUTO,
    /** The C kernel; creating a session fails if the native library is unusable. */
    NATIVE,
    /** The pure-Java kernel. */
    JAVA
}
