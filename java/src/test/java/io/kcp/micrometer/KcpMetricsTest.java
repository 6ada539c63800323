package io.kcp.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kcp.Kcp;
import io.kcp.KcpConfig;
import io.kcp.KcpListener;
import io.kcp.KcpMode;
import io.kcp.KcpSession;
import io.kcp.SnmpCounter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class KcpMetricsTest {

    @Test
    void meterNamesFollowMicrometersStyle() {
        assertEquals("kcp.in.csum.errors", KcpMetrics.meterName("InCsumErrors"));
        assertEquals("kcp.kcp.in.errors", KcpMetrics.meterName("KCPInErrors"));
        assertEquals("kcp.fec.parity.shards", KcpMetrics.meterName("FECParityShards"));
        assertEquals("kcp.bytes.sent", KcpMetrics.meterName("BytesSent"));
    }

    @Test
    void aListenersCountersAreReadWhenTheRegistryAsks() throws Exception {
        KcpConfig cfg = KcpConfig.builder().mode(KcpMode.FAST3).build();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        KcpMetrics.global().bindTo(registry);
        try (KcpListener l = Kcp.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), cfg);
             KcpSession c = Kcp.dial(l.localAddress(), cfg)) {
            KcpMetrics.of(l).bindTo(registry);
            c.write(ByteBuffer.wrap(new byte[2000]));
            KcpSession s = l.accept(Duration.ofSeconds(5));
            ByteBuffer b = ByteBuffer.allocate(2000);
            while (b.hasRemaining()) s.read(b);
            // The binders were temporaries: the meters must not depend on them surviving a GC.
            for (int i = 0; i < 3; i++) System.gc();
            FunctionCounter in = registry.find("kcp.in.bytes").tag("scope", "listener").functionCounter();
            assertNotNull(in);
            assertEquals(l.counters().get(SnmpCounter.IN_BYTES), (long) in.count());
            assertEquals(1.0, registry.find("kcp.sessions").gauge().value());
            assertTrue(registry.find("kcp.bytes.sent").tag("scope", "global").functionCounter().count() >= 2000);
            assertEquals(SnmpCounter.COUNT * 2 + 1, registry.getMeters().size());
        }
    }
}
