package io.kcp;

import static io.kcp.SessionTestKit.ANY_LOOPBACK;
import static io.kcp.SessionTestKit.addressOf;
import static io.kcp.SessionTestKit.fast;
import static io.kcp.SessionTestKit.readFully;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The counters are in JMX out of the box: process-wide, and per listener while it is open. */
@Timeout(60)
class MetricsTest {

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    @Test
    void globalAndListenerCountersAreMBeans() throws Exception {
        KcpConfig cfg = fast().build();
        ObjectName name;
        try (KcpListener l = Kcp.listen(ANY_LOOPBACK, cfg);
             KcpSession c = Kcp.dial(addressOf(l), cfg)) {
            c.write(ByteBuffer.wrap(new byte[3000]));
            KcpSession s = l.accept(Duration.ofSeconds(5));
            readFully(s, 3000);
            name = new ObjectName("io.kcp:type=Listener,name="
                    + ObjectName.quote(String.valueOf(l.localAddress())));
            assertTrue(server.isRegistered(name), "no listener MBean " + name);
            assertEquals(1L, server.getAttribute(name, "Sessions"));
            assertEquals(1L, server.getAttribute(name, "PassiveOpens"));
            assertEquals(l.counters().get(SnmpCounter.IN_PKTS), server.getAttribute(name, "InPkts"));
            assertTrue((long) server.getAttribute(name, "InBytes") >= 3000);
            ObjectName global = new ObjectName("io.kcp:type=Snmp,name=" + ObjectName.quote("global"));
            assertTrue((long) server.getAttribute(global, "BytesSent") >= 3000);
            assertTrue((long) server.getAttribute(global, "CurrEstab") >= 2);
            assertEquals(Snmp.header().size() + 5, server.getMBeanInfo(name).getAttributes().length);
        }
        assertFalse(server.isRegistered(name), "a closed listener's MBean must go");
    }
}
