package io.kcp;

import static io.kcp.SessionTestKit.ANY_LOOPBACK;
import static io.kcp.SessionTestKit.addressOf;
import static io.kcp.SessionTestKit.fast;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A peer with the wrong key is named, once, instead of showing up as a silent dead link. */
@Tag("kernel-independent")
@Timeout(60)
class DiagnosticsTest {

    @Test
    void aPeerWithTheWrongKeyIsNamedOncePerPeriod() throws Exception {
        List<String> said = new CopyOnWriteArrayList<>();
        Logger jul = Logger.getLogger("io.kcp");
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) said.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(capture);
        try (KcpListener l = Kcp.listen(ANY_LOOPBACK, fast().crypt("aes", "right").build());
             KcpSession wrong = Kcp.dial(addressOf(l), fast().crypt("aes", "wrong").build())) {
            for (int i = 0; i < 20; i++) wrong.write(ByteBuffer.wrap(new byte[100]));
            long end = System.nanoTime() + 5_000_000_000L;
            while (l.counters().get(SnmpCounter.IN_CSUM_ERRORS) < 20 && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertTrue(l.counters().get(SnmpCounter.IN_CSUM_ERRORS) >= 20);
            assertEquals(1, said.size(), "once per period: " + said);
            String line = said.get(0);
            assertTrue(line.contains(String.valueOf(wrong.localAddress().getPort()))
                    && line.contains("wrong key or cipher"), line);
        } finally {
            jul.removeHandler(capture);
        }
    }
}
