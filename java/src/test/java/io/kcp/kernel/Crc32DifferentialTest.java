package io.kcp.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The C CRC-32 through JNI, on every kernel path this CPU runs, against the JDK's and the
 * bit-at-a-time reference: random lengths and offsets in every buffer kind (heap arrays, heap
 * and direct buffers and slices of them, read-only ones).
 */
@Tag("both-kernels")
class Crc32DifferentialTest {

    @AfterEach
    void restoreBestPath() {
        NativeCrc32.setPath(NativeCrc32.AUTO);
    }

    @Test
    void jdkNativeAndReferenceAgreeOnEveryPath() {
        List<String> paths = NativeCrc32.availablePaths();
        assertTrue(paths.contains("table"), paths.toString());
        Crc32 jdk = new JdkCrc32();
        Crc32Reference.Kind[] kinds = Crc32Reference.Kind.values();
        for (String path : paths) {
            NativeCrc32.setPath(path);
            assertEquals(path, NativeCrc32.path());
            Crc32 nat = new NativeCrc32();
            Random rnd = new Random(path.hashCode());
            for (int i = 0; i < 3000; i++) {
                int size = i % 100 == 0 ? rnd.nextInt(100000) : rnd.nextInt(2100);
                byte[] content = new byte[size];
                rnd.nextBytes(content);
                int off = rnd.nextInt(size + 1);
                int len = rnd.nextInt(size - off + 1);
                int want = Crc32Reference.crc(content, off, len);
                String where = path + " case " + i + ": size " + size + ", off " + off + ", len " + len;
                assertEquals(want, nat.checksum(content, off, len), where + ", native byte[]");
                assertEquals(want, jdk.checksum(content, off, len), where + ", jdk byte[]");
                for (Crc32Reference.Kind kind : kinds) {
                    ByteBuffer buf = kind.wrap(content, rnd);
                    assertEquals(want, nat.checksum(buf, off, len), where + ", native " + kind);
                    assertEquals(want, jdk.checksum(buf, off, len), where + ", jdk " + kind);
                }
            }
        }
    }

    @Test
    void nativeKeepsTheContract() {
        for (String path : NativeCrc32.availablePaths()) {
            NativeCrc32.setPath(path);
            Crc32 nat = new NativeCrc32();
            Crc32Contract.knownVectors(nat);
            Crc32Contract.checksBounds(nat);
            Crc32Contract.matchesReference(nat, path.hashCode(), 300);
        }
    }

    @Test
    void nativeAllocatesNothing() {
        Crc32Contract.allocatesNothing(new NativeCrc32());
    }

    @Test
    void pathSwitch() {
        List<String> paths = NativeCrc32.availablePaths();
        String best = paths.get(paths.size() - 1);
        NativeCrc32.setPath(" AUTO ");
        assertEquals(best, NativeCrc32.path());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NativeCrc32.setPath("sse9"));
        assertTrue(e.getMessage().contains("choose one of auto, " + String.join(", ", paths)),
                e.getMessage());
        assertEquals(best, NativeCrc32.path());
        assertThrows(IllegalArgumentException.class, () -> NativeCrc32.setPath(null));
        assertThrows(IllegalArgumentException.class, () -> NativeCrc32.setPath("unknown"));
    }
}
