package io.kcp.bench;

import io.kcp.crypto.PacketCiphers;
import io.kcp.kernel.NativeCrc32;
import io.kcp.kernel.NativeReedSolomon;

/**
 * Prints what this machine offers as {@code key=value} lines, for bench/table.sh to pick the
 * JMH parameters: the C Reed-Solomon and CRC-32 paths, the best CRC-32 path, the cipher names.
 */
public final class BenchEnv {

    private BenchEnv() {
    }

    public static void main(String[] args) {
        System.out.println("rs.paths=" + String.join(",", NativeReedSolomon.availablePaths()));
        System.out.println("crc.paths=" + String.join(",", NativeCrc32.availablePaths()));
        System.out.println("crc.best=" + NativeCrc32.path());
        System.out.println("ciphers=" + String.join(",", PacketCiphers.names()));
        System.out.println("jvm=" + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.runtime.version"));
    }
}
