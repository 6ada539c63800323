package io.kcp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Session threads are virtual where the JDK has them (21+) and daemon platform threads before. */
class SessionThreadsTest {

    @Test
    void virtualOnJdk21AndLaterPlatformDaemonsBefore() throws Exception {
        AtomicBoolean ran = new AtomicBoolean();
        Thread t = SessionThreads.factory().newThread(() -> ran.set(true));
        boolean virtual = isVirtual(t);
        assertEquals(Runtime.version().feature() >= 21, virtual, "virtual=" + virtual);
        assertTrue(virtual || t.isDaemon(), "platform session threads must not keep the JVM alive");
        assertTrue(t.getName().startsWith("kcp-peer-session-"), t.getName());
        t.start();
        t.join(5000);
        assertTrue(ran.get());
    }

    private static boolean isVirtual(Thread t) {
        try {
            return (Boolean) Thread.class.getMethod("isVirtual").invoke(t);
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
