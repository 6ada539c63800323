package io.kcp.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kcp.SnmpCounter;
import io.kcp.crypto.PacketCiphers;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Steady-state traffic through both pipelines (ARQ flush -> FEC -> nonce/CRC/cipher -> wire ->
 * decrypt/CRC -> FEC -> ARQ input, and the ACKs back) allocates nothing, with the secure nonce
 * source and the active kernel.
 */
class PipelineAllocationTest {

    private static final byte[] KEY = PacketCiphers.kcptunKey("allocation");
    private static final int ROUNDS = 2000;

    /** A fixed set of reusable direct buffers standing in for the network. */
    private static final class Ring implements DatagramSink {
        final ByteBuffer[] slots = new ByteBuffer[512];
        int count;

        Ring() {
            for (int i = 0; i < slots.length; i++) {
                slots[i] = ByteBuffer.allocateDirect(1500);
            }
        }

        @Override
        public void send(ByteBuffer datagram) {
            slots[count++].clear().put(datagram).flip();
        }
    }

    @ParameterizedTest
    @CsvSource({"aes, 10, 3", "salsa20, 0, 0", "null, 10, 3", "none, 0, 0", "xor, 10, 3"})
    void steadyStateAllocatesNothing(String cipher, int ds, int ps) {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "needs HotSpot's per-thread allocation counter");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled(),
                "per-thread allocation counting is off");

        Counters root = new Counters(null);
        try (Endpoint a = new Endpoint(42, cipher, KEY, ds, ps, NonceSource.secure(), root, 1400);
             Endpoint b = new Endpoint(42, cipher, KEY, ds, ps, NonceSource.secure(), root, 1400)) {
            Ring ab = new Ring();
            Ring ba = new Ring();
            ByteBuffer msg = ByteBuffer.allocateDirect(3000); // three datagrams per message
            ByteBuffer dst = ByteBuffer.allocateDirect(4000);
            int[] now = {0};
            long[] received = {0};
            Runnable round = () -> {
                msg.clear();
                a.arq.send(msg);
                a.flush(now[0], ab);
                for (int i = 0; i < ab.count; i++) {
                    b.receive(ab.slots[i], now[0], ba);
                }
                ab.count = 0;
                b.flush(now[0], ba);
                for (int i = 0; i < ba.count; i++) {
                    a.receive(ba.slots[i], now[0], ab);
                }
                ba.count = 0;
                int n;
                while ((n = b.arq.recv(dst.clear())) > 0) {
                    received[0] += n;
                }
                now[0] += 10;
            };
            for (int i = 0; i < 3 * ROUNDS; i++) { // pools, scratch buffers, the JIT
                round.run();
            }
            // The JIT may allocate now and then on this thread, so the quietest of a few windows
            // counts; anything allocated per datagram would show in every window.
            long least = Long.MAX_VALUE;
            for (int window = 0; window < 5; window++) {
                long before = mx.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < ROUNDS; i++) {
                    round.run();
                }
                least = Math.min(least, mx.getCurrentThreadAllocatedBytes() - before);
            }
            assertEquals(8L * ROUNDS * 3000, received[0], "every message arrived");
            System.out.printf("%s %d/%d: least %d bytes allocated in %d rounds%n", cipher, ds, ps, least, ROUNDS);
            long datagrams = a.counters.get(Counter.OUT_PKTS) + b.counters.get(Counter.OUT_PKTS);
            assertTrue(least < 1024, cipher + " " + ds + "/" + ps + ": " + least + " bytes allocated in "
                    + ROUNDS + " rounds (" + datagrams / 8 + " datagrams)");
        }
    }
}
