package io.kcp.kernel;

/** Run in a child JVM by {@link NativeLibraryTest}: prints the kernel or the error's message. */
public final class NativeLibraryProbe {
    private NativeLibraryProbe() {}

    public static void main(String[] args) {
        try {
            System.out.println("kernel=" + Kernel.active());
        } catch (UnsatisfiedLinkError e) {
            System.out.println("error=" + e.getMessage());
            System.exit(3);
        }
    }
}
