package io.kcp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kcp.Kcp;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands as a user runs them: exit codes, help, usage errors, the version, a server and
 * clients, their snmp logs, the demo.
 */
@Timeout(60)
class MainTest {

    /** Captured output of one run. */
    static final class Run {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
        final PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        int status;

        Run exec(String... args) {
            status = Main.run(args, outStream, errStream);
            return this;
        }

        String out() {
            synchronized (outStream) {
                return out.toString(StandardCharsets.UTF_8);
            }
        }

        String err() {
            synchronized (errStream) {
                return err.toString(StandardCharsets.UTF_8);
            }
        }
    }

    @Test
    void usageErrorsExitTwoWithTheUsageOnStderr() {
        Run none = new Run().exec();
        assertEquals(2, none.status);
        assertTrue(none.err().contains("usage: kcp COMMAND"));
        assertEquals("", none.out());

        assertUsage("kcp: unknown command 'frobnicate' (kcp --help)", "frobnicate");
        assertUsage("kcp: unknown command 'echo-clinet'; did you mean 'echo-client'? (kcp --help)", "echo-clinet");
        assertUsage("kcp echo-client: --remote HOST:PORT is required (kcp echo-client --help)",
                "echo-client", "--bytes", "10");
        assertUsage("kcp echo-client: unknown flag --op (kcp echo-client --help)",
                "echo-client", "--remote", "127.0.0.1:1", "--op", "ping");
        assertUsage("kcp client: --op must be echo, upload, download or ping, got 'sink' (kcp client --help)",
                "client", "--remote", "127.0.0.1:1", "--op", "sink");
        assertUsage("kcp echo-server: --crypt: unknown cipher 'rot13'; valid names: aes,", "echo-server", "--crypt", "rot13");
    }

    /** Every kind of bad flag: one line on stderr that names the flag, status 2, no exception text. */
    @Test
    void badFlagsOfEveryCommandAreOneLineAndStatusTwo() {
        assertUsage("kcp demo: --loss must be in [0, 100], got 150 (kcp demo --help)", "demo", "--loss", "150");
        assertUsage("kcp demo: --delay must be in [0, 60000], got -5", "demo", "--delay", "-5");
        assertUsage("kcp demo: --bytes must be at least 1, got 0", "demo", "--bytes", "0");
        assertUsage("kcp demo: --pings must be a number, got 'x'", "demo", "--pings", "x");
        assertUsage("kcp demo: unknown flag --verbos; did you mean --verbose?", "demo", "--verbos");
        assertUsage("kcp demo: --datashard must be in [1, 255], got 0", "demo", "--datashard", "0");
        assertUsage("kcp client: --remote must be HOST:PORT, got 'localhost'", "client", "--remote", "localhost");
        assertUsage("kcp client: --remote port must be 1..65535, got 0", "client", "--remote", "127.0.0.1:0");
        assertUsage("kcp client: --remote port must be 0..65535, got 70000", "client", "--remote", "127.0.0.1:70000");
        assertUsage("kcp client: --bytes must be at least 0, got -5", "client", "--remote", "127.0.0.1:1", "--bytes", "-5");
        assertUsage("kcp client: --bytes needs a value", "client", "--remote", "127.0.0.1:1", "--bytes", "--chunk", "1");
        assertUsage("kcp client: --timeout must be seconds from 0.001 to 1e9, got -1",
                "client", "--remote", "127.0.0.1:1", "--timeout", "-1");
        assertUsage("kcp echo-client: --mode must be normal, fast, fast2, fast3 or manual, got 'turbo'",
                "echo-client", "--remote", "127.0.0.1:1", "--mode", "turbo");
        assertUsage("kcp echo-client: --sndwnd must be in [1, 65535], got 0", "echo-client", "--remote", "127.0.0.1:1",
                "--sndwnd", "0");
        assertUsage("kcp echo-client: --sockbuf must be 0 (the OS default) or at least 1024, got 10",
                "echo-client", "--remote", "127.0.0.1:1", "--sockbuf", "10");
        assertUsage("kcp echo-server: --listen must be HOST:PORT, got 'nowhere'", "echo-server", "--listen", "nowhere");
        assertUsage("kcp echo-server: --snmplog: no directory", "echo-server", "--snmplog", "/no/such/dir/snmp.log");
        assertUsage("kcp echo-server: unexpected argument '-idle': flags start with --", "echo-server", "-idle", "1");
        assertUsage("kcp tunnel-server: flag provided but not defined: -bogus (kcp tunnel-server --help)",
                "tunnel-server", "--bogus");
        assertUsage("kcp tunnel-client: -remoteaddr must be HOST:PORT or :PORT, got 'nowhere'",
                "tunnel-client", "-r", "nowhere");
        assertUsage("kcp tunnel-server: -snmpperiod must be in [0, 2147483647], got -1", "tunnel-server",
                "--snmpperiod", "-1");
        assertUsage("kcp version: unexpected argument 'now'", "version", "now");
    }

    /**
     * The library reads -Dkcp.native itself, once per JVM, so a bad value needs a JVM of its
     * own: the command line refuses it up front, in one line that names the valid values.
     */
    @Test
    void aBadKcpNativeValueIsAUsageError() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Dkcp.native=bogus", "-cp", System.getProperty("java.class.path"),
                "io.kcp.cli.Main", "client", "--remote", "127.0.0.1:9", "--op", "ping", "--timeout", "1").start();
        p.getOutputStream().close();
        CompletableFuture<byte[]> stdout = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        String err = new String(readAll(p.getErrorStream()), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), err);
        assertEquals(0, stdout.get().length);
        assertEquals("kcp: -Dkcp.native=bogus is not one of auto, disable, require"
                + " (a JVM option; bin/kcp takes it in KCP_JAVA_OPTS)", err.strip());
        // the check itself, on values this JVM's library has already accepted
        assertEquals(null, Main.nativeModeProblem(null));
        assertEquals(null, Main.nativeModeProblem(" Disable "));
    }

    private static byte[] readAll(java.io.InputStream in) {
        try {
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Status 2 and exactly one line on stderr, starting with {@code message}, nothing on stdout. */
    private static void assertUsage(String message, String... args) {
        Run r = new Run().exec(args);
        String err = r.err();
        assertEquals(2, r.status, err);
        assertTrue(err.startsWith(message), () -> "'" + err + "' does not start with '" + message + "'");
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.strip().endsWith(" --help)"), err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), err);
        assertEquals("", r.out());
    }

    @Test
    void versionNamesToolsLibraryAndKernel() {
        for (String cmd : new String[] {"--version", "version"}) {
            Run r = new Run().exec(cmd);
            assertEquals(0, r.status, r.err());
            List<String> lines = r.out().lines().toList();
            // from class directories there is no manifest: "development build"
            String tools = Main.versionOf(Main.class);
            assertEquals("kcp-java-tools " + tools, lines.get(0));
            assertEquals("library kcp-java " + Main.versionOf(Kcp.class), lines.get(1));
            assertTrue(lines.get(2).startsWith("kernel " + Kcp.kernel()), lines.get(2));
            assertTrue(lines.get(3).startsWith("java " + System.getProperty("java.version")), lines.get(3));
        }
        assertEquals("development build", Main.versionOf(MainTest.class), "test classes have no manifest");
    }

    @Test
    void everyCommandHasHelp() {
        for (String cmd : new String[] {"echo-server", "echo-client", "client"}) {
            Run r = new Run().exec(cmd, "--help");
            assertEquals(0, r.status);
            assertTrue(r.out().startsWith("usage: kcp " + cmd), r.out());
            assertTrue(r.out().contains("--crypt"));
            assertTrue(r.out().contains("--kernel"));
            assertTrue(r.out().contains("--snmplog FILE"));
        }
        Run general = new Run().exec("--help");
        assertEquals(0, general.status);
        assertTrue(general.out().contains("echo-server"));
        assertTrue(general.out().contains("version"));
        assertTrue(new Run().exec("version", "--help").out().startsWith("usage: kcp version"));
    }

    @Test
    void demoComparesFiveRunsAndEndsWithAVerdict() {
        Run help = new Run().exec("demo", "--help");
        assertEquals(0, help.status);
        assertTrue(help.out().startsWith("usage: kcp demo"));

        String[] tiny = {"demo", "--bytes", "64k", "--pings", "10", "--delay", "2"};
        Run r = new Run().exec(tiny);
        assertEquals(0, r.status, r.out() + r.err());
        List<String> out = r.out().lines().toList();
        for (String label : new String[] {"baseline", "plain", "FEC 10/3", "aes", "FEC 10/3 + aes"}) {
            assertTrue(out.stream().anyMatch(l -> l.matches(Pattern.quote(label) + " +[0-9.]+ .* yes")),
                    label + " row in\n" + r.out());
        }
        assertTrue(out.get(out.size() - 1).matches("verdict: under 5% loss each way, .*"), r.out());
        assertFalse(r.out().contains("relay counters") || r.out().contains("c->s["), r.out());
        // progress on stderr: a line as each run starts and ends
        assertTrue(r.err().contains("kcp demo: [1/5] baseline: perfect link ..."), r.err());
        assertTrue(r.err().matches("(?s).*kcp demo: \\[5/5\\] FEC 10/3 \\+ aes: done in [0-9.]+ s.*"), r.err());

        Run verbose = new Run().exec(concat(tiny, new String[] {"--verbose", "--quiet"}));
        assertEquals(0, verbose.status, verbose.out() + verbose.err());
        assertTrue(verbose.out().contains("relay counters:"), verbose.out());
        assertTrue(verbose.out().contains("  FEC 10/3 + aes pings:  c->s["), verbose.out());
        assertTrue(verbose.out().strip().lines().reduce((a, b) -> b).orElseThrow().startsWith("verdict: "));
        assertEquals("", verbose.err(), "--quiet: no progress");
    }

    @Test
    void demoVerdictComesFromTheNumbers() {
        Demo.Row baseline = row("baseline", false, 90, 0.5);
        Demo.Row plain = row("plain", false, 10, 90);
        Demo.Row fec = row("FEC 10/3", true, 11, 150);
        Demo.Row aes = row("aes", false, 10.2, 91);
        Demo.Row both = row("FEC 10/3 + aes", true, 10.1, 160);
        assertEquals("verdict: under 5% loss each way, no run beat plain's rtt p99 of 90.0 ms by 5% or more;"
                        + " FEC did not help it (FEC 10/3 150.0 ms, FEC 10/3 + aes 160.0 ms);"
                        + " fastest upload FEC 10/3, 11.00 MB/s, 10% above plain's",
                Demo.verdict(List.of(baseline, plain, fec, aes, both), 0.05));
        both.p99 = 45;
        assertEquals("verdict: under 2.5% loss each way, FEC 10/3 + aes had the best rtt p99: 45.0 ms, 50% below"
                        + " plain's 90.0 ms; fastest upload FEC 10/3, 11.00 MB/s, 10% above plain's",
                Demo.verdict(List.of(baseline, plain, fec, aes, both), 0.025));
        fec.ok = false;
        assertTrue(Demo.verdict(List.of(baseline, plain, fec, aes, both), 0.05).endsWith(
                "; no upload was 5% faster than plain's; failed: FEC 10/3"));
    }

    private static Demo.Row row(String label, boolean fec, double mbps, double p99) {
        Demo.Row r = new Demo.Row(label, fec);
        r.mbps = mbps;
        r.p99 = p99;
        r.ok = true;
        return r;
    }

    @Test
    void echoServerAndClientsWriteKcptunsSnmpLog(@TempDir Path dir) throws Exception {
        String layout = "snmp-20060102.csv";
        Run server = new Run();
        CompletableFuture<Integer> serverDone = CompletableFuture.supplyAsync(() -> server.exec("echo-server",
                "--timeout", "2.5", "--snmplog", dir.resolve("server-" + layout).toString(), "--snmpperiod", "1").status);
        String addr = awaitListening(server);
        Run client = new Run().exec("echo-client", "--remote", addr, "--bytes", "100k",
                "--snmplog", dir.resolve("client-" + layout).toString());
        assertEquals(0, client.status, client.err());
        assertEquals(0, serverDone.get(10, TimeUnit.SECONDS));
        for (String who : new String[] {"server-", "client-"}) {
            Path file = SnmpLog.file(dir.resolve(who + layout).toString(), java.time.LocalDateTime.now());
            List<String> lines = java.nio.file.Files.readAllLines(file);
            // a header, then a row per period and one at the end (the client's run is shorter than a period)
            assertTrue(lines.size() >= (who.equals("server-") ? 3 : 2), who + lines);
            assertTrue(lines.get(0).startsWith("Unix,BytesSent,BytesReceived,"), lines.get(0));
            for (String row : lines.subList(1, lines.size())) {
                assertEquals(lines.get(0).split(",").length, row.split(",").length, row);
                assertTrue(row.matches("\\d{10},\\d+(,\\d+)*"), row);
            }
        }
    }

    private static String awaitListening(Run server) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            Matcher m = Pattern.compile("LISTENING addr=(\\S+)").matcher(server.out());
            if (m.find()) return m.group(1);
            Thread.sleep(10);
        }
        throw new AssertionError("no LISTENING line: " + server.out() + server.err());
    }

    @Test
    void echoServerAndClientsTalk() throws Exception {
        String[] session = {"--crypt", "xor", "--key", "s", "--mode", "fast3", "--kernel", "auto"};
        Run server = new Run();
        CompletableFuture<Integer> serverDone = CompletableFuture.supplyAsync(() -> server.exec(
                concat(new String[] {"echo-server", "--listen", "127.0.0.1:0", "--timeout", "4"}, session)).status);
        String addr = null;
        for (int i = 0; i < 200 && addr == null; i++) {
            Matcher m = Pattern.compile("LISTENING addr=(\\S+)").matcher(server.out());
            if (m.find()) addr = m.group(1);
            else Thread.sleep(10);
        }
        assertTrue(addr != null && addr.startsWith("127.0.0.1:"), server.out());

        Run echo = new Run().exec(concat(new String[] {"echo-client", "--remote", addr, "--bytes", "300k",
                "--chunk", "10000"}, session));
        assertEquals(0, echo.status, echo.err());
        assertTrue(echo.out().matches("RESULT op=echo bytes=307200 ok=true ms=\\d+ mbps=[0-9.]+ crc=[0-9a-f]{8}"
                + " MBps=[0-9.]+ rtt_first_ms=[0-9.]+\\R"), echo.out());

        Run ping = new Run().exec(concat(new String[] {"client", "--op", "ping", "--count", "20",
                "--remote", addr, "--repeat", "2"}, session));
        assertEquals(0, ping.status, ping.err());
        String pingLine = "RESULT op=ping bytes=320 ok=true .* rtt_avg_ms=[0-9.]+ rtt_p50_ms=[0-9.]+"
                + " rtt_p99_ms=[0-9.]+ rtt_max_ms=[0-9.]+ rtt_max_after_first_ms=[0-9.]+\\R";
        assertTrue(ping.out().matches(pingLine + pingLine), ping.out());

        Run many = new Run().exec(concat(new String[] {"client", "--op", "upload", "--bytes", "64k",
                "--sessions", "4", "--remote", addr}, session));
        assertEquals(0, many.status, many.err());
        assertTrue(many.out().matches("RESULT op=upload sessions=4 bytes=262144 ok=true ms=\\d+ mbps=[0-9.]+\\R"),
                many.out());

        Run wrongKey = new Run().exec("client", "--op", "download", "--remote", addr, "--timeout", "0.5",
                "--crypt", "xor", "--key", "wrong", "--mode", "fast3");
        assertEquals(1, wrongKey.status);
        assertTrue(wrongKey.out().startsWith("RESULT op=download bytes=0 ok=false "), wrongKey.out());
        assertTrue(wrongKey.err().contains("--timeout of 0.5 s expired"), wrongKey.err());

        assertEquals(0, serverDone.get(10, TimeUnit.SECONDS));
        assertTrue(server.err().contains("op=echo bytes=307200 ok=true end=bye"), server.err());
        assertEquals(2, server.err().split("op=ping bytes=320 ok=true end=bye", -1).length - 1, server.err());
        assertTrue(echo.err().startsWith("client conv="), "diagnostics go to the given stream");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
