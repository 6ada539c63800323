package io.kcp.cli;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

/** kcptun's address strings: {@code host:port}, {@code :port} (every interface), a Unix socket path. */
final class Addresses {

    private Addresses() {
    }

    /** An address to listen on; {@code :port} means every interface. */
    static InetSocketAddress listen(String s) {
        InetSocketAddress a = parse(s);
        if (a == null) throw new Flags.UsageException("'" + s + "' is not HOST:PORT");
        if (a.isUnresolved()) throw new Flags.UsageException("cannot resolve '" + a.getHostString() + "'");
        return a;
    }

    /** A TCP address, resolved now, or (when there is no {@code :port}) a Unix socket path, as kcptun decides. */
    static SocketAddress target(String s) {
        InetSocketAddress a = parse(s);
        if (a == null) return UnixDomainSocketAddress.of(s);
        if (a.isUnresolved()) throw new IllegalArgumentException("cannot resolve '" + a.getHostString() + "'");
        return a;
    }

    /** {@code host:port} or {@code [v6]:port}; null if it is not that shape. Resolves the host. */
    static InetSocketAddress parse(String s) {
        if (!isHostPort(s)) return null;
        int colon = s.lastIndexOf(':');
        String host = s.substring(0, colon);
        int p = Integer.parseInt(s.substring(colon + 1));
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        return host.isEmpty() ? new InetSocketAddress(p) : new InetSocketAddress(host, p);
    }

    /** True for the shape {@code host:port}, {@code :port} or {@code [v6]:port} (nothing resolved). */
    static boolean isHostPort(String s) {
        int colon = s.lastIndexOf(':');
        if (colon < 0) return false;
        String host = s.substring(0, colon);
        String port = s.substring(colon + 1);
        if (port.isEmpty() || !port.chars().allMatch(Character::isDigit) || port.length() > 5) return false;
        if (Integer.parseInt(port) > 65535) return false;
        return (host.startsWith("[") && host.endsWith("]")) || !host.contains(":");
    }
}
