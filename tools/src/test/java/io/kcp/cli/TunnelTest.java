package io.kcp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** kcp-java's tunnel client against its own server, and what it says when the ends disagree. */
@Timeout(120)
class TunnelTest {

    /** A server and a client in this JVM, each logging into a buffer. */
    static final class Rig implements AutoCloseable {
        final ByteArrayOutputStream serverLog = new ByteArrayOutputStream();
        final ByteArrayOutputStream clientLog = new ByteArrayOutputStream();
        final TunnelServer server;
        final TunnelClient client;

        Rig(String target, List<String> serverFlags, List<String> clientFlags) throws IOException {
            List<String> s = new ArrayList<>(List.of("-l", "127.0.0.1:0", "-t", target, "--status", "0"));
            s.addAll(serverFlags);
            server = TunnelServer.start(TunnelOptions.parse(TunnelOptions.Role.SERVER, s.toArray(new String[0]), 0,
                    Map.of()), TunnelLog.open(new PrintStream(serverLog, true, StandardCharsets.UTF_8), ""));
            List<String> c = new ArrayList<>(List.of("-l", "127.0.0.1:0", "-r", "127.0.0.1:" + server.address().getPort(),
                    "--status", "0"));
            c.addAll(clientFlags);
            client = TunnelClient.start(TunnelOptions.parse(TunnelOptions.Role.CLIENT, c.toArray(new String[0]), 0,
                    Map.of()), TunnelLog.open(new PrintStream(clientLog, true, StandardCharsets.UTF_8), ""));
        }

        String logs() {
            return "server log:\n" + serverLog + "\nclient log:\n" + clientLog;
        }

        @Override
        public void close() {
            client.close();
            server.close();
        }
    }

    @Test
    void kcpJavaToItselfWithEveryFeatureOn() throws Exception {
        try (EchoServer echo = new EchoServer();
             Rig rig = new Rig(echo.hostPort(), List.of("--smuxver", "2", "--mode", "fast3"),
                     List.of("--smuxver", "2", "--mode", "fast3", "--conn", "3"))) {
            EchoLoad.Result r = EchoLoad.run(rig.client.address(), 8, 16 << 20, 5, 60);
            assertTrue(r.ok(), r + "\n" + rig.logs());
            assertEquals(16 << 20, rig.client.stats().bytesIn.get());
            assertEquals(16 << 20, rig.server.stats().bytesOut.get(), "the server sent everything on to the target");
            assertTrue(rig.client.stats().sessionsTotal.get() == 3, "-conn 3 spreads over three sessions");
            assertTrue(rig.server.statusLine().contains("streams"), rig.server.statusLine());
            assertTrue(rig.serverLog.toString().contains("stream opened"), rig.logs());
        }
    }

    @Test
    void aUnixSocketTarget(@TempDir Path dir) throws Exception {
        Path sock = dir.resolve("echo.sock");
        try (ServerSocketChannel unix = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            unix.bind(UnixDomainSocketAddress.of(sock));
            Thread t = new Thread(() -> {
                try (SocketChannel c = unix.accept()) {
                    ByteBuffer b = ByteBuffer.allocate(100);
                    c.read(b);
                    b.flip();
                    c.write(b);
                } catch (IOException ignored) {
                    // the test fails on the missing echo
                }
            });
            t.setDaemon(true);
            t.start();
            try (Rig rig = new Rig(sock.toString(), List.of("--nocomp"), List.of("--nocomp"));
                 SocketChannel c = SocketChannel.open(rig.client.address())) {
                c.write(ByteBuffer.wrap("over a unix socket".getBytes()));
                ByteBuffer b = ByteBuffer.allocate(100);
                while (b.position() < 18 && c.read(b) >= 0) { }
                assertEquals("over a unix socket", new String(b.array(), 0, b.position()), rig.logs());
            }
        }
    }

    @Test
    void differentSmuxVersionsAreNamed() throws Exception {
        try (EchoServer echo = new EchoServer();
             Rig rig = new Rig(echo.hostPort(), List.of("--smuxver", "1"), List.of("--smuxver", "2"))) {
            try (SocketChannel c = poke(rig)) {
                assertTrue(eventually(() -> rig.serverLog.toString().contains("-smuxver must be the same")), rig.logs());
            }
        }
    }

    @Test
    void compressionOnOneEndOnlyIsNamed() throws Exception {
        try (EchoServer echo = new EchoServer();
             Rig rig = new Rig(echo.hostPort(), List.of("--nocomp"), List.of())) {
            try (SocketChannel c = poke(rig)) {
                assertTrue(eventually(() -> rig.serverLog.toString().contains("-nocomp on both or on neither")), rig.logs());
            }
        }
        try (EchoServer echo = new EchoServer();
             Rig rig = new Rig(echo.hostPort(), List.of(), List.of("--nocomp"))) {
            try (SocketChannel c = poke(rig)) {
                assertTrue(eventually(() -> rig.serverLog.toString().contains("-nocomp on both or on neither")), rig.logs());
            }
        }
    }

    @Test
    void aWrongKeyIsNamedOnBothEnds() throws Exception {
        try (EchoServer echo = new EchoServer();
             Rig rig = new Rig(echo.hostPort(), List.of("--key", "right"), List.of("--key", "wrong"))) {
            try (SocketChannel c = poke(rig)) {
                assertTrue(eventually(() -> rig.serverLog.toString().contains("failed the checksum: a client's -key or -crypt")),
                    rig.logs());
            assertTrue(eventually(() -> rig.clientLog.toString().contains("no reply from")
                        && rig.clientLog.toString().contains("-key and -crypt")), rig.logs());
            }
        }
    }

    @Test
    void autoexpireReplacesTheSessionAndTheScavengerClosesTheOldOne(@TempDir Path dir) throws Exception {
        Path snmp = dir.resolve("snmp-20060102.csv");
        try (EchoServer echo = new EchoServer();
             Rig rig = new Rig(echo.hostPort(), List.of("--snmplog", snmp.toString(), "--snmpperiod", "1"),
                     List.of("--autoexpire", "1", "--scavengettl", "1"))) {
            assertTrue(EchoLoad.run(rig.client.address(), 1, 1000, 1, 10).ok(), rig.logs());
            Thread.sleep(1200);
            assertTrue(EchoLoad.run(rig.client.address(), 1, 1000, 2, 10).ok(), rig.logs());
            assertEquals(2, rig.client.stats().sessionsTotal.get(), "the expired session was replaced");
            assertTrue(eventually(() -> rig.clientLog.toString().contains("scavenger: session closed due to ttl")),
                    rig.logs());
            // kcptun's snmp log: the file name in Go's time layout, a header, then rows
            Path file = dir.resolve(GoTimeLayout.format("snmp-20060102.csv", java.time.LocalDateTime.now()));
            assertTrue(eventually(() -> java.nio.file.Files.exists(file)), "no " + file);
            assertTrue(eventually(() -> lines(file).size() >= 2));
            assertTrue(lines(file).get(0).startsWith("Unix,BytesSent,BytesReceived,"), lines(file).get(0));
            assertEquals(lines(file).get(0).split(",").length, lines(file).get(1).split(",").length);
        }
    }

    static List<String> lines(Path p) {
        try {
            return java.nio.file.Files.readAllLines(p);
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Without snappy-java, compression fails at start and names the artifact; --nocomp works. */
    @Test
    void withoutSnappyJavaTheToolSaysWhatToAdd() throws Exception {
        String cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.contains("snappy")).collect(Collectors.joining(File.pathSeparator));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Dkcp.native=disable", "-cp", cp, "io.kcp.cli.Main", "tunnel-server",
                "-l", "127.0.0.1:0", "--status", "0").redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, p.exitValue(), out);
        assertTrue(out.contains("org.xerial.snappy:snappy-java") && out.contains("--nocomp"), out);
        Process ok = new ProcessBuilder(java, "-Dkcp.native=disable", "-cp", cp, "io.kcp.cli.Main", "tunnel-server",
                "-l", "127.0.0.1:0", "--status", "0", "--nocomp").redirectErrorStream(true).start();
        try {
            java.io.BufferedReader r = new java.io.BufferedReader(
                    new java.io.InputStreamReader(ok.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder seen = new StringBuilder();
            for (String l; (l = r.readLine()) != null && seen.length() < 65536; ) {
                seen.append(l).append('\n');
                if (l.startsWith("LISTENING addr=")) break;
            }
            assertTrue(seen.toString().contains("LISTENING addr="), seen.toString());
        } finally {
            ok.destroy();
            ok.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** A connection through the tunnel that sends a little and waits. */
    static SocketChannel poke(Rig rig) throws IOException {
        SocketChannel c = SocketChannel.open(rig.client.address());
        c.write(ByteBuffer.wrap(new byte[1000]));
        return c;
    }

    static boolean eventually(java.util.function.BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) return false;
            Thread.sleep(20);
        }
        return true;
    }
}
