package io.kcp.bench;

import io.kcp.Kcp;
import io.kcp.KcpConfig;
import io.kcp.KcpListener;
import io.kcp.KcpMode;
import io.kcp.KcpSession;
import io.kcp.KernelChoice;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tail of the 64-byte ping round trip on loopback, per kernel, each in a JVM of its own
 * (started here): a dialed session and the session a listener accepted for it, in that JVM, an
 * echo thread on the accepted one and a pinging thread on the dialed one, one ping in flight.
 *
 * <p>Prints, per kernel: p50/p99/p99.9/max of the first {@code cold} round trips of the fresh
 * JVM, and of {@code pings} round trips after {@code warm} more; for the measured round trips,
 * the bytes each thread allocated per round trip (the two application threads, the receive
 * threads, the scheduler) and the collections that ran.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *     io.kcp.bench.PingTail [pings, default 20000] [warm, default 20000] [cold, default 2000]
 *     [kernels, default native,java] [warm-up round trips, default 0]</pre>
 *
 * <p>Sessions: kcp-go's fast3 (nodelay 1, interval 10, resend 2, nc 1), no crypto, no FEC,
 * windows 1024. With a warm-up, each JVM first runs {@link Kcp#warmUp} with that many round
 * trips (its own sessions, closed before the cold ones start). JVM options given to this JVM (e.g. {@code -Xlog:gc}) go to the children too.
 */
public final class PingTail {

    static final int SIZE = 64;

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child(args);
            return;
        }
        int pings = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int warm = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int cold = args.length > 2 ? Integer.parseInt(args[2]) : 2_000;
        String kernels = args.length > 3 ? args[3] : "native,java";
        int warmUp = args.length > 4 ? Integer.parseInt(args[4]) : 0;
        System.out.printf(Locale.ROOT, "64-byte ping on loopback, %d cores, fast3, no crypto, no FEC;"
                + " cold: first %d round trips of a fresh JVM; warm: %d after %d more%n",
                Runtime.getRuntime().availableProcessors(), cold, pings, warm);
        System.out.printf(Locale.ROOT, "%-7s %-5s %8s %8s %8s %8s   %s%n",
                "kernel", "phase", "p50 us", "p99 us", "p99.9 us", "max us", "");
        if (warmUp > 0) System.out.printf(Locale.ROOT, "(each JVM first ran Kcp.warmUp with %d round trips)%n", warmUp);
        List<String> allocLines = new ArrayList<>();
        for (String kernel : kernels.split(",")) {
            Map<String, String> r = runChild(kernel, pings, warm, cold, warmUp);
            if (r == null) {
                System.out.printf(Locale.ROOT, "%-7s failed%n", kernel);
                continue;
            }
            for (String phase : new String[] {"cold", "warm"}) {
                System.out.printf(Locale.ROOT, "%-7s %-5s %8s %8s %8s %8s   %s%n", kernel, phase,
                        r.get(phase + ".p50"), r.get(phase + ".p99"), r.get(phase + ".p999"),
                        r.get(phase + ".max"), phase.equals("warm") ? "gc during warm: "
                                + r.get("gc.count") + " collections, " + r.get("gc.ms") + " ms"
                                : warmUp > 0 ? "after a warm-up of " + r.get("warmup.ms") + " ms" : "");
            }
            StringBuilder a = new StringBuilder(String.format(Locale.ROOT, "%-7s", kernel));
            for (Map.Entry<String, String> e : r.entrySet()) {
                if (e.getKey().startsWith("alloc.")) {
                    a.append(' ').append(e.getKey().substring(6)).append('=').append(e.getValue());
                }
            }
            allocLines.add(a.toString());
        }
        System.out.println("bytes allocated per warm round trip, per thread (client: the pinging"
                + " thread, server: the echo thread):");
        for (String l : allocLines) System.out.println(l);
    }

    /** Runs one kernel in a fresh JVM with this JVM's options; its RESULT key=value pairs. */
    private static Map<String, String> runChild(String kernel, int pings, int warm, int cold,
                                                int warmUp) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("-Dkcp.native=" + (kernel.equals("java") ? "disable" : "require"));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(PingTail.class.getName());
        cmd.add("--child");
        cmd.add(kernel);
        cmd.add(Integer.toString(pings));
        cmd.add(Integer.toString(warm));
        cmd.add(Integer.toString(cold));
        cmd.add(Integer.toString(warmUp));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Map<String, String> result = null;
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("RESULT ")) {
                    result = new TreeMap<>();
                    for (String kv : line.substring(7).split(" ")) {
                        int eq = kv.indexOf('=');
                        result.put(kv.substring(0, eq), kv.substring(eq + 1));
                    }
                } else {
                    System.out.println("  [" + kernel + "] " + line); // e.g. -Xlog:gc output
                }
            }
        }
        return p.waitFor() == 0 ? result : null;
    }

    private static void child(String[] args) throws Exception {
        KernelChoice kernel = args[1].equals("java") ? KernelChoice.JAVA : KernelChoice.NATIVE;
        int pings = Integer.parseInt(args[2]);
        int warm = Integer.parseInt(args[3]);
        int cold = Integer.parseInt(args[4]);
        int warmUp = Integer.parseInt(args[5]);
        KcpConfig cfg = KcpConfig.builder().kernel(kernel).mode(KcpMode.FAST3).crypt("null", "")
                .fec(0, 0).windows(1024, 1024).build();
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        StringBuilder out = new StringBuilder("RESULT");
        long w0 = System.nanoTime();
        Kcp.warmUp(cfg, warmUp);
        out.append(String.format(Locale.ROOT, " warmup.ms=%.0f", (System.nanoTime() - w0) / 1e6));
        try (KcpListener l = Kcp.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), cfg);
             KcpSession c = Kcp.dial(l.localAddress(), cfg)) {
            ByteBuffer ping = ByteBuffer.allocate(SIZE);
            c.write(ping);
            KcpSession s = l.accept(Duration.ofSeconds(5));
            if (s == null) throw new IllegalStateException("not accepted");
            Thread echo = new Thread(() -> echo(s), "echo");
            echo.setDaemon(true);
            echo.start();
            ByteBuffer back = ByteBuffer.allocate(SIZE);
            readFully(c, back); // the first ping's echo

            long[] rtt = new long[Math.max(cold, pings)];
            pingMany(c, ping, back, rtt, cold);
            append(out, "cold", rtt, cold);
            pingMany(c, ping, back, rtt, warm);

            long gcCount0 = gcCount();
            long gcMs0 = gcMillis();
            List<Thread> threads = measuredThreads(echo);
            long[] before = new long[threads.size()];
            for (int i = 0; i < before.length; i++) before[i] = mx.getThreadAllocatedBytes(threads.get(i).getId());
            pingMany(c, ping, back, rtt, pings);
            long[] after = new long[threads.size()];
            for (int i = 0; i < after.length; i++) after[i] = mx.getThreadAllocatedBytes(threads.get(i).getId());
            out.append(" gc.count=").append(gcCount() - gcCount0);
            out.append(" gc.ms=").append(gcMillis() - gcMs0);
            append(out, "warm", rtt, pings);
            for (int i = 0; i < before.length; i++) {
                String name = threads.get(i) == Thread.currentThread() ? "client"
                        : threads.get(i) == echo ? "server" : threads.get(i).getName();
                out.append(String.format(Locale.ROOT, " alloc.%s=%.1f", name,
                        (after[i] - before[i]) / (double) pings));
            }
            c.close();
            s.close();
        }
        System.out.println(out);
    }

    /** {@code n} round trips, one at a time; their times in {@code rtt[0..n)}. */
    private static void pingMany(KcpSession c, ByteBuffer ping, ByteBuffer back, long[] rtt, int n)
            throws IOException {
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            ping.clear();
            ping.putLong(0, i).putLong(8, t0);
            c.write(ping);
            readFully(c, back);
            long t1 = System.nanoTime();
            if (back.getLong(0) != i) throw new IllegalStateException("echo " + back.getLong(0) + " for ping " + i);
            if (i < rtt.length) rtt[i] = t1 - t0;
        }
    }

    private static void echo(KcpSession s) {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        try {
            while (true) {
                readFully(s, b);
                b.flip();
                s.write(b);
            }
        } catch (IOException e) {
            // closed at the end
        }
    }

    private static void readFully(KcpSession s, ByteBuffer b) throws IOException {
        b.clear();
        while (b.hasRemaining()) s.read(b);
    }

    private static void append(StringBuilder out, String phase, long[] rtt, int n) {
        long[] sorted = Arrays.copyOf(rtt, n);
        Arrays.sort(sorted);
        out.append(String.format(Locale.ROOT, " %s.p50=%.0f %s.p99=%.0f %s.p999=%.0f %s.max=%.0f",
                phase, us(sorted, 0.50), phase, us(sorted, 0.99), phase, us(sorted, 0.999),
                phase, sorted[n - 1] / 1e3));
    }

    private static double us(long[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e3;
    }

    /** This thread, the echo thread and the library's own threads. */
    private static List<Thread> measuredThreads(Thread echo) {
        List<Thread> out = new ArrayList<>();
        out.add(Thread.currentThread());
        out.add(echo);
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String n = t.getName();
            if (n.startsWith("kcp-rx-") || n.startsWith("kcp-listener-") || n.equals("kcp-flush")) out.add(t);
        }
        return out;
    }

    private static long gcCount() {
        long n = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) n += Math.max(0, b.getCollectionCount());
        return n;
    }

    private static long gcMillis() {
        long n = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) n += Math.max(0, b.getCollectionTime());
        return n;
    }

    private PingTail() {
    }
}
