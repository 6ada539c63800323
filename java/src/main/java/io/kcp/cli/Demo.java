package io.kcp.cli;

import io.kcp.Kcp;
import io.kcp.KcpConfig;
import io.kcp.KcpListener;
import io.kcp.KcpSession;
import io.kcp.Snmp;
import io.kcp.SnmpCounter;
import io.kcp.relay.Impairment;
import io.kcp.relay.ImpairmentRelay;
import io.kcp.relay.RelayStats;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

/**
 * {@code kcp demo}: a client and a server on loopback talking through a seeded impairment relay
 * (loss, delay, jitter, duplication, reordering), once with plain KCP and once with FEC 10/3 and
 * AES. Each run is a bulk upload checked by CRC32 with a live progress line, then a series of
 * small pings for round-trip times; a table compares the runs at the end.
 */
final class Demo {

    static final List<String> FLAGS = List.of("bytes", "loss", "delay", "jitter", "dup",
            "reorder", "seed", "pings", "quiet");

    private final PrintStream out;
    private final long bytes;
    private final int pings;
    private final Impairment up;
    private final Impairment down;
    private final boolean quiet;
    private final KcpConfig base;

    private Demo(Flags f, PrintStream out) {
        this.out = out;
        this.bytes = f.number("bytes", 16L << 20, 1, 1L << 40);
        this.pings = f.integer("pings", 100, 1, 1_000_000);
        this.quiet = f.bool("quiet");
        long seed = f.number("seed", 1, Long.MIN_VALUE, Long.MAX_VALUE);
        Impairment.Builder link = Impairment.builder()
                .loss(f.decimal("loss", 5, 0, 100) / 100)
                .delayMillis(f.decimal("delay", 20, 0, Impairment.MAX_MILLIS))
                .jitterMillis(f.decimal("jitter", 1, 0, Impairment.MAX_MILLIS))
                .duplicate(f.decimal("dup", 1, 0, 100) / 100)
                .reorder(f.decimal("reorder", 1, 0, 100) / 100);
        this.up = link.seed(seed).build();
        this.down = link.seed(seed + 1).build();
        this.base = f.config().toBuilder()
                .noDelay(1, 10, 2, 1).windows(1024, 1024).mtu(1400).build();
    }

    static int run(String[] args, int from, PrintStream out) throws Exception {
        Flags f = Flags.parse(args, from, FLAGS);
        return new Demo(f, out).run();
    }

    private int run() throws Exception {
        out.printf("kcp demo: %s through a relay with %s each way (seeded), kernel %s%n",
                human(bytes), describe(up), base.kernelInUse());
        List<Row> rows = new ArrayList<>();
        rows.add(scenario("plain KCP", base));
        rows.add(scenario("FEC 10/3 + aes", base.toBuilder().fec(10, 3).crypt("aes", "demo").build()));
        out.println();
        out.printf("%-16s %9s %9s %8s %8s %8s %9s %9s %6s%n", "run", "MB/s", "time s",
                "rtt p50", "rtt p99", "rtt max", "retrans", "fec rec", "ok");
        boolean allOk = true;
        for (Row r : rows) {
            out.printf(Locale.ROOT, "%-16s %9.2f %9.2f %8.1f %8.1f %8.1f %9d %9d %6s%n",
                    r.name, r.mbps, r.seconds, r.p50, r.p99, r.max, r.retrans, r.fecRecovered,
                    r.ok ? "yes" : "NO");
            allOk &= r.ok;
        }
        out.printf("(rtt in ms; retrans = client segments sent again; fec rec = packets the server"
                + " rebuilt from parity; kernel %s)%n", base.kernelInUse());
        return allOk ? 0 : 1;
    }

    private Row scenario(String name, KcpConfig cfg) throws Exception {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (KcpListener listener = Kcp.listen(loopback, cfg);
             ImpairmentRelay relay = ImpairmentRelay.builder((InetSocketAddress) listener.localAddress())
                     .clientToServer(up).serverToClient(down).start();
             KcpSession client = Kcp.dial(relay.localAddress(), cfg)) {
            Duration limit = Duration.ofSeconds(120);
            client.setReadTimeout(limit);
            client.setWriteTimeout(limit);
            AtomicLong received = new AtomicLong();
            Server server = new Server(listener, bytes, received);
            server.start();

            byte[] chunk = new byte[64 * 1024];
            Random rnd = new Random(42);
            CRC32 sent = new CRC32();
            long start = System.nanoTime();
            long lastPrint = 0;
            for (long done = 0; done < bytes; ) {
                int n = (int) Math.min(chunk.length, bytes - done);
                rnd.nextBytes(chunk);
                sent.update(chunk, 0, n);
                client.write(chunk, 0, n);
                done += n;
                long now = System.nanoTime();
                if (!quiet && now - lastPrint > 200_000_000L) {
                    progress(name, received.get(), now - start, client);
                    lastPrint = now;
                }
            }
            ByteBuffer reply = ByteBuffer.allocate(12);
            while (reply.hasRemaining()) client.read(reply);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (!quiet) {
                progress(name, bytes, System.nanoTime() - start, client);
                out.println();
            }
            reply.flip();
            boolean ok = reply.getLong() == bytes && (reply.getInt() & 0xFFFFFFFFL) == sent.getValue();

            double[] rtt = ping(client);
            Snmp c = client.counters();
            Snmp s = server.counters();
            RelayStats relayStats = relay.stats();
            if (!quiet) out.println("  relay: " + relayStats);
            Row row = new Row();
            row.name = name;
            row.seconds = seconds;
            row.mbps = bytes / seconds / 1e6;
            row.p50 = percentile(rtt, 0.50);
            row.p99 = percentile(rtt, 0.99);
            row.max = rtt[rtt.length - 1];
            row.retrans = c.get(SnmpCounter.RETRANS_SEGS);
            row.fecRecovered = s.get(SnmpCounter.FEC_RECOVERED);
            row.ok = ok && server.failure == null;
            return row;
        }
    }

    /** Small messages, one at a time: each round trip crosses the impaired link twice. */
    private double[] ping(KcpSession client) throws IOException {
        double[] rtt = new double[pings];
        ByteBuffer msg = ByteBuffer.allocate(16);
        for (int i = 0; i < pings; i++) {
            long t0 = System.nanoTime();
            msg.clear();
            msg.putLong(i).putLong(t0).flip();
            client.write(msg);
            msg.clear();
            while (msg.hasRemaining()) client.read(msg);
            rtt[i] = (System.nanoTime() - t0) / 1e6;
            msg.flip();
            if (msg.getLong() != i) throw new IOException("ping " + i + " came back out of order");
        }
        Arrays.sort(rtt);
        return rtt;
    }

    private void progress(String name, long received, long nanos, KcpSession client) {
        double s = nanos / 1e9;
        out.printf(Locale.ROOT, "\r  %-16s %6.1f%%  %8.2f MB/s  rtt %4d ms  retrans %7d   ",
                name, 100.0 * received / bytes, received / s / 1e6, client.srtt(),
                client.counters().get(SnmpCounter.RETRANS_SEGS));
    }

    private static double percentile(double[] sorted, double p) {
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static String describe(Impairment i) {
        return String.format(Locale.ROOT, "%.0f%% loss, %.0f±%.0f ms delay, %.0f%% duplication,"
                        + " %.0f%% reordering", i.lossProbability() * 100, i.delayMillis(),
                i.jitterMillis(), i.duplicateProbability() * 100, i.reorderProbability() * 100);
    }

    private static String human(long n) {
        if (n >= 1 << 20 && n % (1 << 20) == 0) return (n >> 20) + " MiB";
        return n + " bytes";
    }

    /** The server side: counts and checksums the upload, replies, then echoes pings. */
    private static final class Server extends Thread {
        private final KcpListener listener;
        private final long expect;
        private final AtomicLong received;
        private volatile KcpSession session;
        volatile Exception failure;

        Server(KcpListener listener, long expect, AtomicLong received) {
            super("kcp-demo-server");
            setDaemon(true);
            this.listener = listener;
            this.expect = expect;
            this.received = received;
        }

        @Override
        public void run() {
            try {
                KcpSession s = listener.accept(Duration.ofSeconds(30));
                session = s;
                ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
                CRC32 crc = new CRC32();
                long total = 0;
                while (total < expect) {
                    buf.clear();
                    buf.limit((int) Math.min(buf.capacity(), expect - total));
                    int n = s.read(buf);
                    crc.update(buf.array(), 0, n);
                    total += n;
                    received.set(total);
                }
                ByteBuffer reply = ByteBuffer.allocate(12).putLong(total).putInt((int) crc.getValue());
                s.write(reply.flip());
                while (true) { // echo the pings until the client goes away
                    buf.clear();
                    s.read(buf);
                    s.write(buf.flip());
                }
            } catch (IOException e) {
                if (listener.isOpen()) failure = e;
            }
        }

        Snmp counters() {
            KcpSession s = session;
            return s == null ? Snmp.zero() : s.counters();
        }
    }

    private static final class Row {
        String name;
        double mbps;
        double seconds;
        double p50;
        double p99;
        double max;
        long retrans;
        long fecRecovered;
        boolean ok;
    }
}
