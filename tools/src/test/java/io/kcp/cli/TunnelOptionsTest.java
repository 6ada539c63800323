package io.kcp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kcp.KcpConfig;
import io.kcp.mux.MuxConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("kernel-independent")
class TunnelOptionsTest {

    static TunnelOptions server(String... args) {
        return TunnelOptions.parse(TunnelOptions.Role.SERVER, args, 0, Map.of());
    }

    static TunnelOptions client(String... args) {
        return TunnelOptions.parse(TunnelOptions.Role.CLIENT, args, 0, Map.of());
    }

    @Test
    void kcptunsDefaultsForEachSide() {
        TunnelOptions s = server();
        assertEquals(":29900", s.string("listen"));
        assertEquals("127.0.0.1:12948", s.string("target"));
        KcpConfig k = s.kcpConfig();
        assertEquals("aes", k.crypt());
        assertEquals(1024, k.sendWindow());
        assertEquals(1024, k.receiveWindow());
        assertEquals(1350, k.mtu());
        assertEquals(10, k.dataShards());
        assertEquals(3, k.parityShards());
        assertEquals(0, k.nodelay());
        assertEquals(30, k.interval()); // mode fast
        assertTrue(k.streamMode());
        assertFalse(k.writeDelay());
        assertEquals(4194304, k.readBufferBytes());
        assertTrue(s.compress());
        MuxConfig m = s.muxConfig();
        assertEquals(1, m.version());
        assertEquals(4194304, m.maxReceiveBuffer());
        assertEquals(2097152, m.maxStreamBuffer());
        assertEquals(Duration.ofSeconds(10), m.keepAliveInterval());
        assertEquals(Duration.ofSeconds(30), m.keepAliveTimeout());

        TunnelOptions c = client();
        assertEquals(":12948", c.string("localaddr"));
        assertEquals("vps:29900", c.string("remoteaddr"));
        assertEquals(128, c.kcpConfig().sendWindow());
        assertEquals(512, c.kcpConfig().receiveWindow());
        assertEquals(1, c.integer("conn"));
        assertEquals(0, c.integer("autoexpire"));
        assertEquals(600, c.integer("scavengettl"));
    }

    @Test
    void kcptunsSpellings() {
        TunnelOptions s = server("-l", ":1", "--target=h:2", "-ds", "5", "--ps=2", "-nocomp", "--quiet=false",
                "--crypt", "salsa20", "-mode", "fast3");
        assertEquals(":1", s.string("listen"));
        assertEquals("h:2", s.string("target"));
        assertEquals(5, s.kcpConfig().dataShards());
        assertEquals(2, s.kcpConfig().parityShards());
        assertFalse(s.compress());
        assertFalse(s.bool("quiet"));
        assertArrayEquals(new int[] {1, 10, 2, 1}, s.noDelay());
        TunnelOptions c = client("-r", "example:9", "-l", "127.0.0.1:5");
        assertEquals("example:9", c.string("remoteaddr"));
        assertEquals("127.0.0.1:5", c.string("localaddr"));
        Flags.UsageException e = assertThrows(Flags.UsageException.class, () -> server("--remoteaddr", "x:1"));
        assertTrue(e.getMessage().contains("not defined: -remoteaddr"), e.getMessage());
    }

    @Test
    void manualModeTakesTheHiddenFlagsAndNamedModesOverrideThem() {
        assertArrayEquals(new int[] {0, 50, 0, 0}, server("--mode", "manual").noDelay());
        assertArrayEquals(new int[] {1, 20, 2, 1},
                server("--mode", "manual", "--nodelay", "1", "--interval", "20", "--resend", "2", "--nc", "1").noDelay());
        assertArrayEquals(new int[] {0, 40, 2, 1}, server("--mode", "normal", "--interval", "99").noDelay());
        TunnelOptions odd = server("--mode", "turbo");
        assertArrayEquals(new int[] {0, 50, 0, 0}, odd.noDelay());
        assertTrue(odd.warnings().get(0).contains("unknown mode"));
    }

    @Test
    void fallbacksAsKcptunHasThem() {
        TunnelOptions s = server("--crypt", "rot13");
        assertEquals("aes", s.kcpConfig().crypt());
        assertTrue(s.warnings().get(0).contains("using aes, as kcptun does"));
        assertFalse(server("--ds", "10", "--ps", "0").kcpConfig().fecEnabled(), "FEC needs both shard counts");
        assertEquals("env key", TunnelOptions.parse(TunnelOptions.Role.SERVER, new String[0], 0,
                Map.of("KCPTUN_KEY", "env key")).string("key"));
        assertEquals("flag key", TunnelOptions.parse(TunnelOptions.Role.SERVER, new String[] {"--key", "flag key"}, 0,
                Map.of("KCPTUN_KEY", "env key")).string("key"));
    }

    @Test
    void refusesWhatItCannotDoWithTheReason() {
        assertTrue(assertThrows(Flags.UsageException.class, () -> server("--tcp")).getMessage().contains("raw sockets"));
        assertTrue(assertThrows(Flags.UsageException.class, () -> server("--keepalive", "40")).getMessage()
                .contains("keepalive timeout"));
        assertTrue(assertThrows(Flags.UsageException.class, () -> server("--smuxver", "3")).getMessage()
                .contains("smuxver"));
        assertTrue(assertThrows(Flags.UsageException.class, () -> server("--mtu", "9000")).getMessage()
                .contains("mtu"));
        assertTrue(assertThrows(Flags.UsageException.class, () -> server("--sndwnd", "x")).getMessage()
                .contains("whole number"));
        assertTrue(assertThrows(Flags.UsageException.class, () -> client("--conn", "0")).getMessage()
                .contains("-conn"));
    }

    @Test
    void jsonConfigOverridesTheCommandLine(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("server.json");
        Files.writeString(f, "{\n \"listen\": \":4000\", \"target\": \"127.0.0.1:22\", \"key\": \"k\\u0041\",\n"
                + " \"crypt\": \"salsa20\", \"mode\": \"fast2\", \"sndwnd\": 2048, \"nocomp\": true,\n"
                + " \"smuxver\": 2, \"comment\": \"kcptun ignores unknown keys\"\n}");
        TunnelOptions s = server("--sndwnd", "64", "-c", f.toString());
        assertEquals(":4000", s.string("listen"));
        assertEquals("kA", s.string("key"));
        assertEquals(2048, s.kcpConfig().sendWindow());
        assertFalse(s.compress());
        assertEquals(2, s.muxConfig().version());
        assertTrue(s.warnings().stream().anyMatch(w -> w.contains("\"comment\"")));
        Files.writeString(f, "{\"sndwnd\": \"big\"}");
        assertTrue(assertThrows(Flags.UsageException.class, () -> server("-c", f.toString())).getMessage()
                .contains("\"sndwnd\" must be a whole number"));
        Files.writeString(f, "{\"sndwnd\": 1,");
        assertThrows(Flags.UsageException.class, () -> server("-c", f.toString()));
    }

    @Test
    void debiansExampleConfigsParse() throws IOException {
        for (String name : new String[] {"server.json", "local.json"}) {
            Path p = Path.of("/usr/share/doc/kcptun/examples", name);
            if (!Files.exists(p)) continue;
            Map<String, Object> m = JsonConfigFile.read(p);
            assertFalse(m.isEmpty(), name);
        }
    }

    /** Every flag kcptun's --help lists is ours too, with the same default. */
    @Test
    @Tag("interop")
    void flagsAndDefaultsMatchKcptunsHelp() throws Exception {
        for (TunnelOptions.Role role : TunnelOptions.Role.values()) {
            Path bin = role == TunnelOptions.Role.SERVER ? KcptunProcess.SERVER : KcptunProcess.CLIENT;
            assertTrue(Files.isExecutable(bin), bin + " is missing: apt-get install kcptun (.ci/run installs it)");
            Process p = new ProcessBuilder(bin.toString(), "--help").redirectErrorStream(true).start();
            String help = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            Map<String, String> theirs = new LinkedHashMap<>();
            Matcher m = Pattern.compile("(?m)^\\s+-{1,2}(\\w+)( value)?(?:, -{1,2}\\w+(?: value)?)?\\s+.*?(?:\\(default: (.*)\\))?( \\[\\$\\w+\\])?$").matcher(help);
            while (m.find()) {
                if (m.group(1).equals("help") || m.group(1).equals("version")) continue;
                theirs.put(m.group(1), m.group(3) == null ? (m.group(2) == null ? "false" : "") : m.group(3));
            }
            assertTrue(theirs.size() > 20, help);
            List<String> mismatches = new ArrayList<>();
            for (Map.Entry<String, String> e : theirs.entrySet()) {
                TunnelOptions.Def ours = TunnelOptions.DEFS.stream()
                        .filter(d -> d.name().equals(e.getKey()) && (d.role() == null || d.role() == role))
                        .findFirst().orElse(null);
                if (ours == null) {
                    mismatches.add(e.getKey() + " missing");
                    continue;
                }
                Object dflt = ours.dflt(role);
                String shown = ours.type() == TunnelOptions.Type.STRING ? "\"" + dflt + "\"" : String.valueOf(dflt);
                if (ours.type() == TunnelOptions.Type.STRING && "".equals(dflt)) shown = "";
                if (!shown.equals(e.getValue())) mismatches.add(e.getKey() + ": ours " + shown + ", kcptun " + e.getValue());
            }
            assertEquals(List.of(), mismatches, role + "\n" + help);
        }
    }

    @Test
    void goTimeLayoutsInSnmpLogNames() {
        LocalDateTime t = LocalDateTime.of(2024, 3, 7, 9, 5, 2);
        assertEquals("./snmp-20240307.log", GoTimeLayout.format("./snmp-20060102.log", t));
        assertEquals("snmp-24-Mar-07-09:05:02", GoTimeLayout.format("snmp-06-Jan-02-15:04:05", t));
    }

    @Test
    void addressesAsKcptunReadsThem() {
        assertEquals(29900, Addresses.listen(":29900").getPort());
        assertTrue(Addresses.listen(":29900").getAddress().isAnyLocalAddress());
        assertEquals("127.0.0.1", Addresses.listen("127.0.0.1:1").getHostString());
        assertEquals(java.net.UnixDomainSocketAddress.of("/run/app.sock"), Addresses.target("/run/app.sock"));
        assertEquals(7, ((java.net.InetSocketAddress) Addresses.target("[::1]:7")).getPort());
        assertThrows(Flags.UsageException.class, () -> Addresses.listen("nonsense"));
    }

    @Test
    void helpListsEveryFlag() {
        String h = TunnelOptions.help(TunnelOptions.Role.CLIENT);
        for (String f : new String[] {"--localaddr, -l", "--remoteaddr, -r", "--conn", "--autoexpire", "--scavengettl",
                "--nocomp", "--smuxver", "--streambuf", "--keepalive", "--snmplog", "--datashard, -ds", "-c"}) {
            assertTrue(h.contains(f), f + " in\n" + h);
        }
    }
}
