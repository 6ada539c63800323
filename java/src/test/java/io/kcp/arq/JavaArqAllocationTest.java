package io.kcp.arq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The Java kernel's steady-state send, flush, input and recv allocate nothing. */
class JavaArqAllocationTest {
    private static final int ITERATIONS = 20_000;

    @Test
    void steadyStateTransferAllocatesNothing() {
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled());
        try (JavaArq a = new JavaArq(5); JavaArq b = new JavaArq(5)) {
            for (Arq x : new Arq[] {a, b}) {
                x.nodelay(1, 10, 2, 1);
                x.windowSize(128, 128);
            }
            ByteBuffer msg = ByteBuffer.allocate(3000); // three segments per message
            ByteBuffer dst = ByteBuffer.allocateDirect(4000);
            int now = 0;
            long received = 0;
            long allocated = 0;
            for (int round = 0; round < 3; round++) { // the first rounds warm up pools and the JIT
                long before = mx.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < ITERATIONS; i++) {
                    msg.clear();
                    a.send(msg);
                    a.flush(now);
                    pump(a, b, now);
                    b.flush(now);
                    pump(b, a, now);
                    int n;
                    while ((n = b.recv(dst.clear())) > 0) {
                        received += n;
                    }
                    now += 10;
                }
                allocated = mx.getCurrentThreadAllocatedBytes() - before;
            }
            assertEquals(3L * ITERATIONS * 3000, received);
            assertTrue(allocated < ITERATIONS, allocated + " bytes allocated in " + ITERATIONS + " round trips");
        }
    }

    /** Feeds every record in {@code from}'s output to {@code to}, straight from the output view. */
    private static void pump(Arq from, Arq to, int now) {
        ByteBuffer out = from.output();
        int end = out.limit();
        for (int p = 0; p < end; ) {
            int len = out.getInt(p);
            out.limit(p + 4 + len).position(p + 4);
            assertEquals(0, to.input(out, true, false, now));
            out.limit(end);
            p += 4 + len;
        }
        from.clearOutput();
    }
}
