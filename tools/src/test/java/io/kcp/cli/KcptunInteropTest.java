package io.kcp.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kcp.Kcp;
import io.kcp.Snmp;
import io.kcp.SnmpCounter;
import io.kcp.kernel.Kernel;
import io.kcp.relay.Impairment;
import io.kcp.relay.ImpairmentRelay;
import io.kcp.relay.RelayStats;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * kcp-java's tunnel against Debian's kcptun (20210922, kcp-go 5.6.1, smux 1.5.16), both ways:
 * kcptun-client to our tunnel-server, and our tunnel-client to kcptun-server, each in front of
 * a TCP echo server. Every case echoes 64 MiB over 8 concurrent TCP connections, checked by
 * CRC-32, on the kernel of this JVM.
 *
 * <p>Seven cases, not the cross product: each varies several dimensions at once so that, in
 * each direction, smux 1 and 2, compression on and off, aes, salsa20 and none (each with FEC
 * 10/3), and modes fast and fast3 all occur, and in each direction one case runs through the
 * impairment relay with 10% loss each way. Prints {@code interop kcptun: N passed, M failed}.
 */
@Tag("interop")
@Timeout(300)
class KcptunInteropTest {

    static final long BYTES = 64L << 20;
    static final int CONNECTIONS = 8;
    private static final AtomicInteger PASSED = new AtomicInteger();
    private static final AtomicInteger FAILED = new AtomicInteger();

    /** One configuration, the same on both ends. */
    record Case(boolean kcptunClient, int smux, boolean comp, String crypt, String mode, double loss) {
        @Override
        public String toString() {
            return (kcptunClient ? "kcptun-client->kcp-java " : "kcp-java->kcptun-server ") + "smux" + smux
                    + (comp ? " comp" : " nocomp") + " " + crypt + " fec10/3 " + mode
                    + (loss > 0 ? " loss" + (int) (loss * 100) + "%" : "");
        }

        List<String> flags() {
            List<String> f = new ArrayList<>(List.of("--key", "interop key", "--crypt", crypt, "--mode", mode,
                    "--datashard", "10", "--parityshard", "3", "--smuxver", "" + smux, "--quiet"));
            if (!comp) f.add("--nocomp");
            return f;
        }
    }

    static Stream<Case> cases() {
        String filter = System.getProperty("kcp.interop.filter");
        return Stream.of(
                new Case(true, 1, true, "aes", "fast", 0),
                new Case(true, 2, false, "salsa20", "fast3", 0),
                new Case(true, 2, true, "none", "fast3", 0.10),
                new Case(false, 1, false, "none", "fast3", 0),
                new Case(false, 2, true, "aes", "fast", 0),
                new Case(false, 1, true, "salsa20", "fast3", 0),
                new Case(false, 2, false, "aes", "fast", 0.10))
                .filter(c -> filter == null || c.toString().matches(filter));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void tunnelsThroughKcptun(Case c) throws Exception {
        try {
            run(c);
            PASSED.incrementAndGet();
        } catch (Throwable t) {
            FAILED.incrementAndGet();
            throw t;
        }
    }

    /** A kcptun peer with another key: kcp-java names the key or cipher as the likely cause. */
    @org.junit.jupiter.api.Test
    void aWrongKeyIsNamedAgainstKcptun() throws Exception {
        try {
            ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
            PrintStream logStream = new PrintStream(logBytes, true, StandardCharsets.UTF_8);
            List<String> theirs = List.of("--key", "their key", "--quiet");
            try (EchoServer echo = new EchoServer(); TunnelLog log = TunnelLog.open(logStream, "");
                 TunnelServer server = TunnelServer.start(options(TunnelOptions.Role.SERVER,
                         List.of("-l", "127.0.0.1:0", "-t", echo.hostPort(), "--key", "our key", "--status", "0")), log);
                 KcptunProcess client = KcptunProcess.client("127.0.0.1:" + server.address().getPort(), theirs);
                 java.nio.channels.SocketChannel c = java.nio.channels.SocketChannel.open(client.socketAddress())) {
                c.write(java.nio.ByteBuffer.wrap(new byte[100]));
                assertTrue(TunnelTest.eventually(() -> logBytes.toString().contains(
                        "failed the checksum: a client's -key or -crypt differs")), logBytes.toString());
            }
            logBytes.reset();
            try (EchoServer echo = new EchoServer(); TunnelLog log = TunnelLog.open(logStream, "");
                 KcptunProcess server = KcptunProcess.server(echo.hostPort(), theirs);
                 TunnelClient client = TunnelClient.start(options(TunnelOptions.Role.CLIENT,
                         List.of("-l", "127.0.0.1:0", "-r", server.address, "--key", "our key", "--status", "0")), log);
                 java.nio.channels.SocketChannel c = java.nio.channels.SocketChannel.open(client.address())) {
                c.write(java.nio.ByteBuffer.wrap(new byte[100]));
                assertTrue(TunnelTest.eventually(() -> logBytes.toString().contains("no reply from")
                        && logBytes.toString().contains("-key and -crypt")), logBytes.toString());
            }
            PASSED.incrementAndGet();
        } catch (Throwable t) {
            FAILED.incrementAndGet();
            throw t;
        }
    }

    @AfterAll
    static void summary() {
        System.out.println("interop kcptun: " + PASSED.get() + " passed, " + FAILED.get() + " failed");
    }

    private static void run(Case c) throws Exception {
        ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
        PrintStream logStream = new PrintStream(logBytes, true, StandardCharsets.UTF_8);
        long seed = Math.abs((long) c.toString().hashCode()) + 1;
        Snmp before = Kcp.counters();
        EchoLoad.Result r;
        String kcptunLog;
        RelayStats relayStats = null;
        try (EchoServer echo = new EchoServer(); TunnelLog log = TunnelLog.open(logStream, "")) {
            List<String> javaFlags = new ArrayList<>(c.flags());
            javaFlags.addAll(List.of("--status", "0"));
            if (c.kcptunClient()) {
                javaFlags.addAll(List.of("-l", "127.0.0.1:0", "-t", echo.hostPort()));
                try (TunnelServer server = TunnelServer.start(options(TunnelOptions.Role.SERVER, javaFlags), log);
                     ImpairmentRelay relay = relay(server.address(), c, seed);
                     KcptunProcess client = KcptunProcess.client(
                             "127.0.0.1:" + (relay != null ? relay.localAddress() : server.address()).getPort(),
                             c.flags())) {
                    r = EchoLoad.run(client.socketAddress(), CONNECTIONS, BYTES, seed, 240);
                    kcptunLog = client.log();
                    if (relay != null) relayStats = relay.stats();
                }
            } else {
                try (KcptunProcess server = KcptunProcess.server(echo.hostPort(), c.flags());
                     ImpairmentRelay relay = relay(server.socketAddress(), c, seed)) {
                    String remote = relay != null ? "127.0.0.1:" + relay.localAddress().getPort() : server.address;
                    javaFlags.addAll(List.of("-l", "127.0.0.1:0", "-r", remote));
                    try (TunnelClient client = TunnelClient.start(options(TunnelOptions.Role.CLIENT, javaFlags), log)) {
                        r = EchoLoad.run(client.address(), CONNECTIONS, BYTES, seed, 240);
                    }
                    kcptunLog = server.log();
                    if (relay != null) relayStats = relay.stats();
                }
            }
        }
        Snmp d = Kcp.counters().minus(before);
        String context = c + " kernel=" + Kernel.active() + "\n" + r + "\nkcp-java log:\n" + logBytes
                + "\nkcptun log:\n" + kcptunLog;
        assertTrue(r.ok(), context);
        assertFalse(kcptunLog.contains("invalid protocol"), context);
        // the bytes on the wire say whether compression was really on (the payload is half text)
        long wire = d.get(SnmpCounter.BYTES_SENT);
        double ratio = (double) wire / r.bytes();
        if (c.comp()) {
            assertTrue(ratio < 0.85, "compressed, KCP carried " + ratio + " of the payload: " + context);
        } else {
            assertTrue(ratio > 0.97, "uncompressed, KCP carried " + ratio + " of the payload: " + context);
        }
        StringBuilder report = new StringBuilder(String.format(Locale.ROOT,
                "case %s kernel=%s: %d MiB echoed over %d connections in %.1f s (%.1f MB/s each way), kcp carried %.2f of it",
                c, Kernel.active(), r.bytes() >> 20, r.connections(), r.nanos() / 1e9, r.mbPerSecond(), ratio));
        if (relayStats != null) {
            long lost = relayStats.clientToServer().droppedLoss() + relayStats.serverToClient().droppedLoss();
            long seen = relayStats.clientToServer().received() + relayStats.serverToClient().received();
            report.append(String.format(Locale.ROOT, "; relay dropped %d of %d datagrams, kcp-java rebuilt %d from parity",
                    lost, seen, d.get(SnmpCounter.FEC_RECOVERED)));
            assertTrue(lost > 0.07 * seen && seen > 10000, relayStats.toString());
            assertTrue(d.get(SnmpCounter.FEC_RECOVERED) > 100, "FEC recovered " + d.get(SnmpCounter.FEC_RECOVERED));
        }
        System.out.println(report);
    }

    static TunnelOptions options(TunnelOptions.Role role, List<String> flags) {
        return TunnelOptions.parse(role, flags.toArray(new String[0]), 0, Map.of());
    }

    private static ImpairmentRelay relay(InetSocketAddress server, Case c, long seed) throws java.io.IOException {
        if (c.loss() == 0) return null;
        return ImpairmentRelay.start(server, Impairment.builder().loss(c.loss()).seed(seed).build(),
                Impairment.builder().loss(c.loss()).seed(seed + 1).build());
    }
}
