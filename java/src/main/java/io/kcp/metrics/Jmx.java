package io.kcp.metrics;

import java.lang.management.ManagementFactory;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Registers kcp-java's MBeans with the platform MBean server, under the domain {@code io.kcp}.
 * Monitoring must never break the transport: a failure to register is reported once through
 * the JDK's logger and otherwise ignored.
 */
public final class Jmx {

    private Jmx() {
    }

    /**
     * Registers {@code bean} as {@code io.kcp:type=<type>,name=<name>} (the name quoted), adding
     * a number to the name if it is taken.
     *
     * @return the name it was registered under, or null if it could not be
     */
    public static ObjectName register(String type, String name, Object bean) {
        MBeanServer server;
        try {
            server = ManagementFactory.getPlatformMBeanServer();
        } catch (RuntimeException | Error e) {
            report(e);
            return null;
        }
        for (int i = 0; i < 100; i++) {
            try {
                ObjectName on = new ObjectName("io.kcp:type=" + type + ",name="
                        + ObjectName.quote(i == 0 ? name : name + "#" + i));
                server.registerMBean(bean, on);
                return on;
            } catch (InstanceAlreadyExistsException taken) {
                // try the next number
            } catch (JMException | RuntimeException e) {
                report(e);
                return null;
            }
        }
        return null;
    }

    /** Unregisters what {@link #register} returned; null and repeated calls are fine. */
    public static void unregister(ObjectName name) {
        if (name == null) return;
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (JMException | RuntimeException e) {
            // already gone
        }
    }

    private static void report(Throwable e) {
        System.getLogger(Jmx.class.getName()).log(System.Logger.Level.WARNING,
                "kcp-java metrics are not registered with JMX: " + e);
    }
}
