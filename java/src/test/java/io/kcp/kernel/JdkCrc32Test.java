package io.kcp.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** {@link JdkCrc32} keeps the {@link Crc32} contract. */
class JdkCrc32Test {

    @Test
    void knownVectors() {
        Crc32Contract.knownVectors(new JdkCrc32());
    }

    @Test
    void matchesTheReferenceInEveryBufferKind() {
        Crc32Contract.matchesReference(new JdkCrc32(), 0x5EED, 1500);
    }

    @Test
    void checksBounds() {
        Crc32Contract.checksBounds(new JdkCrc32());
    }

    @Test
    void allocatesNothing() {
        Crc32Contract.allocatesNothing(new JdkCrc32());
    }

    @Test
    void switchingBetweenBuffersKeepsEachOnesState() {
        // The view cached for one direct buffer must not leak into the next one.
        JdkCrc32 crc = new JdkCrc32();
        ByteBuffer a = ByteBuffer.allocateDirect(100);
        ByteBuffer b = ByteBuffer.allocateDirect(50);
        for (int i = 0; i < 100; i++) a.put(i, (byte) i);
        for (int i = 0; i < 50; i++) b.put(i, (byte) (200 - i));
        byte[] bytesA = new byte[100];
        byte[] bytesB = new byte[50];
        a.get(0, bytesA);
        b.get(0, bytesB);
        for (int round = 0; round < 3; round++) {
            assertEquals(Crc32Reference.crc(bytesA, 10, 90), crc.checksum(a, 10, 90));
            assertEquals(Crc32Reference.crc(bytesB, 0, 50), crc.checksum(b, 0, 50));
            assertEquals(Crc32Reference.crc(bytesA, 0, 5), crc.checksum(a, 0, 5));
        }
    }
}
