package io.kcp.bench;

import io.kcp.fec.JavaReedSolomon;
import io.kcp.fec.ReedSolomon;
import io.kcp.kernel.NativeReedSolomon;

import java.nio.ByteBuffer;
import java.util.Arrays;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One FEC group of kcp-go's default shape, {@value #DATA}+{@value #PARITY} shards of
 * {@code shardLen} bytes, in one contiguous buffer (shard i at {@code i * shardLen}; direct
 * unless {@code buffer=heap}):
 * encode, and rebuild the data shards with 1 or 3 of them lost. {@code impl} is a C kernel
 * path ({@code scalar}, {@code avx2}, {@code gfni256}, {@code gfni512}; see
 * {@link NativeReedSolomon#availablePaths()}) or {@code java} ({@link JavaReedSolomon}, which
 * copies a direct group through its scratch array).
 *
 * <p>A reconstruct op marks the lost shards missing and rebuilds them; the erasure pattern is
 * the same every time, so the decode matrix comes from the codec's cache, as it does for a
 * steady loss pattern. GB/s of data = {@value #DATA} * shardLen bytes / time per op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ReedSolomonBenchmark {

    static final int DATA = 10;
    static final int PARITY = 3;
    static final int SHARDS = DATA + PARITY;
    /** The shards lost in each reconstruct benchmark (data shards, spread out). */
    private static final int[] LOST_ONE = {3};
    private static final int[] LOST_THREE = {0, 4, 9};

    @Param({"scalar", "avx2", "gfni256", "gfni512", "java"})
    public String impl;

    @Param({"1400"})
    public int shardLen;

    /** {@code direct} (the transport's buffers) or {@code heap} (Java's own habitat). */
    @Param({"direct"})
    public String buffer;

    private ReedSolomon rs;
    private ByteBuffer group;
    private byte[] pristine;
    private final boolean[] presentOne = new boolean[SHARDS];
    private final boolean[] presentThree = new boolean[SHARDS];

    @Setup(Level.Trial)
    public void open() {
        if (impl.equals("java")) {
            rs = new JavaReedSolomon(DATA, PARITY);
        } else {
            NativeReedSolomon.setPath(impl); // throws, naming the paths, if this CPU lacks it
            rs = new NativeReedSolomon(DATA, PARITY);
        }
        if (!buffer.equals("direct") && !buffer.equals("heap")) {
            throw new IllegalArgumentException("buffer must be direct or heap, got " + buffer);
        }
        group = buffer.equals("direct") ? ByteBuffer.allocateDirect(SHARDS * shardLen)
                : ByteBuffer.allocate(SHARDS * shardLen);
        byte[] data = new byte[DATA * shardLen];
        new Random(42).nextBytes(data);
        group.put(0, data);
        rs.encode(group, shardLen, shardLen);
        pristine = new byte[SHARDS * shardLen];
        group.get(0, pristine);
        mark(presentOne, LOST_ONE);
        mark(presentThree, LOST_THREE);
    }

    private static void mark(boolean[] present, int[] lost) {
        Arrays.fill(present, true);
        for (int i : lost) {
            present[i] = false;
        }
    }

    @Benchmark
    public void encode() {
        rs.encode(group, shardLen, shardLen);
    }

    @Benchmark
    public boolean reconstructLost1() {
        return rs.reconstruct(group, shardLen, shardLen, presentOne, true);
    }

    @Benchmark
    public boolean reconstructLost3() {
        return rs.reconstruct(group, shardLen, shardLen, presentThree, true);
    }

    /** The figures count only if the codec really rebuilds: wipe the lost shards and check. */
    @TearDown(Level.Iteration)
    public void check() {
        for (boolean[] present : new boolean[][] {presentOne, presentThree}) {
            for (int i = 0; i < SHARDS; i++) {
                if (!present[i]) {
                    group.put(i * shardLen, new byte[shardLen]);
                }
            }
            if (!rs.reconstruct(group, shardLen, shardLen, present, true)) {
                throw new IllegalStateException(impl + ": reconstruct refused");
            }
            byte[] now = new byte[SHARDS * shardLen];
            group.get(0, now);
            if (!Arrays.equals(now, pristine)) {
                throw new IllegalStateException(impl + ": the group differs after reconstruct");
            }
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        rs.close();
        if (!impl.equals("java")) {
            NativeReedSolomon.setPath(NativeReedSolomon.AUTO);
        }
    }
}
