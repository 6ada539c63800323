package io.kcp.crypto;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The steady state (same instance, lengths already seen) allocates nothing. */
class AllocationTest {

    @ParameterizedTest
    @EnumSource(CipherKind.class)
    void steadyStateAllocatesNothing(CipherKind kind) {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean,
                "needs HotSpot's per-thread allocation counter");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled(),
                "per-thread allocation counting is off");

        PacketCipher c = AllCiphers.create(kind);
        byte[] buf = new byte[1500];
        ByteBuffer direct = ByteBuffer.allocateDirect(1500);
        int rounds = 2000;
        run(c, buf, direct, rounds); // grows scratch space, loads classes
        // The JIT may allocate now and then on this thread (deoptimisation), so the quietest of
        // a few windows counts. Anything allocated per packet would show in every window:
        // 4 * rounds operations.
        long least = Long.MAX_VALUE;
        for (int window = 0; window < 5; window++) {
            long before = mx.getCurrentThreadAllocatedBytes();
            run(c, buf, direct, rounds);
            least = Math.min(least, mx.getCurrentThreadAllocatedBytes() - before);
        }
        assertTrue(least < 1024, kind + " allocated " + least + " bytes in "
                + 4 * rounds + " operations");
    }

    private static void run(PacketCipher c, byte[] buf, ByteBuffer direct, int rounds) {
        for (int i = 0; i < rounds; i++) {
            int len = 8 + i % 1493;
            c.encrypt(buf, 0, len);
            c.decrypt(buf, 0, len);
            direct.clear().limit(len);
            c.encrypt(direct);
            c.decrypt(direct);
        }
    }
}
