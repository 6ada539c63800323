package io.kcp.cli;

import io.kcp.Kcp;
import io.kcp.Snmp;
import io.kcp.SnmpCounter;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What a running tunnel reports on its own: a status line every {@code -status} seconds
 * (sessions, streams, bytes and rate, retransmissions, FEC, bad datagrams), the caller's
 * checks every second, and kcptun's {@code -snmplog} CSV every {@code -snmpperiod} seconds.
 */
final class TunnelReports implements AutoCloseable {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kcp-tunnel-status");
        t.setDaemon(true);
        return t;
    });
    private final TunnelLog log;
    private final TunnelStats stats;
    private final Runnable watch;
    private final SnmpLog snmpLog;
    private Snmp last = Kcp.counters();
    private long lastIn;
    private long lastOut;
    private long lastNanos = System.nanoTime();

    /** {@code watch} runs every second: the caller's checks for misconfiguration. */
    TunnelReports(TunnelOptions o, TunnelLog log, TunnelStats stats, Runnable watch) {
        this.log = log;
        this.stats = stats;
        this.watch = watch;
        timer.scheduleAtFixedRate(this::watch, 1, 1, TimeUnit.SECONDS);
        long status = o.integer("status");
        if (status > 0) timer.scheduleAtFixedRate(this::status, status, status, TimeUnit.SECONDS);
        this.snmpLog = SnmpLog.start(o.string("snmplog"), o.integer("snmpperiod"), log::line);
    }

    private void watch() {
        try {
            watch.run();
        } catch (RuntimeException e) {
            log.line("watch: " + e);
        }
    }

    private void status() {
        try {
            log.line(statusLine());
        } catch (RuntimeException e) {
            log.line("status: " + e);
        }
    }

    /** One line a person can read; the rates are since the previous line. */
    synchronized String statusLine() {
        Snmp now = Kcp.counters();
        Snmp d = now.minus(last);
        long in = stats.bytesIn.get();
        long out = stats.bytesOut.get();
        long t = System.nanoTime();
        double secs = Math.max(1e-3, (t - lastNanos) / 1e9);
        double rate = (in - lastIn + out - lastOut) / secs / 1e6;
        long segs = d.get(SnmpCounter.OUT_SEGS);
        String line = String.format(Locale.ROOT,
                "status: sessions %d, streams %d open (%d in all), tcp in %s out %s (%.1f MB/s),"
                        + " kcp retrans %.2f%% (fast %d, lost %d), fec recovered %d, bad datagrams %d",
                stats.sessionsOpen.get(), stats.streamsOpen.get(), stats.streamsTotal.get(),
                size(in), size(out), rate,
                segs == 0 ? 0.0 : 100.0 * d.get(SnmpCounter.RETRANS_SEGS) / segs,
                d.get(SnmpCounter.FAST_RETRANS_SEGS), d.get(SnmpCounter.LOST_SEGS),
                d.get(SnmpCounter.FEC_RECOVERED),
                d.get(SnmpCounter.IN_CSUM_ERRORS) + d.get(SnmpCounter.IN_ERRS) + d.get(SnmpCounter.KCP_IN_ERRORS));
        last = now;
        lastIn = in;
        lastOut = out;
        lastNanos = t;
        return line;
    }

    static String size(long b) {
        if (b < 10 << 10) return b + " B";
        if (b < 10L << 20) return (b >> 10) + " KiB";
        if (b < 10L << 30) return String.format(Locale.ROOT, "%.1f MiB", b / 1048576.0);
        return String.format(Locale.ROOT, "%.2f GiB", b / 1073741824.0);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        if (snmpLog != null) snmpLog.close();
    }
}
