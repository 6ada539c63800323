package io.kcp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The commands as a user runs them: exit codes, help, usage errors, a server and a client. */
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

        Run unknown = new Run().exec("frobnicate");
        assertEquals(2, unknown.status);
        assertTrue(unknown.err().contains("unknown command 'frobnicate'"));

        Run noRemote = new Run().exec("echo-client", "--bytes", "10");
        assertEquals(2, noRemote.status);
        assertTrue(noRemote.err().contains("--remote HOST:PORT is required"), noRemote.err());
        assertTrue(noRemote.err().contains("usage: kcp echo-client"));

        Run opOnEcho = new Run().exec("echo-client", "--remote", "127.0.0.1:1", "--op", "ping");
        assertEquals(2, opOnEcho.status);
        assertTrue(opOnEcho.err().contains("unknown flag --op"));

        Run badOp = new Run().exec("client", "--remote", "127.0.0.1:1", "--op", "sink");
        assertEquals(2, badOp.status);
        assertTrue(badOp.err().contains("--op must be echo, upload, download or ping"));

        Run badCrypt = new Run().exec("echo-server", "--crypt", "rot13");
        assertEquals(2, badCrypt.status);
        assertTrue(badCrypt.err().contains("usage: kcp echo-server"));
    }

    @Test
    void everyCommandHasHelp() {
        for (String cmd : new String[] {"echo-server", "echo-client", "client"}) {
            Run r = new Run().exec(cmd, "--help");
            assertEquals(0, r.status);
            assertTrue(r.out().startsWith("usage: kcp " + cmd), r.out());
            assertTrue(r.out().contains("--crypt"));
            assertTrue(r.out().contains("--kernel"));
        }
        Run general = new Run().exec("--help");
        assertEquals(0, general.status);
        assertTrue(general.out().contains("echo-server"));
    }

    @Test
    void demoRunsBothScenariosAndPrintsItsTable() {
        Run help = new Run().exec("demo", "--help");
        assertEquals(0, help.status);
        assertTrue(help.out().startsWith("usage: kcp demo"));

        Run r = new Run().exec("demo", "--bytes", "256k", "--pings", "5", "--delay", "2", "--quiet");
        assertEquals(0, r.status, r.out() + r.err());
        assertTrue(r.out().matches("(?s).*\\nplain KCP .* yes\\R.*"), r.out());
        assertTrue(r.out().matches("(?s).*\\nFEC 10/3 \\+ aes .* yes\\R.*"), r.out());

        Run bad = new Run().exec("demo", "--bogus");
        assertEquals(2, bad.status);
        assertTrue(bad.err().contains("usage: kcp demo"));
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
                + " rtt_p99_ms=[0-9.]+ rtt_max_ms=[0-9.]+\\R";
        assertTrue(ping.out().matches(pingLine + pingLine), ping.out());

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
