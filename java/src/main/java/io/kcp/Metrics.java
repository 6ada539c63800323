package io.kcp;

import io.kcp.metrics.Jmx;
import io.kcp.metrics.SnmpMBean;
import io.kcp.wire.Counters;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import javax.management.ObjectName;

/**
 * kcp-java's JMX view, registered out of the box: {@code io.kcp:type=Snmp,name="global"} with the
 * process-wide counters, and {@code io.kcp:type=Listener,name="<address>"} for each open
 * listener with its sessions' counters (all of them, since its sessions count into it) and its
 * own admission figures. Every attribute is a long read when asked; nothing is sampled.
 */
final class Metrics {

    private static final class Global {
        static final ObjectName NAME = Jmx.register("Snmp", "global",
                new SnmpMBean("kcp-java's counters, process-wide (kcp-go's DefaultSnmp)",
                        counters(Counters.GLOBAL)));
    }

    private Metrics() {
    }

    /** Registers the process-wide MBean, once. */
    static void ensureGlobal() {
        Object unused = Global.NAME;
    }

    /** Registers a listener's MBean; returns its name for {@link Jmx#unregister}. */
    static ObjectName registerListener(KcpListener l, String address, Counters counters) {
        ensureGlobal();
        Map<String, LongSupplier> a = counters(counters);
        a.put("Sessions", l::sessionCount);
        a.put("DroppedNewPeers", l::droppedNewPeers);
        a.put("RefusedReplacements", l::refusedReplacements);
        a.put("ReapedSessions", l::reapedSessions);
        a.put("UnopenedDatagrams", l::unopenedDatagrams);
        return Jmx.register("Listener", address,
                new SnmpMBean("a kcp-java listener and its sessions", a));
    }

    private static Map<String, LongSupplier> counters(Counters c) {
        Map<String, LongSupplier> a = new LinkedHashMap<>();
        for (SnmpCounter k : SnmpCounter.values()) {
            a.put(k.kcpGoName(), () -> c.get(k.counter()));
        }
        return a;
    }
}
