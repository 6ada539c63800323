package io.kcp.mux;

import static io.kcp.mux.MuxTestKit.crc;
import static io.kcp.mux.MuxTestKit.drain;
import static io.kcp.mux.MuxTestKit.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kcp.Kcp;
import io.kcp.KcpConfig;
import io.kcp.KcpListener;
import io.kcp.KcpMode;
import io.kcp.KcpSession;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Streams over a real KCP session on loopback, on the kernel this JVM runs. */
@Timeout(120)
class MuxOverKcpTest {

    @ParameterizedTest(name = "version {0}")
    @ValueSource(ints = {1, 2})
    void eightStreamsEachWayOverOneKcpSession(int version) throws Exception {
        KcpConfig cfg = KcpConfig.builder().crypt("aes", "mux").fec(10, 3).mode(KcpMode.FAST3)
                .windows(512, 512).streamMode(true).build();
        MuxConfig mux = MuxConfig.builder().version(version).build();
        try (KcpListener listener = Kcp.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), cfg);
             KcpSession dialed = Kcp.dial((InetSocketAddress) listener.localAddress(), cfg)) {
            MuxSession client = MuxSession.client(dialed, mux);
            client.openStream().close(); // the first datagram opens the KCP session
            MuxSession server = MuxSession.server(listener.accept(Duration.ofSeconds(5)), mux);
            try (client; server) {
                server.acceptStream(Duration.ofSeconds(5));
                List<CompletableFuture<Throwable>> jobs = new ArrayList<>();
                List<long[]> want = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    MuxStream c = client.openStream();
                    MuxStream s = server.acceptStream(Duration.ofSeconds(5));
                    byte[] up = random(2 << 20, i);
                    byte[] down = random(1 << 20, 100 + i);
                    long[] got = new long[4];
                    want.add(new long[] {crc(up), up.length, crc(down), down.length});
                    jobs.add(MuxSessionTest.failureOf(() -> {
                        c.write(ByteBuffer.wrap(up));
                        c.shutdownOutput();
                        return null;
                    }));
                    jobs.add(MuxSessionTest.failureOf(() -> {
                        s.write(ByteBuffer.wrap(down));
                        s.shutdownOutput();
                        return null;
                    }));
                    jobs.add(MuxSessionTest.failureOf(() -> {
                        long[] r = drain(s);
                        got[0] = r[0];
                        got[1] = r[1];
                        return null;
                    }));
                    jobs.add(MuxSessionTest.failureOf(() -> {
                        long[] r = drain(c);
                        got[2] = r[0];
                        got[3] = r[1];
                        return null;
                    }));
                    want.add(got);
                }
                for (CompletableFuture<Throwable> j : jobs) assertNull(j.get(60, TimeUnit.SECONDS));
                for (int i = 0; i < want.size(); i += 2) {
                    assertEquals(java.util.Arrays.toString(want.get(i)), java.util.Arrays.toString(want.get(i + 1)));
                }
                assertEquals(0, client.stats().droppedBytes() + server.stats().droppedBytes());
                assertTrue(client.isOpen() && server.isOpen());
            }
        }
    }
}
