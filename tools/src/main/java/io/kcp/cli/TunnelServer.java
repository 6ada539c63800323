package io.kcp.cli;

import io.kcp.Kcp;
import io.kcp.KcpListener;
import io.kcp.KcpSession;
import io.kcp.Snmp;
import io.kcp.SnmpCounter;
import io.kcp.mux.MuxConfig;
import io.kcp.mux.MuxSession;
import io.kcp.mux.MuxStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code kcp tunnel-server}: kcptun-server. Accepts KCP sessions, runs smux over each (with
 * kcptun's snappy framing unless {@code -nocomp}), and connects every stream a client opens to
 * {@code -target} (TCP, or a Unix socket path), copying both ways.
 */
final class TunnelServer implements AutoCloseable {

    private final TunnelOptions options;
    private final TunnelLog log;
    private final KcpListener listener;
    private final MuxConfig muxConfig;
    private final String target;
    private final boolean quiet;
    private final TunnelStats stats = new TunnelStats();
    private final Set<MuxSession> sessions = ConcurrentHashMap.newKeySet();
    private final TunnelReports reports;
    private volatile boolean closed;
    private Snmp lastSeen = Snmp.zero();
    private long lastUnopened;
    private long lastWarned;

    private TunnelServer(TunnelOptions o, TunnelLog log, KcpListener listener) {
        this.options = o;
        this.log = log;
        this.listener = listener;
        this.muxConfig = o.muxConfig();
        this.target = o.string("target");
        this.quiet = o.bool("quiet");
        this.reports = new TunnelReports(o, log, stats, this::checkDatagrams);
    }

    /** Listens and serves on threads of its own; {@link #close()} stops everything. */
    static TunnelServer start(TunnelOptions o, TunnelLog log) throws IOException {
        if (o.compress()) SnappyBlocks.check();
        for (String w : o.warnings()) log.line(w);
        for (String l : o.describe()) log.line(l);
        InetSocketAddress addr = Addresses.listen(o.string("listen"));
        KcpListener listener = Kcp.listen(addr, o.kcpConfig());
        TunnelServer s = new TunnelServer(o, log, listener);
        PumpThreads.start("kcp-tunnel-accept", s::acceptLoop);
        return s;
    }

    InetSocketAddress address() throws IOException {
        return (InetSocketAddress) listener.localAddress();
    }

    TunnelStats stats() {
        return stats;
    }

    String statusLine() {
        return reports.statusLine();
    }

    private void acceptLoop() {
        while (!closed) {
            KcpSession kcp;
            try {
                kcp = listener.accept();
            } catch (IOException e) {
                if (!closed) log.line("accept: " + e.getMessage());
                return;
            }
            log.line("remote address: " + kcp.remoteAddress());
            ByteChannel ch = options.compress() ? new SnappyFramedChannel(kcp) : kcp;
            MuxSession mux = MuxSession.server(ch, muxConfig);
            log.line("smux version: " + muxConfig.version() + " on connection: " + localAddress()
                    + " -> " + kcp.remoteAddress());
            sessions.add(mux);
            stats.sessionsOpen.incrementAndGet();
            stats.sessionsTotal.incrementAndGet();
            PumpThreads.start("kcp-tunnel-session", () -> serve(mux, kcp));
        }
    }

    private String localAddress() {
        try {
            return String.valueOf(listener.localAddress());
        } catch (IOException e) {
            return "?";
        }
    }

    /** Accepts a session's streams until it ends. */
    private void serve(MuxSession mux, KcpSession kcp) {
        try {
            while (true) {
                MuxStream stream = mux.acceptStream();
                PumpThreads.start("kcp-tunnel-stream-" + Integer.toUnsignedString(stream.id()),
                        () -> connect(stream, kcp.remoteAddress()));
            }
        } catch (IOException e) {
            if (!closed && !(e instanceof ClosedChannelException)) {
                log.line("session " + kcp.remoteAddress() + " ended: " + e.getMessage() + TunnelHints.hint(e));
            }
        } finally {
            sessions.remove(mux);
            mux.close();
            stats.sessionsOpen.decrementAndGet();
        }
    }

    private void connect(MuxStream stream, InetSocketAddress from) {
        String in = from + "(" + Integer.toUnsignedString(stream.id()) + ")";
        SocketChannel out;
        try {
            SocketAddress t = Addresses.target(target);
            if (t instanceof UnixDomainSocketAddress) {
                out = SocketChannel.open(StandardProtocolFamily.UNIX);
                out.connect(t);
            } else {
                out = SocketChannel.open(t);
                out.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
        } catch (IOException | RuntimeException e) {
            log.line("stream " + in + ": cannot connect to target " + target + ": " + e.getMessage());
            stats.streamErrors.incrementAndGet();
            stream.close();
            return;
        }
        StreamPump.run(stream, out, stats, log, "in: " + in + " out: " + target, quiet);
    }

    /**
     * Says so when datagrams fail the checksum or cannot open a session: a client with another
     * key, cipher or FEC shape, the most common misconfiguration. At most once in 10 s.
     */
    private void checkDatagrams() {
        Snmp now = listener.counters();
        long bad = now.get(SnmpCounter.IN_CSUM_ERRORS) - lastSeen.get(SnmpCounter.IN_CSUM_ERRORS);
        long unopened = listener.unopenedDatagrams() - lastUnopened;
        if (bad == 0 && unopened == 0) return;
        long t = System.nanoTime();
        if (lastWarned != 0 && t - lastWarned < 10_000_000_000L) return;
        lastWarned = t;
        lastSeen = now;
        lastUnopened += unopened;
        if (bad > 0) {
            log.line(bad + " datagrams failed the checksum: a client's -key or -crypt differs from this server's");
        }
        if (unopened > 0) {
            log.line(unopened + " datagrams could open no session: a client's -datashard/-parityshard"
                    + " or -crypt may differ from this server's");
        }
    }

    @Override
    public void close() {
        closed = true;
        reports.close();
        listener.close();
        for (MuxSession m : sessions) m.close();
    }
}
