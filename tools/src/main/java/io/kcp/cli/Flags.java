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
    private static final Set<String> SWITCHES = Set.of("stream", "acknodelay", "ackclocking", "quiet",
            "verbose");

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
            if (!a.startsWith("--") || a.length() == 2) {
                throw new UsageException("unexpected argument '" + a + "'"
                        + (a.startsWith("-") && !a.startsWith("--") ? ": flags start with --" : ""));
            }
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (!CONFIG_FLAGS.contains(name) && !allowed.contains(name)) {
                List<String> known = new java.util.ArrayList<>(allowed);
                known.addAll(CONFIG_FLAGS);
                String near = nearest(name, known);
                throw new UsageException("unknown flag --" + name
                        + (near == null ? "" : "; did you mean --" + near + "?"));
            }
            if (value == null) {
                if (SWITCHES.contains(name)) {
                    value = "true";
                } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                    value = args[++i];
                } else {
                    throw new UsageException("--" + name + " needs a value");
                }
            }
            f.values.put(name, value);
        }
        return f;
    }

    /**
     * The known name closest to a misspelt one, or null when none is close: one edit away for
     * names up to five letters, two for longer ones.
     */
    static String nearest(String name, List<String> known) {
        String best = null;
        int bestDistance = name.length() <= 5 ? 2 : 3;
        for (String k : known) {
            int d = distance(name, k);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
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
            throw new UsageException("--" + name + (max >= Integer.MAX_VALUE ? " must be at least " + min
                    : " must be in [" + min + ", " + max + "]") + ", got " + v);
        }
        return v;
    }

    /** An int that must lie in {@code [min, max]}. */
    int integer(String name, int dflt, int min, int max) {
        return (int) number(name, dflt, min, max);
    }

    /** A decimal number (fractions allowed, no suffixes) that must lie in {@code [min, max]}. */
    double decimal(String name, double dflt, double min, double max) {
        String v = values.get(name);
        double d;
        try {
            d = v == null ? dflt : Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a number, got '" + v + "'");
        }
        if (!(d >= min && d <= max)) {
            throw new UsageException("--" + name + " must be in [" + plain(min) + ", " + plain(max)
                    + "], got " + v);
        }
        return d;
    }

    private static String plain(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
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
            throw new UsageException("--" + name + " must be seconds from " + min + " to 1e9, got " + v);
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

    /**
     * {@code HOST:PORT} ({@code [v6]:PORT} for IPv6 literals); {@code dflt} when absent (null:
     * required). Port 0 (any free port) is for addresses to listen on; see {@link #remote}.
     */
    InetSocketAddress address(String name, String dflt) {
        String v = values.getOrDefault(name, dflt);
        if (v == null) throw new UsageException("--" + name + " HOST:PORT is required");
        int colon = v.lastIndexOf(':');
        if (colon < 0 || v.substring(colon + 1).isEmpty()) {
            throw new UsageException("--" + name + " must be HOST:PORT, got '" + v + "'");
        }
        String host = v.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port;
        try {
            port = Integer.parseInt(v.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " has a bad port in '" + v + "'");
        }
        if (port < 0 || port > 65535) {
            throw new UsageException("--" + name + " port must be 0..65535, got " + port);
        }
        InetSocketAddress a = host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
        if (a.isUnresolved()) throw new UsageException("--" + name + ": cannot resolve '" + host + "'");
        return a;
    }

    /** An address to send to: as {@link #address}, and the port must not be 0. */
    InetSocketAddress remote(String name) {
        InetSocketAddress a = address(name, null);
        if (a.getPort() == 0) throw new UsageException("--" + name + " port must be 1..65535, got 0");
        return a;
    }

    /**
     * The session configuration these flags describe, with kcptun's defaults where a flag is
     * absent: aes with kcptun's key, FEC 10/3, mode fast, MTU 1350, windows 1024/1024 for a
     * server and 128/512 for a client. {@code --mode manual} starts from nodelay 0, interval 50,
     * resend 0, nc 0; explicit --nodelay/--interval/--resend/--nc override any mode.
     */
    KcpConfig kcptunConfig(boolean server) {
        return build("aes", 10, 3, "fast", DEFAULT_MTU, server ? 1024 : 128, server ? 1024 : 512);
    }

    /**
     * The session configuration these flags describe over {@link KcpConfig}'s own defaults
     * (no crypto, no FEC, mode fast, MTU 1400, windows 128/512).
     */
    KcpConfig config() {
        KcpConfig d = KcpConfig.builder().build();
        return build("null", 0, 0, "fast", d.mtu(), d.sendWindow(), d.receiveWindow());
    }

    /**
     * The session configuration these flags describe over no crypto, no FEC and the given
     * mode, MTU and windows.
     */
    KcpConfig config(String mode, int mtu, int sndWnd, int rcvWnd) {
        return build("null", 0, 0, mode, mtu, sndWnd, rcvWnd);
    }

    private KcpConfig build(String crypt, int dataShards, int parityShards, String defaultMode,
                            int mtu, int sndWnd, int rcvWnd) {
        KcpConfig.Builder b = KcpConfig.builder();
        String cryptName = string("crypt", crypt);
        try {
            b.crypt(cryptName, string("key", DEFAULT_KEY));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--crypt: " + e.getMessage());
        } catch (IllegalStateException e) { // a cipher whose optional library is missing
            throw new UsageException("--crypt " + cryptName + ": " + e.getMessage());
        }
        int ds = integer("datashard", dataShards, 0, 255);
        int ps = integer("parityshard", parityShards, 0, 255);
        if (ds > 0 && ps > 0 && ds + ps > 256) {
            throw new UsageException("--datashard + --parityshard must be at most 256, got " + ds + " + " + ps);
        }
        b.fec(ds, ps);
        String mode = string("mode", defaultMode);
        switch (mode) {
            case "manual": b.noDelay(0, 50, 0, 0); break;
            case "normal": case "fast": case "fast2": case "fast3": b.mode(KcpMode.of(mode)); break;
            default: throw new UsageException("--mode must be normal, fast, fast2, fast3 or manual,"
                    + " got '" + mode + "'");
        }
        KcpConfig base = b.build();
        b.noDelay(integer("nodelay", base.nodelay(), 0, 2), integer("interval", base.interval(), 10, 5000),
                integer("resend", base.resend(), 0, 65535), integer("nc", base.nc(), 0, 1));
        b.windows(integer("sndwnd", sndWnd, 1, 65535), integer("rcvwnd", rcvWnd, 1, 65535));
        b.mtu(integer("mtu", mtu, KcpConfig.MIN_MTU, KcpConfig.MAX_MTU));
        b.streamMode(bool("stream"));
        b.ackNoDelay(bool("acknodelay"));
        b.ackClocking(!has("ackclocking") || bool("ackclocking")); // on unless =false
        b.dscp(integer("dscp", 0, 0, 63));
        if (has("sockbuf")) {
            int sockbuf = integer("sockbuf", 0, 0, 1 << 30);
            if (sockbuf != 0 && sockbuf < 1024) {
                throw new UsageException("--sockbuf must be 0 (the OS default) or at least 1024, got " + sockbuf);
            }
            b.socketBuffers(sockbuf, sockbuf);
        }
        b.kernel(kernel());
        try {
            return b.build();
        } catch (IllegalArgumentException e) { // an MTU too small for the headers
            throw new UsageException("--mtu: " + e.getMessage());
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
