package io.kcp.cli;

import io.kcp.KcpConfig;
import io.kcp.KcpMode;
import io.kcp.KernelChoice;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command-line flags, named as kcptun names them ({@code --crypt aes --key secret --datashard 10
 * --parityshard 3 --mode fast3 ...}). The protocol commands take kcptun's defaults
 * ({@link #kcptunConfig}), so that one run without flags talks to kcpgo-peer run without flags.
 * Every flag takes a value ({@code --x v}
 * or {@code --x=v}) except the switches ({@code --stream}, {@code --acknodelay},
 * {@code --ackclocking}, which also take {@code =false}); unknown flags are errors that list the
 * known ones.
 */
final class Flags {

    static final List<String> CONFIG_FLAGS = List.of("crypt", "key", "datashard", "parityshard",
            "mode", "nodelay", "interval", "resend", "nc", "sndwnd", "rcvwnd", "mtu", "stream",
            "acknodelay", "ackclocking", "kernel", "dscp", "sockbuf");
    private static final Set<String> SWITCHES = Set.of("stream", "acknodelay", "ackclocking", "quiet");

    /** kcptun's default key, misspelt as kcptun spells it. */
    static final String DEFAULT_KEY = "it's a secrect";
    /** kcptun's default MTU. */
    static final int DEFAULT_MTU = 1350;

    private final Map<String, String> values = new LinkedHashMap<>();

    /** Parses {@code args} from index {@code from}; {@code allowed} are the command's own flags. */
    static Flags parse(String[] args, int from, List<String> allowed) {
        Flags f = new Flags();
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) throw new UsageException("unexpected argument '" + a + "'");
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (!CONFIG_FLAGS.contains(name) && !allowed.contains(name)) {
                throw new UsageException("unknown flag --" + name + "; known: --"
                        + String.join(" --", allowed) + " --" + String.join(" --", CONFIG_FLAGS));
            }
            if (value == null) {
                if (SWITCHES.contains(name)) {
                    value = "true";
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    throw new UsageException("--" + name + " needs a value");
                }
            }
            f.values.put(name, value);
        }
        return f;
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    String string(String name, String dflt) {
        return values.getOrDefault(name, dflt);
    }

    boolean bool(String name) {
        String v = values.get(name);
        if (v == null || v.equals("false") || v.equals("0")) return false;
        if (v.equals("true") || v.equals("1")) return true;
        throw new UsageException("--" + name + " is a switch: true or false, got '" + v + "'");
    }

    /** A number, plain or with a binary suffix k, m, g (1k = 1024). */
    long number(String name, long dflt) {
        String v = values.get(name);
        if (v == null) return dflt;
        try {
            return parseSize(v);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new UsageException("--" + name + " must be a number, got '" + v + "'");
        }
    }

    /** A number that must lie in {@code [min, max]}. */
    long number(String name, long dflt, long min, long max) {
        long v = number(name, dflt);
        if (v < min || v > max) {
            throw new UsageException("--" + name + " must be in [" + min + ", " + max + "], got " + v);
        }
        return v;
    }

    int integer(String name, int dflt) {
        return (int) number(name, dflt, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    /** Seconds, fractions allowed; must be at least {@code min}. */
    Duration seconds(String name, double dflt, double min) {
        String v = values.get(name);
        double s;
        try {
            s = v == null ? dflt : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be seconds, got '" + v + "'");
        }
        if (!(s >= min) || s > 1e9) {
            throw new UsageException("--" + name + " must be seconds >= " + min + ", got " + v);
        }
        return Duration.ofNanos((long) (s * 1e9));
    }

    /** Accepts plain numbers and the suffixes k, m, g (binary: 1k = 1024). */
    static long parseSize(String v) {
        String s = v.trim().toLowerCase();
        long mul = 1;
        if (s.endsWith("k") || s.endsWith("kib")) mul = 1L << 10;
        else if (s.endsWith("m") || s.endsWith("mib")) mul = 1L << 20;
        else if (s.endsWith("g") || s.endsWith("gib")) mul = 1L << 30;
        s = s.replaceAll("(kib|mib|gib|k|m|g)$", "");
        return Math.multiplyExact(Long.parseLong(s), mul);
    }

    /** {@code HOST:PORT} ({@code [v6]:PORT} for IPv6 literals); {@code dflt} when absent (null: required). */
    InetSocketAddress address(String name, String dflt) {
        String v = values.getOrDefault(name, dflt);
        if (v == null) throw new UsageException("--" + name + " HOST:PORT is required");
        int colon = v.lastIndexOf(':');
        if (colon < 0) throw new UsageException("--" + name + " must be HOST:PORT, got '" + v + "'");
        String host = v.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port;
        try {
            port = Integer.parseInt(v.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " has a bad port in '" + v + "'");
        }
        if (port < 0 || port > 65535) throw new UsageException("--" + name + " port must be 0..65535");
        InetSocketAddress a = host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
        if (a.isUnresolved()) throw new UsageException("--" + name + ": cannot resolve '" + host + "'");
        return a;
    }

    /**
     * The session configuration these flags describe, with kcptun's defaults where a flag is
     * absent: aes with kcptun's key, FEC 10/3, mode fast, MTU 1350, windows 1024/1024 for a
     * server and 128/512 for a client. {@code --mode manual} starts from nodelay 0, interval 50,
     * resend 0, nc 0; explicit --nodelay/--interval/--resend/--nc override any mode.
     */
    KcpConfig kcptunConfig(boolean server) {
        return build("aes", 10, 3, DEFAULT_MTU, server ? 1024 : 128, server ? 1024 : 512);
    }

    /**
     * The session configuration these flags describe over {@link KcpConfig}'s own defaults
     * (no crypto, no FEC, mode fast, MTU 1400, windows 128/512).
     */
    KcpConfig config() {
        KcpConfig d = KcpConfig.builder().build();
        return build("null", 0, 0, d.mtu(), d.sendWindow(), d.receiveWindow());
    }

    private KcpConfig build(String crypt, int dataShards, int parityShards, int mtu, int sndWnd,
                            int rcvWnd) {
        KcpConfig.Builder b = KcpConfig.builder();
        try {
            b.crypt(string("crypt", crypt), string("key", DEFAULT_KEY));
            b.fec(integer("datashard", dataShards), integer("parityshard", parityShards));
            String mode = string("mode", "fast");
            switch (mode) {
                case "manual": b.noDelay(0, 50, 0, 0); break;
                case "normal": case "fast": case "fast2": case "fast3": b.mode(KcpMode.of(mode)); break;
                default: throw new UsageException("--mode must be normal, fast, fast2, fast3 or manual,"
                        + " got '" + mode + "'");
            }
            KcpConfig base = b.build();
            b.noDelay(integer("nodelay", base.nodelay()), integer("interval", base.interval()),
                    integer("resend", base.resend()), integer("nc", base.nc()));
            b.windows(integer("sndwnd", sndWnd), integer("rcvwnd", rcvWnd));
            b.mtu(integer("mtu", mtu));
            b.streamMode(bool("stream"));
            b.ackNoDelay(bool("acknodelay"));
            b.ackClocking(!has("ackclocking") || bool("ackclocking")); // on unless =false
            b.dscp(integer("dscp", 0));
            if (has("sockbuf")) b.socketBuffers(integer("sockbuf", 0), integer("sockbuf", 0));
            b.kernel(kernel());
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private KernelChoice kernel() {
        String k = string("kernel", "auto");
        switch (k) {
            case "auto": return KernelChoice.AUTO;
            case "native": return KernelChoice.NATIVE;
            case "java": return KernelChoice.JAVA;
            default: throw new UsageException("--kernel must be auto, native or java, got '" + k + "'");
        }
    }

    /** A user error: printed with the usage, exit status 2. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
