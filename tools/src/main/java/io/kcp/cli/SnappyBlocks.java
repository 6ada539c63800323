package io.kcp.cli;

import java.io.IOException;

/**
 * snappy-java's block codec, the only place the tools touch it: snappy-java is an optional
 * dependency, so nothing else loads its classes, and {@link #check()} turns its absence into a
 * message that says what to do.
 */
final class SnappyBlocks {

    static final String ARTIFACT = "org.xerial.snappy:snappy-java";

    private SnappyBlocks() {
    }

    /**
     * Fails with a clear message unless snappy-java is on the class path and its native
     * library loads.
     */
    static void check() {
        try {
            byte[] probe = "kcp".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            byte[] out = new byte[org.xerial.snappy.Snappy.maxCompressedLength(probe.length)];
            org.xerial.snappy.Snappy.compress(probe, 0, probe.length, out, 0);
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException("compression (kcptun's default) needs snappy-java ("
                    + ARTIFACT + ", an optional dependency of the kcp-java tools) on the class path:"
                    + " add it, or turn compression off on both ends with --nocomp", e);
        } catch (Throwable e) {
            throw new IllegalStateException("snappy-java (" + ARTIFACT + ") cannot compress here: "
                    + e + "; turn compression off on both ends with --nocomp", e);
        }
    }

    static int maxCompressedLength(int n) {
        return org.xerial.snappy.Snappy.maxCompressedLength(n);
    }

    /** Compresses {@code in[off, off+len)} into {@code out} at {@code outOff}; returns the size. */
    static int compress(byte[] in, int off, int len, byte[] out, int outOff) throws IOException {
        return org.xerial.snappy.Snappy.compress(in, off, len, out, outOff);
    }

    /** The size a compressed block says it decodes to, or -1 if its header is corrupt. */
    static int uncompressedLength(byte[] in, int off, int len) {
        try {
            return org.xerial.snappy.Snappy.uncompressedLength(in, off, len);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Decodes a block into {@code out} at 0; returns the size. */
    static int uncompress(byte[] in, int off, int len, byte[] out) throws IOException {
        return org.xerial.snappy.Snappy.uncompress(in, off, len, out, 0);
    }
}
