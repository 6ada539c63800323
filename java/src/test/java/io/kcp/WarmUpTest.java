package io.kcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Kcp#warmUp}: runs its round trips on loopback and leaves nothing behind. */
@Timeout(60)
class WarmUpTest {

    @Test
    void runsItsRoundTripsAndLeavesNothingOpen() throws Exception {
        KcpConfig cfg = SessionTestKit.fast().build();
        long before = Kcp.counters().get(SnmpCounter.IN_PKTS);
        Kcp.warmUp(cfg, 2_000);
        // every message and its echo is a datagram at least
        assertTrue(Kcp.counters().get(SnmpCounter.IN_PKTS) - before >= 4_000);
        assertEquals(java.util.List.of(), SessionTestKit.awaitNoThreads("kcp-warm-up", 5_000));
    }

    @Test
    void withCryptoAndFec() throws Exception {
        Kcp.warmUp(SessionTestKit.fast().crypt("aes-128", "k").fec(10, 3).build(), 500);
    }

    @Test
    void zeroDoesNothingAndNegativeIsRefused() throws Exception {
        long before = Kcp.counters().get(SnmpCounter.IN_PKTS);
        Kcp.warmUp(SessionTestKit.fast().build(), 0);
        assertEquals(before, Kcp.counters().get(SnmpCounter.IN_PKTS));
        assertThrows(IllegalArgumentException.class, () -> Kcp.warmUp(SessionTestKit.fast().build(), -1));
    }

    @Test
    void afterwardsSessionsWorkAsUsual() throws Exception {
        KcpConfig cfg = SessionTestKit.fast().build();
        Kcp.warmUp(cfg, 100);
        try (KcpListener l = Kcp.listen(SessionTestKit.ANY_LOOPBACK, cfg);
             KcpSession c = Kcp.dial(SessionTestKit.addressOf(l), cfg)) {
            c.write(java.nio.ByteBuffer.wrap(new byte[] {7}));
            KcpSession s = l.accept(Duration.ofSeconds(5));
            s.setReadTimeout(Duration.ofSeconds(5));
            assertEquals(7, SessionTestKit.readFully(s, 1)[0]);
        }
    }
}
