package io.kcp.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NonceSourceTest {

    @Test
    void secureNoncesDoNotRepeatAndLookRandom() {
        NonceSource a = NonceSource.secure();
        NonceSource b = NonceSource.secure();
        Set<String> seen = new HashSet<>();
        byte[] n = new byte[16];
        long ones = 0;
        int count = 20_000; // several 4 KiB refills
        for (int i = 0; i < count; i++) {
            a.next(n);
            assertTrue(seen.add(HexFormat.of().formatHex(n)));
            b.next(n);
            assertTrue(seen.add(HexFormat.of().formatHex(n)), "two sources do not share a stream");
            for (byte x : n) {
                ones += Integer.bitCount(x & 0xFF);
            }
        }
        double fraction = ones / (count * 128.0);
        assertTrue(Math.abs(fraction - 0.5) < 0.005, "fraction of one bits " + fraction);
    }

    @Test
    void fillWritesExactlySixteenBytesAtTheIndex() {
        for (NonceSource s : new NonceSource[] {NonceSource.secure(), new SeededNonceSource(1)}) {
            for (ByteBuffer b : new ByteBuffer[] {ByteBuffer.allocate(40), ByteBuffer.allocateDirect(40)}) {
                b.position(3).limit(35);
                s.fill(b, 10);
                assertEquals(3, b.position());
                assertEquals(35, b.limit());
                b.clear();
                for (int i = 0; i < 40; i++) {
                    if (i < 10 || i >= 26) {
                        assertEquals(0, b.get(i), "byte " + i);
                    }
                }
                boolean any = false;
                for (int i = 10; i < 26; i++) {
                    any |= b.get(i) != 0;
                }
                assertTrue(any);
            }
        }
    }

    @Test
    void seededIsReproducible() {
        byte[] x = new byte[16];
        byte[] y = new byte[16];
        NonceSource a = new SeededNonceSource(7);
        NonceSource b = new SeededNonceSource(7);
        NonceSource c = new SeededNonceSource(8);
        byte[] z = new byte[16];
        for (int i = 0; i < 100; i++) {
            a.next(x);
            b.next(y);
            c.next(z);
            assertArrayEquals(x, y);
            assertFalse(java.util.Arrays.equals(x, z));
        }
    }

    @Test
    void replayingHandsOutItsNoncesOnce() {
        byte[] n1 = new byte[16];
        byte[] n2 = new byte[16];
        n1[0] = 1;
        n2[15] = 2;
        NonceSource s = new ReplayingNonceSource(n1, n2);
        n1[0] = 9; // copied at creation
        byte[] out = new byte[16];
        s.next(out);
        assertEquals(1, out[0]);
        s.next(out);
        assertArrayEquals(n2, out);
        assertThrows(IllegalStateException.class, () -> s.next(out));
        assertThrows(IllegalArgumentException.class, () -> new ReplayingNonceSource(new byte[15]));
    }

    @Test
    void secureSourceAllocatesNothingPerNonce() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        NonceSource s = NonceSource.secure();
        ByteBuffer b = ByteBuffer.allocateDirect(16);
        for (int i = 0; i < 100_000; i++) {
            s.fill(b, 0);
        }
        long least = Long.MAX_VALUE;
        for (int w = 0; w < 5; w++) {
            long before = mx.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 10_000; i++) { // 39 refills
                s.fill(b, 0);
            }
            least = Math.min(least, mx.getCurrentThreadAllocatedBytes() - before);
        }
        assertTrue(least < 256, least + " bytes for 10000 nonces");
    }
}
