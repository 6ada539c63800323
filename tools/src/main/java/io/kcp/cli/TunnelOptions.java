package io.kcp.cli;

import io.kcp.KcpConfig;
import io.kcp.KcpMode;
import io.kcp.KernelChoice;
import io.kcp.mux.MuxConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The flags of {@code kcp tunnel-server} and {@code kcp tunnel-client}: kcptun's names, aliases
 * and defaults, parsed as kcptun parses them ({@code -flag value}, {@code --flag=value}, a bare
 * boolean flag is true), with kcptun's {@code KCPTUN_KEY} environment variable and its
 * {@code -c} JSON file, whose keys are the flag names and which overrides the command line.
 */
final class TunnelOptions {

    enum Role { SERVER, CLIENT }

    enum Type { STRING, INT, BOOL }

    /** One flag. {@code role} null: both commands have it. */
    record Def(String name, String alias, Type type, Object server, Object client, Role role, String usage) {
        Object dflt(Role r) {
            return r == Role.SERVER ? server : client;
        }
    }

    /** kcptun's cipher names; any other name means aes, as in kcptun. */
    static final List<String> KCPTUN_CRYPTS = List.of("aes", "aes-128", "aes-192", "salsa20",
            "blowfish", "twofish", "cast5", "3des", "tea", "xtea", "xor", "sm4", "none");

    static final List<Def> DEFS = List.of(
            def("listen", "l", Type.STRING, ":29900", null, Role.SERVER, "kcp server listen address"),
            def("target", "t", Type.STRING, "127.0.0.1:12948", null, Role.SERVER,
                    "target server address, or path/to/unix_socket"),
            def("localaddr", "l", Type.STRING, null, ":12948", Role.CLIENT, "local listen address"),
            def("remoteaddr", "r", Type.STRING, null, "vps:29900", Role.CLIENT, "kcp server address"),
            def("key", null, Type.STRING, "it's a secrect", "it's a secrect", null,
                    "pre-shared secret between client and server [$KCPTUN_KEY]"),
            def("crypt", null, Type.STRING, "aes", "aes", null, String.join(", ", KCPTUN_CRYPTS)),
            def("mode", null, Type.STRING, "fast", "fast", null, "profiles: fast3, fast2, fast, normal, manual"),
            def("conn", null, Type.INT, null, 1L, Role.CLIENT, "set num of UDP connections to server"),
            def("autoexpire", null, Type.INT, null, 0L, Role.CLIENT,
                    "set auto expiration time(in seconds) for a single UDP connection, 0 to disable"),
            def("scavengettl", null, Type.INT, null, 600L, Role.CLIENT,
                    "set how long an expired connection can live (in seconds)"),
            def("mtu", null, Type.INT, 1350L, 1350L, null, "set maximum transmission unit for UDP packets"),
            def("sndwnd", null, Type.INT, 1024L, 128L, null, "set send window size(num of packets)"),
            def("rcvwnd", null, Type.INT, 1024L, 512L, null, "set receive window size(num of packets)"),
            def("datashard", "ds", Type.INT, 10L, 10L, null, "set reed-solomon erasure coding - datashard"),
            def("parityshard", "ps", Type.INT, 3L, 3L, null, "set reed-solomon erasure coding - parityshard"),
            def("dscp", null, Type.INT, 0L, 0L, null, "set DSCP(6bit)"),
            def("nocomp", null, Type.BOOL, false, false, null, "disable compression"),
            def("acknodelay", null, Type.BOOL, false, false, null, "flush ack immediately when a packet is received"),
            def("nodelay", null, Type.INT, 0L, 0L, null, "manual mode: nodelay"),
            def("interval", null, Type.INT, 50L, 50L, null, "manual mode: interval (ms)"),
            def("resend", null, Type.INT, 0L, 0L, null, "manual mode: fast resend"),
            def("nc", null, Type.INT, 0L, 0L, null, "manual mode: no congestion control"),
            def("sockbuf", null, Type.INT, 4194304L, 4194304L, null, "per-socket buffer in bytes"),
            def("smuxver", null, Type.INT, 1L, 1L, null, "specify smux version, available 1,2"),
            def("smuxbuf", null, Type.INT, 4194304L, 4194304L, null, "the overall de-mux buffer in bytes"),
            def("streambuf", null, Type.INT, 2097152L, 2097152L, null, "per stream receive buffer in bytes, smux v2+"),
            def("keepalive", null, Type.INT, 10L, 10L, null, "seconds between heartbeats"),
            def("snmplog", null, Type.STRING, "", "", null,
                    "collect snmp to file, aware of timeformat in golang, like: ./snmp-20060102.log"),
            def("snmpperiod", null, Type.INT, 60L, 60L, null, "snmp collect period, in seconds"),
            def("log", null, Type.STRING, "", "", null, "specify a log file to output, default goes to stderr"),
            def("quiet", null, Type.BOOL, false, false, null, "to suppress the 'stream open/close' messages"),
            def("tcp", null, Type.BOOL, false, false, null, "to emulate a TCP connection(linux): not in kcp-java"),
            def("pprof", null, Type.BOOL, false, null, Role.SERVER, "start profiling server on :6060: not in kcp-java"),
            def("c", null, Type.STRING, "", "", null,
                    "config from json file, which will override the command from shell"),
            // kcp-java's own
            def("kernel", null, Type.STRING, "auto", "auto", null, "kcp-java: the ARQ/FEC kernel: auto, native or java"),
            def("status", null, Type.INT, 10L, 10L, null, "kcp-java: seconds between status lines, 0 for none"));

    private static Def def(String name, String alias, Type type, Object server, Object client, Role role,
                           String usage) {
        return new Def(name, alias, type, server, client, role, usage);
    }

    final Role role;
    private final Map<String, Object> values = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();
    private final Set<String> given = new java.util.HashSet<>();

    private TunnelOptions(Role role) {
        this.role = role;
        for (Def d : DEFS) {
            if (d.role() == null || d.role() == role) values.put(d.name(), d.dflt(role));
        }
    }

    /**
     * Parses {@code args[from..]} and the environment as kcptun does.
     *
     * @throws Flags.UsageException for a flag kcptun does not have, a bad value or a bad file
     */
    static TunnelOptions parse(Role role, String[] args, int from, Map<String, String> env) {
        TunnelOptions o = new TunnelOptions(role);
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("-") || a.equals("-") || a.equals("--")) {
                throw new Flags.UsageException("unexpected argument '" + a + "'");
            }
            String name = a.substring(a.startsWith("--") ? 2 : 1);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            Def d = o.find(name);
            if (d.type() == Type.BOOL) {
                o.set(d, value == null ? "true" : value, "-" + name);
            } else {
                if (value == null) {
                    if (i + 1 >= args.length) throw new Flags.UsageException("flag needs an argument: -" + name);
                    value = args[++i];
                }
                o.set(d, value, "-" + name);
            }
            o.given.add(d.name());
        }
        String envKey = env.get("KCPTUN_KEY");
        if (envKey != null && !o.given.contains("key")) o.values.put("key", envKey);
        String file = o.string("c");
        if (!file.isEmpty()) o.applyFile(Path.of(file));
        o.check();
        return o;
    }

    private Def find(String name) {
        for (Def d : DEFS) {
            if ((d.role() == null || d.role() == role)
                    && (d.name().equals(name) || name.equals(d.alias()))) {
                return d;
            }
        }
        throw new Flags.UsageException("flag provided but not defined: -" + name);
    }

    private void set(Def d, String text, String where) {
        switch (d.type()) {
            case BOOL:
                if (text.equals("true") || text.equals("1")) values.put(d.name(), true);
                else if (text.equals("false") || text.equals("0")) values.put(d.name(), false);
                else throw new Flags.UsageException("invalid boolean value \"" + text + "\" for " + where);
                return;
            case INT:
                try {
                    values.put(d.name(), Long.parseLong(text.trim()));
                } catch (NumberFormatException e) {
                    throw new Flags.UsageException("invalid value \"" + text + "\" for " + where + ": a whole number");
                }
                return;
            default:
                values.put(d.name(), text);
        }
    }

    private void applyFile(Path path) {
        Map<String, Object> m;
        try {
            m = JsonConfigFile.read(path);
        } catch (IOException e) {
            throw new Flags.UsageException("-c " + path + ": " + e.getMessage());
        }
        for (Map.Entry<String, Object> e : m.entrySet()) {
            Def d = null;
            for (Def x : DEFS) {
                if (x.name().equals(e.getKey()) && (x.role() == null || x.role() == role)) d = x;
            }
            if (d == null || d.name().equals("c")) {
                warnings.add("-c " + path + ": ignoring unknown key \"" + e.getKey() + "\" (kcptun ignores it too)");
                continue;
            }
            Object v = e.getValue();
            boolean ok = d.type() == Type.STRING ? v instanceof String
                    : d.type() == Type.INT ? v instanceof Long : v instanceof Boolean;
            if (!ok) {
                throw new Flags.UsageException("-c " + path + ": \"" + e.getKey() + "\" must be "
                        + (d.type() == Type.STRING ? "a string" : d.type() == Type.INT ? "a whole number" : "true or false"));
            }
            values.put(d.name(), v);
        }
    }

    private void check() {
        if (bool("tcp")) {
            throw new Flags.UsageException("-tcp (kcptun's TCP emulation) needs raw sockets and root,"
                    + " which the JVM cannot open: kcp-java tunnels run over UDP only");
        }
        if (role == Role.SERVER && bool("pprof")) warnings.add("-pprof is Go's profiler: ignored by kcp-java");
        if (!KCPTUN_CRYPTS.contains(string("crypt"))) {
            warnings.add("unknown crypt '" + string("crypt") + "': using aes, as kcptun does");
            values.put("crypt", "aes");
        }
        String mode = string("mode");
        if (!Set.of("normal", "fast", "fast2", "fast3", "manual").contains(mode)) {
            warnings.add("unknown mode '" + mode + "': using the manual values (-nodelay -interval -resend -nc), as kcptun does");
        }
        if (role == Role.CLIENT && integer("conn") < 1) {
            throw new Flags.UsageException("-conn must be at least 1, got " + integer("conn"));
        }
        intValue("snmpperiod", 0, Integer.MAX_VALUE);
        intValue("status", 0, Integer.MAX_VALUE);
        String snmpProblem = SnmpLog.problem(string("snmplog"));
        if (snmpProblem != null) throw new Flags.UsageException("-snmplog: " + snmpProblem);
        for (String a : role == Role.SERVER ? List.of("listen") : List.of("localaddr", "remoteaddr")) {
            if (!Addresses.isHostPort(string(a))) {
                throw new Flags.UsageException("-" + a + " must be HOST:PORT or :PORT, got '" + string(a) + "'");
            }
        }
        kcpConfig(); // validates
        muxConfig();
    }

    // ---- values ----------------------------------------------------------------------------

    String string(String name) {
        return (String) values.get(name);
    }

    long integer(String name) {
        return (Long) values.get(name);
    }

    int intValue(String name, long min, long max) {
        long v = integer(name);
        if (v < min || v > max) {
            throw new Flags.UsageException("-" + name + " must be in [" + min + ", " + max + "], got " + v);
        }
        return (int) v;
    }

    boolean bool(String name) {
        return (Boolean) values.get(name);
    }

    /** Lines worth saying once (ignored keys, kcptun's fallbacks). */
    List<String> warnings() {
        return warnings;
    }

    boolean compress() {
        return !bool("nocomp");
    }

    /** nodelay, interval, resend, nc after the mode: kcptun's presets, or the flags for manual. */
    int[] noDelay() {
        switch (string("mode")) {
            case "normal": case "fast": case "fast2": case "fast3":
                KcpMode m = KcpMode.of(string("mode"));
                return new int[] {m.nodelay(), m.interval(), m.resend(), m.nc()};
            default:
                return new int[] {(int) integer("nodelay"), (int) integer("interval"),
                        (int) integer("resend"), (int) integer("nc")};
        }
    }

    /**
     * The KCP side as kcptun sets it up: stream mode, no write delay, the mode's nodelay values,
     * windows, MTU, ackNoDelay, DSCP and socket buffers; FEC only when both shard counts are
     * positive (kcp-go's rule). KCP sessions end after 60 s without a datagram; the smux
     * keepalive normally ends a dead one first.
     */
    KcpConfig kcpConfig() {
        try {
            KcpConfig.Builder b = KcpConfig.builder();
            b.crypt(string("crypt"), string("key"));
            int ds = (int) Math.max(0, Math.min(255, integer("datashard")));
            int ps = (int) Math.max(0, Math.min(255, integer("parityshard")));
            if (ds > 0 && ps > 0) b.fec(ds, ps);
            int[] nd = noDelay();
            b.noDelay(nd[0], nd[1], nd[2], nd[3]);
            b.windows(intValue("sndwnd", 1, 65535), intValue("rcvwnd", 1, 65535));
            b.mtu(intValue("mtu", KcpConfig.MIN_MTU, KcpConfig.MAX_MTU));
            b.streamMode(true).writeDelay(false).ackNoDelay(bool("acknodelay"));
            b.dscp(intValue("dscp", 0, 63));
            int sockbuf = intValue("sockbuf", 1024, 1 << 30);
            b.socketBuffers(sockbuf, sockbuf);
            b.idleTimeout(Duration.ofSeconds(60));
            b.kernel(kernel());
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new Flags.UsageException(e.getMessage());
        }
    }

    /** smux as kcptun configures it: version, buffers, keepalive interval (timeout stays 30 s). */
    MuxConfig muxConfig() {
        try {
            int keepalive = intValue("keepalive", 1, 3600);
            return MuxConfig.builder()
                    .version(intValue("smuxver", 1, 2))
                    .maxReceiveBuffer(intValue("smuxbuf", 1, Integer.MAX_VALUE))
                    .maxStreamBuffer(intValue("streambuf", 1, Integer.MAX_VALUE))
                    .keepAlive(Duration.ofSeconds(keepalive), Duration.ofSeconds(30))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new Flags.UsageException(e.getMessage());
        }
    }

    private KernelChoice kernel() {
        switch (string("kernel")) {
            case "auto": return KernelChoice.AUTO;
            case "native": return KernelChoice.NATIVE;
            case "java": return KernelChoice.JAVA;
            default: throw new Flags.UsageException("-kernel must be auto, native or java, got '" + string("kernel") + "'");
        }
    }

    /** The settings in force, one per line, as kcptun logs them at start. */
    List<String> describe() {
        List<String> l = new ArrayList<>();
        int[] nd = noDelay();
        if (role == Role.SERVER) {
            l.add("listening on: " + string("listen"));
            l.add("target: " + string("target"));
        } else {
            l.add("listening on: " + string("localaddr"));
            l.add("remote address: " + string("remoteaddr"));
        }
        l.add("smux version: " + integer("smuxver"));
        l.add("encryption: " + string("crypt"));
        l.add("nodelay parameters: " + nd[0] + " " + nd[1] + " " + nd[2] + " " + nd[3]);
        l.add("sndwnd: " + integer("sndwnd") + " rcvwnd: " + integer("rcvwnd"));
        l.add("compression: " + compress());
        l.add("mtu: " + integer("mtu"));
        l.add("datashard: " + integer("datashard") + " parityshard: " + integer("parityshard"));
        l.add("acknodelay: " + bool("acknodelay"));
        l.add("dscp: " + integer("dscp"));
        l.add("sockbuf: " + integer("sockbuf"));
        l.add("smuxbuf: " + integer("smuxbuf"));
        l.add("streambuf: " + integer("streambuf"));
        l.add("keepalive: " + integer("keepalive"));
        if (role == Role.CLIENT) {
            l.add("conn: " + integer("conn"));
            l.add("autoexpire: " + integer("autoexpire"));
            l.add("scavengettl: " + integer("scavengettl"));
        }
        l.add("snmplog: " + string("snmplog"));
        l.add("snmpperiod: " + integer("snmpperiod"));
        l.add("quiet: " + bool("quiet"));
        l.add("kernel: " + kcpConfig().kernelInUse());
        return l;
    }

    /** kcptun-style help: every flag with its default. */
    static String help(Role role) {
        StringBuilder b = new StringBuilder();
        b.append(role == Role.SERVER
                ? "usage: kcp tunnel-server [flags]   (kcptun-server's flags and defaults)\n"
                + "Accepts kcptun clients (smux over KCP) and connects each stream to --target over TCP.\n"
                : "usage: kcp tunnel-client [flags]   (kcptun-client's flags and defaults)\n"
                + "Accepts TCP connections on --localaddr and carries each as a stream to a kcptun server.\n");
        b.append("Flags take one or two dashes; a boolean flag alone means true.\n");
        for (Def d : DEFS) {
            if (d.role() != null && d.role() != role) continue;
            String names = "--" + d.name() + (d.alias() != null ? ", -" + d.alias() : "");
            Object dflt = d.dflt(role);
            String value = d.type() == Type.BOOL ? "" : d.type() == Type.STRING ? " value" : " value";
            String shown = d.type() == Type.BOOL || "".equals(dflt) ? ""
                    : " (default: " + (d.type() == Type.STRING ? "\"" + dflt + "\"" : dflt) + ")";
            b.append(String.format("  %-26s %s%s%n", names + value, d.usage(), shown));
        }
        b.append("Output: kcptun's log lines on stderr (or --log), and a status line every --status seconds.\n");
        b.append("Exit status: runs until killed; 1 if it cannot start, 2 for bad flags.");
        return b.toString();
    }
}
