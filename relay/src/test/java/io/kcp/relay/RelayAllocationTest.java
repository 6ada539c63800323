package io.kcp.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The relay's threads allocate nothing per datagram: their only allocations once warm are new
 * packets for the pool, which grows to the most datagrams ever held at once (how many that is
 * depends on thread scheduling, so the test counts them instead of hoping the warm-up hit the peak).
 */
@Tag("kernel-independent")
class RelayAllocationTest {
    private static final int DATAGRAMS = 5_000;
    private static final int WINDOW = 100;
    /** Generous upper bound on one pooled packet's heap objects (packet, buffer, cleaner). */
    private static final int PACKET_HEAP_BYTES = 512;

    @Test
    void steadyStateRelayingAllocatesNothingPerDatagram() throws IOException {
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled());
        // Client to server: held (delay, jitter, duplicates), so through the pool and the release
        // thread. Server to client: sent straight from the receiver.
        Impairment held = Impairment.builder().loss(0.1).delayMillis(1).jitterMillis(0.5).duplicate(0.05).build();
        Impairment direct = Impairment.builder().loss(0.1).duplicate(0.05).build();
        try (Udp server = new Udp(); Udp client = new Udp();
             ImpairmentRelay relay = ImpairmentRelay.start(server.address(), held, direct)) {
            String prefix = ImpairmentRelay.THREAD_NAME_PREFIX + relay.localAddress().getPort() + "-";
            long up = 0;
            do { // the first datagram may be lost; the server learns the client's mapped address
                client.send(relay.localAddress(), 0, 1000);
                up++;
            } while (server.poll(200) < 0);
            InetSocketAddress mapped = server.source;
            long atServer = 1;
            long atClient = 0;
            long down = 0;
            for (int round = 0; round < 3; round++) { // the first rounds warm up the JIT and the pool
                Map<String, Long> before = allocatedBytes(mx, prefix);
                long createdBefore = relay.packetsCreated();
                for (int base = 0; base < DATAGRAMS; base += WINDOW) {
                    for (int i = 0; i < WINDOW; i++) {
                        client.send(relay.localAddress(), i, 1000);
                        server.send(mapped, i, 1000);
                    }
                    up += WINDOW;
                    down += WINDOW;
                    // Everything handled, then read: no socket buffer or loopback queue can overflow.
                    RelayStats s = awaitHandled(relay, up, down);
                    for (; atServer < s.clientToServer().forwarded(); atServer++) {
                        server.receive();
                    }
                    for (; atClient < s.serverToClient().forwarded(); atClient++) {
                        client.receive();
                    }
                }
                Map<String, Long> after = allocatedBytes(mx, prefix);
                long grown = relay.packetsCreated() - createdBefore;
                if (round == 2) {
                    for (String name : after.keySet()) {
                        long bytes = after.get(name) - before.get(name);
                        assertTrue(bytes < DATAGRAMS + grown * PACKET_HEAP_BYTES, name + " allocated " + bytes
                                + " bytes for " + DATAGRAMS + " datagrams each way, " + grown + " new packets");
                    }
                }
            }
            RelayStats s = relay.stats();
            assertTrue(s.clientToServer().duplicated() > 0 && s.serverToClient().duplicated() > 0, s.toString());
            assertTrue(s.clientToServer().droppedLoss() > 0 && s.serverToClient().droppedLoss() > 0, s.toString());
            assertEquals(0, s.clientToServer().sendFailed() + s.serverToClient().sendFailed());
        }
    }

    private static RelayStats awaitHandled(ImpairmentRelay relay, long up, long down) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            RelayStats s = relay.stats();
            DirectionStats c2s = s.clientToServer();
            DirectionStats s2c = s.serverToClient();
            if (c2s.received() == up && s2c.received() == down && c2s.inFlight() == 0 && s2c.inFlight() == 0) {
                return s;
            }
            if (System.nanoTime() - deadline > 0) {
                return fail("relay stuck at " + s + " after " + up + " up, " + down + " down");
            }
            LockSupport.parkNanos(50_000);
        }
    }

    private static Map<String, Long> allocatedBytes(com.sun.management.ThreadMXBean mx, String prefix) {
        Map<String, Long> bytes = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(prefix)) {
                bytes.put(t.getName(), mx.getThreadAllocatedBytes(t.getId()));
            }
        }
        assertEquals(2, bytes.size(), bytes.toString());
        return bytes;
    }
}
