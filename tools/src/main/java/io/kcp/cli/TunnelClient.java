package io.kcp.cli;

import io.kcp.Kcp;
import io.kcp.KcpSession;
import io.kcp.Snmp;
import io.kcp.SnmpCounter;
import io.kcp.mux.MuxConfig;
import io.kcp.mux.MuxSession;
import io.kcp.mux.MuxStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code kcp tunnel-client}: kcptun-client. Accepts TCP connections on {@code -localaddr} and
 * carries each as a stream over one of {@code -conn} KCP sessions to the server, round robin.
 * A session that ended is re-dialled when the next connection needs it (every second until it
 * works); with {@code -autoexpire} a session is replaced after that many seconds and closed
 * {@code -scavengettl} seconds later, as kcptun does.
 */
final class TunnelClient implements AutoCloseable {

    /** One of the {@code -conn} sessions. */
    private static final class Slot {
        volatile KcpSession kcp;
        volatile MuxSession mux;
        volatile long expiresNanos;
        volatile long openedNanos;
        volatile boolean warned;
    }

    private final TunnelOptions options;
    private final TunnelLog log;
    private final ServerSocketChannel tcp;
    private final MuxConfig muxConfig;
    private final boolean quiet;
    private final long autoExpireNanos;
    private final long scavengeNanos;
    private final TunnelStats stats = new TunnelStats();
    private final Slot[] slots;
    private final List<Slot> expired = new ArrayList<>(); // guarded by this
    private final ScheduledExecutorService scavenger;
    private final TunnelReports reports;
    private long next;
    private volatile boolean closed;

    private TunnelClient(TunnelOptions o, TunnelLog log, ServerSocketChannel tcp) {
        this.options = o;
        this.log = log;
        this.tcp = tcp;
        this.muxConfig = o.muxConfig();
        this.quiet = o.bool("quiet");
        this.autoExpireNanos = TimeUnit.SECONDS.toNanos(Math.max(0, o.integer("autoexpire")));
        this.scavengeNanos = TimeUnit.SECONDS.toNanos(Math.max(0, o.integer("scavengettl")));
        this.slots = new Slot[(int) Math.min(o.integer("conn"), 65535)];
        for (int i = 0; i < slots.length; i++) slots[i] = new Slot();
        this.scavenger = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kcp-tunnel-scavenger");
            t.setDaemon(true);
            return t;
        });
        scavenger.scheduleAtFixedRate(this::scavenge, 1, 1, TimeUnit.SECONDS);
        this.reports = new TunnelReports(o, log, stats, this::checkReplies);
    }

    static TunnelClient start(TunnelOptions o, TunnelLog log) throws IOException {
        if (o.compress()) SnappyBlocks.check();
        for (String w : o.warnings()) log.line(w);
        InetSocketAddress local = Addresses.listen(o.string("localaddr"));
        ServerSocketChannel tcp = ServerSocketChannel.open();
        try {
            tcp.bind(local, 1024);
        } catch (IOException e) {
            tcp.close();
            throw new IOException("cannot listen on " + local + ": " + e.getMessage(), e);
        }
        for (String l : o.describe()) log.line(l);
        TunnelClient c = new TunnelClient(o, log, tcp);
        PumpThreads.start("kcp-tunnel-accept", c::acceptLoop);
        return c;
    }

    InetSocketAddress address() throws IOException {
        return (InetSocketAddress) tcp.getLocalAddress();
    }

    TunnelStats stats() {
        return stats;
    }

    String statusLine() {
        return reports.statusLine();
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel c;
            try {
                c = tcp.accept();
                c.setOption(StandardSocketOptions.TCP_NODELAY, true);
            } catch (IOException e) {
                if (!closed) log.line("accept: " + e.getMessage());
                return;
            }
            MuxSession mux = session((int) (next++ % slots.length));
            if (mux == null) {
                close(c);
                return;
            }
            PumpThreads.start("kcp-tunnel-conn", () -> carry(c, mux));
        }
    }

    /** The slot's session, dialled (again) if it ended or expired; null once closed. */
    private MuxSession session(int i) {
        Slot s = slots[i];
        long now = System.nanoTime();
        if (s.mux != null && s.mux.isOpen() && (autoExpireNanos == 0 || now - s.expiresNanos < 0)) {
            return s.mux;
        }
        if (s.mux != null && s.mux.isOpen()) {
            synchronized (this) {
                Slot old = new Slot();
                old.kcp = s.kcp;
                old.mux = s.mux;
                old.expiresNanos = s.expiresNanos + scavengeNanos;
                expired.add(old);
            }
        }
        while (!closed) {
            try {
                dial(s);
                s.expiresNanos = System.nanoTime() + autoExpireNanos;
                return s.mux;
            } catch (IOException | RuntimeException e) {
                log.line("re-connecting: " + e.getMessage());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
        }
        return null;
    }

    private void dial(Slot s) throws IOException {
        InetSocketAddress remote = Addresses.listen(options.string("remoteaddr"));
        KcpSession kcp = Kcp.dial(remote, options.kcpConfig());
        ByteChannel ch = options.compress() ? new SnappyFramedChannel(kcp) : kcp;
        MuxSession mux = MuxSession.client(ch, muxConfig);
        log.line("smux version: " + muxConfig.version() + " on connection: " + kcp.localAddress()
                + " -> " + kcp.remoteAddress());
        s.kcp = kcp;
        s.mux = mux;
        s.openedNanos = System.nanoTime();
        s.warned = false;
        stats.sessionsOpen.incrementAndGet();
        stats.sessionsTotal.incrementAndGet();
        PumpThreads.start("kcp-tunnel-session", () -> watch(mux, kcp));
    }

    /** Waits for the session's end (a kcptun server opens no streams) and says why it ended. */
    private void watch(MuxSession mux, KcpSession kcp) {
        try {
            while (true) mux.acceptStream().close();
        } catch (IOException e) {
            if (!closed && !(e instanceof java.nio.channels.ClosedChannelException)) {
                log.line("session " + kcp.remoteAddress() + " ended: " + e.getMessage() + TunnelHints.hint(e));
            }
        } finally {
            mux.close();
            stats.sessionsOpen.decrementAndGet();
        }
    }

    private void carry(SocketChannel c, MuxSession mux) {
        MuxStream stream;
        try {
            stream = mux.openStream();
        } catch (IOException e) {
            log.line("open stream: " + e.getMessage() + TunnelHints.hint(e));
            stats.streamErrors.incrementAndGet();
            close(c);
            return;
        }
        String in;
        try {
            in = String.valueOf(c.getRemoteAddress());
        } catch (IOException e) {
            in = "?";
        }
        StreamPump.run(stream, c, stats, log, "in: " + in + " out: " + options.string("remoteaddr")
                + "(" + Integer.toUnsignedString(stream.id()) + ")", quiet);
    }

    /** Closes expired sessions after their time to live (kcptun's scavenger). */
    private void scavenge() {
        long now = System.nanoTime();
        synchronized (this) {
            expired.removeIf(s -> {
                if (!s.mux.isOpen()) {
                    log.line("scavenger: session normally closed: " + s.kcp.remoteAddress());
                    return true;
                }
                if (now - s.expiresNanos >= 0) {
                    s.mux.close();
                    log.line("scavenger: session closed due to ttl: " + s.kcp.remoteAddress());
                    return true;
                }
                return false;
            });
        }
    }

    /**
     * Says so, once per session, when the server does not answer within 3 s or its answers fail
     * the checksum: a wrong key or cipher is the usual reason.
     */
    private void checkReplies() {
        for (Slot s : slots) {
            KcpSession k = s.kcp;
            if (k == null || s.warned || s.mux == null || !s.mux.isOpen()) continue;
            Snmp c = k.counters();
            if (c.get(SnmpCounter.IN_CSUM_ERRORS) > 0) {
                log.line("datagrams from " + k.remoteAddress() + " fail the checksum: -key or -crypt"
                        + " differ from the server's");
                s.warned = true;
            } else if (c.get(SnmpCounter.IN_PKTS) == 0 && c.get(SnmpCounter.OUT_PKTS) > 0
                    && System.nanoTime() - s.openedNanos > TimeUnit.SECONDS.toNanos(3)) {
                log.line("no reply from " + k.remoteAddress() + " in 3 s: " + TunnelHints.KEY_OR_CRYPT);
                s.warned = true;
            }
        }
    }

    private static void close(SocketChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closed = true;
        reports.close();
        scavenger.shutdownNow();
        close(tcp);
        for (Slot s : slots) {
            if (s.mux != null) s.mux.close();
        }
        synchronized (this) {
            for (Slot s : expired) s.mux.close();
            expired.clear();
        }
    }

    private static void close(ServerSocketChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
