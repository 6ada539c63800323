package io.kcp.bench;

import io.kcp.fec.FecDecoder;
import io.kcp.fec.FecInput;
import io.kcp.fec.KcpSink;
import io.kcp.fec.ReedSolomonFactory;
import io.kcp.kernel.NativeLibrary;
import io.kcp.kernel.NativeReedSolomon;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What each {@link FecAttacks} attack costs one FEC receiver ({@link FecInput}, as a session
 * holds it), on the Java and the C Reed-Solomon codec: CPU per datagram (mean, 99.9th
 * percentile, worst), codecs created, shape changes, the bytes the peer sent, and the heap and
 * direct memory the receiver still holds afterwards. The peer sends {@value #PER_MS} datagrams
 * per millisecond of the receiver's clock.
 *
 * <pre>java -Xmx2g -cp bench/target/benchmarks.jar io.kcp.bench.FecAttackTable [seconds per run]</pre>
 *
 * <p>Each attack first warms up on a receiver of its own, then runs {@value #RUNS} times on
 * fresh ones, each for at most the given seconds (default 1.5) or {@value #MAX_DATAGRAMS}
 * datagrams. The mean is wall-clock time over a whole run; the percentile and the worst are
 * thread CPU time per datagram, from a second pass over the same datagrams, so that a thread
 * preempted by another process (a 4 ms tick on a busy machine) does not pass for a costly
 * datagram. The table shows the median run's mean and percentile and the smallest worst.
 * Native memory the C codecs allocate themselves is not in the retained figure.
 */
public final class FecAttackTable {

    static final int MAX_DATAGRAMS = 100_000;
    static final int PER_MS = 10;
    static final int RUNS = 3;

    private FecAttackTable() {
    }

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 1.5;
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"attack", "RS", "datagrams", "µs/dg mean", "CPU µs p99.9", "CPU µs worst",
            "codecs", "shape changes", "KiB sent", "retained KiB"});
        boolean nativeOk = NativeLibrary.isAvailable();
        for (FecAttacks.Attack a : FecAttacks.all(MAX_DATAGRAMS)) {
            rows.add(run(a, "java", ReedSolomonFactory.JAVA, seconds));
            if (nativeOk) {
                rows.add(run(a, NativeReedSolomon.path(), NativeReedSolomon.FACTORY, seconds));
            }
        }
        System.out.println(System.getProperty("java.vm.name") + " "
                + System.getProperty("java.runtime.version") + "; " + PER_MS
                + " datagrams per ms of the receiver's clock; " + RUNS + " runs of at most "
                + seconds + " s" + (nativeOk ? ""
                : "; native kernel unavailable: " + NativeLibrary.unavailabilityCause()));
        BenchTable.print(rows);
        System.out.println();
        BenchTable.print(creation(nativeOk));
    }

    /** What creating (and closing) one codec costs: the price of a shape change before caching. */
    static List<String[]> creation(boolean nativeOk) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"codec create + close", "RS", "µs"});
        for (int[] shape : new int[][] {{10, 3}, {128, 125}, {200, 56}}) {
            String name = shape[0] + "+" + shape[1];
            rows.add(new String[] {name, "java", us(createNanos(ReedSolomonFactory.JAVA, shape))});
            if (nativeOk) {
                rows.add(new String[] {name, NativeReedSolomon.path(),
                    us(createNanos(NativeReedSolomon.FACTORY, shape))});
            }
        }
        return rows;
    }

    /** Best of five timed batches, after a warm-up batch. */
    private static double createNanos(ReedSolomonFactory f, int[] shape) {
        double best = Double.MAX_VALUE;
        for (int batch = 0; batch < 6; batch++) {
            int n = 20;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                f.create(shape[0], shape[1]).close();
            }
            double each = (System.nanoTime() - t0) / (double) n;
            if (batch > 0) {
                best = Math.min(best, each);
            }
        }
        return best;
    }

    /** One attack on one codec; returns its table row. */
    static String[] run(FecAttacks.Attack a, String impl, ReedSolomonFactory codecs, double seconds) {
        boolean direct = codecs != ReedSolomonFactory.JAVA;
        ByteBuffer buf = direct ? ByteBuffer.allocateDirect(FecAttacks.LARGE)
                : ByteBuffer.allocate(FecAttacks.LARGE);
        KcpSink sink = (kcp, regular) -> 0;
        try (FecInput warm = new FecInput(a.dataShards(), a.parityShards(), codecs)) {
            feed(warm, a.datagrams(), buf, sink, seconds, null);
        }
        Run[] runs = new Run[RUNS];
        for (int r = 0; r < RUNS; r++) {
            runs[r] = measure(a, codecs, buf, sink, seconds);
        }
        Run worstFirst = runs[0];
        for (Run r : runs) {
            if (r.worst < worstFirst.worst) {
                worstFirst = r;
            }
        }
        Run[] byMean = runs.clone();
        Arrays.sort(byMean, (x, y) -> Double.compare(x.mean, y.mean));
        Run median = byMean[RUNS / 2];
        Run last = runs[RUNS - 1];
        return new String[] {a.name(), impl, Integer.toString(median.datagrams), us(median.mean),
            us(median.p999), us(worstFirst.worst), Long.toString(last.codecs),
            Integer.toString(last.shapeChanges), String.format(Locale.ROOT, "%.1f", last.sent / 1024.0),
            String.format(Locale.ROOT, "%.1f", last.retained / 1024.0)};
    }

    /** One measured run. */
    record Run(int datagrams, double mean, double p999, double worst, long codecs,
               int shapeChanges, long sent, long retained) {
    }

    /**
     * Two passes over the same datagrams, each on a fresh receiver: one timed as a whole on the
     * wall clock (the mean, and the counts and memory), one timed per datagram in thread CPU
     * time (percentile and worst: time the thread was preempted or stopped for a collection is
     * not the datagram's).
     */
    static Run measure(FecAttacks.Attack a, ReedSolomonFactory codecs, ByteBuffer buf,
                       KcpSink sink, double seconds) {
        int[] created = new int[1];
        ReedSolomonFactory counting = (ds, ps) -> {
            created[0]++;
            return codecs.create(ds, ps);
        };
        int[] changes = new int[1];
        long baseline = retained();
        FecInput in = new FecInput(a.dataShards(), a.parityShards(), counting);
        long t0 = System.nanoTime();
        int n = feed(in, a.datagrams(), buf, sink, seconds, changes);
        double mean = (System.nanoTime() - t0) / (double) n;
        long held = retained() - baseline;
        in.close();

        long[] cpu = new long[n];
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        try (FecInput timed = new FecInput(a.dataShards(), a.parityShards(), codecs)) {
            for (int i = 0; i < n; i++) {
                byte[] d = a.datagrams().get(i);
                buf.clear().put(0, d);
                long c0 = mx.getCurrentThreadCpuTime();
                timed.input(buf, 0, d.length, clock(i), sink);
                cpu[i] = mx.getCurrentThreadCpuTime() - c0;
            }
        }
        Arrays.sort(cpu);

        long sent = 0;
        for (int i = 0; i < n; i++) {
            sent += a.datagrams().get(i).length;
        }
        return new Run(n, mean, cpu[Math.min(n - 1, (int) (n * 0.999))], cpu[n - 1], created[0],
                changes[0], sent, held);
    }

    /** The receiver's clock at datagram i. */
    static int clock(int i) {
        return 1_000_000 + i / PER_MS;
    }

    /**
     * Feeds datagrams until they run out or {@code seconds} pass; returns how many went in.
     * Counts shape changes into {@code shapeChanges} when it is not null.
     */
    static int feed(FecInput in, List<byte[]> datagrams, ByteBuffer buf, KcpSink sink,
                    double seconds, int[] shapeChanges) {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        int shape = -1;
        int i = 0;
        while (i < datagrams.size()) {
            byte[] d = datagrams.get(i);
            buf.clear().put(0, d);
            in.input(buf, 0, d.length, clock(i), sink);
            i++;
            if (shapeChanges != null) {
                FecDecoder dec = in.decoder();
                int s = dec == null ? -1 : dec.dataShards() << 16 | dec.parityShards();
                if (shape != -1 && s != shape) {
                    shapeChanges[0]++;
                }
                shape = s;
            }
            if ((i & 63) == 0 && System.nanoTime() > deadline) {
                break;
            }
        }
        return i;
    }

    /** Heap in use after full collections, plus direct buffers. */
    static long retained() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long direct = 0;
        for (BufferPoolMXBean p : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (p.getName().equals("direct")) {
                direct += p.getMemoryUsed();
            }
        }
        return heap + direct;
    }

    private static String us(double nanos) {
        return String.format(Locale.ROOT, nanos < 10_000 ? "%.2f" : "%.0f", nanos / 1000);
    }
}
