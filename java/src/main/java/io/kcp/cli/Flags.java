package io.kcp.cli;

import io.kcp.KcpConfig;
import io.kcp.KcpMode;
import io.kcp.KernelChoice;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command-line flags, named as kcptun names them ({@code --crypt aes --key secret --datashard 10
 * --parityshard 3 --mode fast3 ...}). Every flag takes a value except the switches
 * ({@code --stream}, {@code --acknodelay}); unknown flags are errors that list the known ones.
 */
final class Flags {

    static final List<String> CONFIG_FLAGS = List.of("crypt", "key", "datashard", "parityshard",
            "mode", "nodelay", "interval", "resend", "nc", "sndwnd", "rcvwnd", "mtu", "stream",
            "acknodelay", "kernel", "dscp", "sockbuf");
    private static final Set<String> SWITCHES = Set.of("stream", "acknodelay", "quiet");

    private final Map<String, String> values = new LinkedHashMap<>();

    /** Parses {@code args}; {@code allowed} are the command's own flags besides the config ones. */
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
        return v != null && !v.equals("false") && !v.equals("0");
    }

    long number(String name, long dflt) {
        String v = values.get(name);
        if (v == null) return dflt;
        try {
            return parseSize(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a number, got '" + v + "'");
        }
    }

    int integer(String name, int dflt) {
        long v = number(name, dflt);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new UsageException("--" + name + " is out of range: " + v);
        }
        return (int) v;
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

    InetSocketAddress address(String name) {
        String v = values.get(name);
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

    /** The session configuration these flags describe (kcptun's defaults where a flag is absent). */
    KcpConfig config() {
        KcpConfig.Builder b = KcpConfig.builder();
        try {
            String crypt = string("crypt", "null");
            b.crypt(crypt, string("key", "it's a secrect")); // kcptun's default key, misspelt as kcptun spells it
            b.fec(integer("datashard", 0), integer("parityshard", 0));
            if (has("mode")) b.mode(KcpMode.of(string("mode", "fast")));
            if (has("nodelay") || has("interval") || has("resend") || has("nc")) {
                KcpConfig base = b.build();
                b.noDelay(integer("nodelay", base.nodelay()), integer("interval", base.interval()),
                        integer("resend", base.resend()), integer("nc", base.nc()));
            }
            KcpConfig base = b.build();
            b.windows(integer("sndwnd", base.sendWindow()), integer("rcvwnd", base.receiveWindow()));
            b.mtu(integer("mtu", base.mtu()));
            b.streamMode(bool("stream"));
            b.ackNoDelay(bool("acknodelay"));
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
