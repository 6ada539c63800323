package io.kcp.bench;

import io.kcp.crypto.PacketCipher;
import io.kcp.crypto.PacketCiphers;

import java.nio.ByteBuffer;
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
 * Encrypting and decrypting one datagram in place with each kcp-go cipher (kcptun's names,
 * {@link PacketCiphers#names()}), in a direct buffer as on the transport's path. The datagram
 * is {@code size} bytes including the 20-byte crypto header, all of which kcp-go encrypts.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class PacketCipherBenchmark {

    @Param({"aes", "aes-128", "aes-192", "salsa20", "blowfish", "twofish", "cast5", "3des", "tea",
        "xtea", "xor", "sm4", "none", "null"})
    public String cipher;

    @Param({"1400"})
    public int size;

    private PacketCipher c;
    private ByteBuffer datagram;

    @Setup(Level.Trial)
    public void open() {
        c = PacketCiphers.fromPassword(cipher, "benchmark");
        byte[] bytes = new byte[size];
        new Random(1).nextBytes(bytes);
        datagram = ByteBuffer.allocateDirect(size).put(0, bytes);
    }

    @Benchmark
    public ByteBuffer encrypt() {
        c.encrypt(datagram);
        return datagram;
    }

    @Benchmark
    public ByteBuffer decrypt() {
        c.decrypt(datagram);
        return datagram;
    }
}
