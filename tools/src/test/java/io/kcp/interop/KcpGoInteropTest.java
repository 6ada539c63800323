package io.kcp.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kcp.Kcp;
import io.kcp.Snmp;
import io.kcp.SnmpCounter;
import io.kcp.crypto.PacketCiphers;
import io.kcp.kernel.Kernel;
import io.kcp.relay.DirectionStats;
import io.kcp.relay.Impairment;
import io.kcp.relay.ImpairmentRelay;
import io.kcp.relay.RelayStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * kcp-java against kcp-go 5.6.1 over loopback, in both directions (Java client to Go server,
 * Go client to Java server), with the request protocol of conformance/peer/PROTOCOL.md:
 * every kcptun cipher with FEC off and 10/3, each an echo of 1 MiB and an upload and a download
 * of 8 MiB checked by length and CRC-32; stream mode (and ping); and 10% loss each way (a
 * forwarder in between) with and without FEC.
 * The kernel is the one this test JVM runs on. Prints {@code interop kcp-go: N passed, M failed}.
 */
@Tag("interop")
@Timeout(180)
class KcpGoInteropTest {

    static final int MIB = 1 << 20;
    static final Duration CLIENT_LIMIT = Duration.ofSeconds(90);

    private static final AtomicInteger PASSED = new AtomicInteger();
    private static final AtomicInteger FAILED = new AtomicInteger();

    /** One request a client makes. */
    record Request(String op, long bytes, int count) {
        @Override
        public String toString() {
            return op + (op.equals("ping") ? " " + count : " " + (bytes % MIB == 0 ? bytes / MIB + " MiB" : bytes + " B"));
        }
    }

    /** One configuration in one direction and the requests run in it. */
    record Case(boolean javaClient, String crypt, int dataShards, int parityShards, boolean stream,
                double loss, List<Request> requests) {
        @Override
        public String toString() {
            return (javaClient ? "java->go " : "go->java ") + crypt
                    + (dataShards > 0 ? " fec" + dataShards + "/" + parityShards : " nofec")
                    + (stream ? " stream" : "") + (loss > 0 ? " loss" + (int) (loss * 100) + "%" : "")
                    + " " + requests;
        }

        /** Session flags, the same on both ends (kcptun's names, understood by both peers). */
        List<String> flags() {
            List<String> f = new ArrayList<>(List.of("--crypt", crypt, "--key", "interop secret",
                    "--datashard", "" + dataShards, "--parityshard", "" + parityShards,
                    "--mode", "manual", "--nodelay", "1", "--interval", "10", "--resend", "2", "--nc", "1",
                    "--sndwnd", "1024", "--rcvwnd", "1024", "--mtu", "1400"));
            if (stream) f.add("--stream");
            return f;
        }
    }

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        Request echo = new Request("echo", MIB, 0);
        Request upload = new Request("upload", 8 * MIB, 0);
        Request download = new Request("download", 8 * MIB, 0);
        // upload and download: each side sends and receives the bulk, as client and as server
        List<Request> bulk = List.of(echo, upload, download);
        for (boolean javaClient : new boolean[] {true, false}) {
            for (String crypt : PacketCiphers.names()) {
                cases.add(new Case(javaClient, crypt, 0, 0, false, 0, bulk));
                cases.add(new Case(javaClient, crypt, 10, 3, false, 0, bulk));
            }
        }
        for (boolean javaClient : new boolean[] {true, false}) {
            cases.add(new Case(javaClient, "aes-128", 10, 3, true, 0,
                    List.of(echo, upload, download, new Request("ping", 0, 100))));
            for (int shards : new int[] {0, 10}) {
                cases.add(new Case(javaClient, "salsa20", shards, shards == 0 ? 0 : 3, false, 0.10, bulk));
            }
        }
        String filter = System.getProperty("kcp.interop.filter");
        return cases.stream().filter(c -> filter == null || c.toString().matches(filter));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void interoperates(Case c) throws Exception {
        try {
            run(c);
            PASSED.incrementAndGet();
        } catch (Throwable t) {
            FAILED.incrementAndGet();
            throw t;
        }
    }

    @AfterAll
    static void summary() {
        System.out.println("interop kcp-go: " + PASSED.get() + " passed, " + FAILED.get() + " failed");
    }

    private static void run(Case c) throws Exception {
        Peer go = GoPeer.get();
        Peer java = new JavaPeer();
        Peer serverPeer = c.javaClient() ? go : java;
        Peer clientPeer = c.javaClient() ? java : go;
        long seed = Math.abs((long) c.toString().hashCode()) + 1;
        StringBuilder report = new StringBuilder("case " + c + " kernel=" + Kernel.active() + ":");
        Snmp before = Kcp.counters(); // the Java end's, process-wide (cases run one at a time)
        try (Peer.Server server = serverPeer.startServer(c.flags());
             ImpairmentRelay lossy = c.loss() > 0 ? ImpairmentRelay.start(hostPort(server.address()),
                     Impairment.builder().loss(c.loss()).seed(seed).build(),
                     Impairment.builder().loss(c.loss()).seed(seed + 1).build()) : null) {
            String remote = lossy != null ? "127.0.0.1:" + lossy.localAddress().getPort() : server.address();
            for (Request r : c.requests()) {
                List<String> flags = new ArrayList<>(List.of("--remote", remote, "--op", r.op(),
                        "--bytes", "" + r.bytes(), "--count", "" + Math.max(1, r.count()),
                        "--seed", "" + seed, "--timeout", "60"));
                flags.addAll(c.flags());
                Peer.ClientRun run = clientPeer.runClient(flags, CLIENT_LIMIT);
                String result = run.result();
                String context = c + " " + r + " (" + clientPeer.name() + " client)\nstdout: " + run.stdout()
                        + "\nstderr: " + run.stderr() + "\nserver log: " + server.log();
                assertEquals(0, run.exitCode(), context);
                long bytes = r.op().equals("ping") ? 16L * r.count() : r.bytes();
                assertTrue(result.contains(" ok=true "), context);
                assertEquals(bytes, field(result, "bytes"), context);
                String crc = r.op().equals("ping") ? null : String.format("%08x", ExpectedPayload.crc(seed, r.bytes()));
                if (crc != null) assertTrue(result.contains(" crc=" + crc), "crc should be " + crc + ": " + context);
                // The server answers BYE only once it has served the whole request.
                assertFalse(run.stderr().contains("no BYE"), context);
                if (!c.javaClient()) awaitServerRecord(server, r, bytes, crc, context);
                report.append(String.format(Locale.ROOT, " %s %d ms %.1f MB/s;", r, field(result, "ms"),
                        Double.parseDouble(text(result, "mbps")) / 8));
            }
            if (lossy != null) {
                RelayStats stats = lossy.stats();
                for (DirectionStats d : new DirectionStats[] {stats.clientToServer(), stats.serverToClient()}) {
                    report.append(" lost ").append(d.droppedLoss()).append(" of ").append(d.received());
                    assertTrue(d.droppedLoss() > 0.07 * d.received() && d.received() > 1000, stats.toString());
                }
                report.append(" datagrams (each way);");
                long recovered = Kcp.counters().minus(before).get(SnmpCounter.FEC_RECOVERED);
                report.append(" kcp-java rebuilt ").append(recovered).append(" from parity;");
                if (c.dataShards() > 0) assertTrue(recovered > 100, "FEC recovered only " + recovered);
            }
            // Sessions the server has logged by now must all be clean.
            assertFalse(server.log().contains("ok=false"), server.log());
        }
        System.out.println(report);
    }

    /** The Java server logs each request as it ends: the line must say it was served cleanly. */
    private static void awaitServerRecord(Peer.Server server, Request r, long bytes, String crc, String context)
            throws InterruptedException {
        String op = switch (r.op()) {
            case "upload" -> "sink";
            case "download" -> "source";
            default -> r.op();
        };
        Pattern want = Pattern.compile("SESSION .* op=" + op + " bytes=" + bytes + " ok=true end=bye ms=\\d+ crc="
                + (crc == null ? "[0-9a-f]{8}" : crc));
        long end = System.nanoTime() + 3_000_000_000L;
        while (!want.matcher(server.log()).find()) {
            if (System.nanoTime() > end) throw new AssertionError("no server line " + want + ": " + context);
            Thread.sleep(5);
        }
    }

    private static java.net.InetSocketAddress hostPort(String a) {
        int colon = a.lastIndexOf(':');
        return new java.net.InetSocketAddress(a.substring(0, colon), Integer.parseInt(a.substring(colon + 1)));
    }

    private static long field(String line, String name) {
        return Long.parseLong(text(line, name));
    }

    private static String text(String line, String name) {
        Matcher m = Pattern.compile("\\b" + name + "=(\\S+)").matcher(line);
        if (!m.find()) throw new AssertionError("no " + name + "= in '" + line + "'");
        return m.group(1);
    }
}
