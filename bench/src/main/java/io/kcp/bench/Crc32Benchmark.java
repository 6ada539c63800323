package io.kcp.bench;

import io.kcp.kernel.NativeCrc32;
import io.kcp.kernel.Crc32;
import io.kcp.kernel.JdkCrc32;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * CRC-32 of one datagram-sized range, JDK ({@link java.util.zip.CRC32}, a HotSpot intrinsic)
 * versus C through JNI (the crossing included). {@code buffer}: {@code direct} (the transport's
 * case), {@code array} (a {@code byte[]}; native pins it with GetPrimitiveArrayCritical) and
 * {@code staged} (the array copied into a direct buffer first, the alternative to pinning).
 * {@code path} forces the C kernel path ({@code auto} = best); the JDK ignores it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class Crc32Benchmark {

    @Param({"jdk", "native"})
    public String impl;

    @Param({"64", "1400"})
    public int size;

    @Param({"direct", "array", "staged"})
    public String buffer;

    @Param({"auto"})
    public String path;

    private Crc32 crc;
    private int kind; // the buffer parameter as a number: no string switch in the timed code
    private ByteBuffer direct;
    private byte[] array;
    private ByteBuffer staging;

    @Setup(Level.Trial)
    public void open() {
        if (impl.equals("native")) {
            NativeCrc32.setPath(path);
            crc = new NativeCrc32();
        } else if (impl.equals("jdk")) {
            crc = new JdkCrc32();
        } else {
            throw new IllegalArgumentException("impl must be jdk or native, got " + impl);
        }
        kind = List.of("direct", "array", "staged").indexOf(buffer);
        if (kind < 0) {
            throw new IllegalArgumentException("buffer must be direct, array or staged, got " + buffer);
        }
        array = new byte[size];
        new Random(size).nextBytes(array);
        direct = ByteBuffer.allocateDirect(size).put(0, array);
        staging = ByteBuffer.allocateDirect(size);
        if (crc.checksum(direct, 0, size) != crc.checksum(array, 0, size)) {
            throw new IllegalStateException(impl + ": direct and array checksums differ");
        }
    }

    @Benchmark
    public int checksum() {
        if (kind == 0) {
            return crc.checksum(direct, 0, size);
        }
        if (kind == 1) {
            return crc.checksum(array, 0, size);
        }
        staging.put(0, array, 0, size);
        return crc.checksum(staging, 0, size);
    }
}
