package io.kcp.cli;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Side by side, in one run on this machine: a kcptun tunnel (Debian's kcptun-client and
 * kcptun-server) and a kcp-java tunnel (bin/kcp tunnel-client and tunnel-server), each end its
 * own process, both with kcptun's defaults (aes, FEC 10/3, mode fast, windows 128/512 and
 * 1024/1024), in front of the same TCP echo server. Prints a table of
 * <ul>
 *   <li>throughput: MB/s of payload echoed (each way) over 8 concurrent TCP connections and
 *       over 1, with compression on and off (the payload is half text, half noise);</li>
 *   <li>CPU seconds each end's process spent per GB of payload echoed;</li>
 *   <li>1,000 concurrent streams over one tunnel: each end's resident memory idle and with
 *       all streams open, and the round-trip time of 64-byte echoes on all of them at once.</li>
 * </ul>
 * Run it with {@code bench/tunnel-bench.sh [--bytes N] [--reps N] [--streams N] [--kernel K]
 * [--java PATH] [--java-opts OPTS] [--parts throughput,scale]} after a build.
 */
public final class TunnelBench {

    private final Path root;
    private final String java;
    private final String kernel;
    private final long bytes8;
    private final long bytes1;
    private final int reps;
    private final int streams;
    private final List<String> common;
    private final String parts;
    private final String javaOpts;

    private TunnelBench(String[] args) {
        Args a = new Args(args);
        root = Path.of(a.get("--root", ".")).toAbsolutePath();
        java = a.get("--java", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        kernel = a.get("--kernel", "native");
        bytes8 = Flags.parseSize(a.get("--bytes", "256m"));
        bytes1 = bytes8 / 2;
        reps = Integer.parseInt(a.get("--reps", "3"));
        streams = Integer.parseInt(a.get("--streams", "1000"));
        common = List.of("--key", "bench", "--quiet");
        parts = a.get("--parts", "throughput,scale");
        javaOpts = a.get("--java-opts", "");
    }

    public static void main(String[] args) throws Exception {
        new TunnelBench(args).run();
    }

    /** One end of a tunnel, as a process. */
    static final class End implements AutoCloseable {
        final Process process;
        final String address;
        final File log;

        End(Process process, String address, File log) {
            this.process = process;
            this.address = address;
            this.log = log;
        }

        double cpuSeconds() {
            return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO).toNanos() / 1e9;
        }

        /** Resident set size, MiB (Linux). */
        double rssMiB() {
            try {
                for (String l : Files.readAllLines(Path.of("/proc", "" + process.pid(), "status"))) {
                    if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("\\D", "")) / 1024.0;
                }
            } catch (IOException e) {
                return Double.NaN;
            }
            return Double.NaN;
        }

        InetSocketAddress socketAddress() {
            int c = address.lastIndexOf(':');
            return new InetSocketAddress(address.substring(0, c), Integer.parseInt(address.substring(c + 1)));
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
            log.delete();
        }
    }

    /** A tunnel: its client end (where TCP enters) and its server end. */
    record Tunnel(String name, End client, End server) implements AutoCloseable {
        @Override
        public void close() throws InterruptedException {
            client.close();
            server.close();
        }
    }

    Tunnel kcptun(String target, boolean comp) throws Exception {
        List<String> f = new ArrayList<>(common);
        if (!comp) f.add("--nocomp");
        KcptunProcess s = KcptunProcess.server(target, f);
        KcptunProcess c = KcptunProcess.client(s.address, f);
        return new Tunnel("kcptun", new End(c.process, c.address, c.log), new End(s.process, s.address, s.log));
    }

    Tunnel kcpJava(String target, boolean comp) throws Exception {
        List<String> f = new ArrayList<>(common);
        f.addAll(List.of("--status", "0", "--kernel", kernel));
        if (!comp) f.add("--nocomp");
        List<String> sf = new ArrayList<>(List.of("tunnel-server", "-l", "127.0.0.1:0", "-t", target));
        sf.addAll(f);
        End s = kcpProcess(sf);
        List<String> cf = new ArrayList<>(List.of("tunnel-client", "-l", "127.0.0.1:0", "-r", s.address));
        cf.addAll(f);
        End c = kcpProcess(cf);
        return new Tunnel("kcp-java", c, s);
    }

    private End kcpProcess(List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(root.resolve("bin/kcp").toString()));
        cmd.addAll(args);
        File log = File.createTempFile("kcp-tunnel", ".log");
        log.deleteOnExit();
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log);
        pb.environment().put("JAVA_HOME", Path.of(java).getParent().getParent().toString());
        if (!javaOpts.isEmpty()) pb.environment().put("KCP_JAVA_OPTS", javaOpts);
        Process p = pb.start();
        p.getOutputStream().close();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("LISTENING addr=")) {
            p.destroyForcibly();
            throw new IllegalStateException("bin/kcp did not start: " + line + "\n" + Files.readString(log.toPath()));
        }
        return new End(p, line.substring("LISTENING addr=".length()), log);
    }

    /** Throughput and CPU of one configuration: the median of {@code reps} runs. */
    record Run(double mbps, double clientCpuPerGb, double serverCpuPerGb) {
    }

    Run measure(Tunnel t, int connections, long bytes) throws Exception {
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < reps; i++) {
            double c0 = t.client().cpuSeconds();
            double s0 = t.server().cpuSeconds();
            EchoLoad.Result r = EchoLoad.run(t.client().socketAddress(), connections, bytes, 17 + i, 600);
            if (!r.ok()) throw new IllegalStateException(t.name() + ": " + r);
            double gb = r.bytes() / 1e9;
            runs.add(new Run(r.mbPerSecond(), (t.client().cpuSeconds() - c0) / gb, (t.server().cpuSeconds() - s0) / gb));
        }
        runs.sort((a, b) -> Double.compare(a.mbps(), b.mbps()));
        return runs.get(runs.size() / 2);
    }

    /** Memory and latency with {@code streams} concurrent streams. */
    record Scale(double clientIdle, double serverIdle, double clientBusy, double serverBusy,
                 double openSeconds, double p50, double p99, double max, long rtts) {
    }

    Scale scale(Tunnel t) throws Exception {
        Thread.sleep(500);
        double ci = t.client().rssMiB();
        double si = t.server().rssMiB();
        int rounds = 20;
        long[][] rtt = new long[streams][rounds];
        CountDownLatch connected = new CountDownLatch(streams);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(streams);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long start = System.nanoTime();
        for (int i = 0; i < streams; i++) {
            int k = i;
            Thread th = new Thread(null, () -> {
                try (SocketChannel c = SocketChannel.open(t.client().socketAddress())) {
                    c.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    ByteBuffer msg = ByteBuffer.allocate(64);
                    echo(c, msg); // the stream exists end to end
                    connected.countDown();
                    go.await();
                    for (int r = 0; r < rounds; r++) {
                        long t0 = System.nanoTime();
                        echo(c, msg);
                        rtt[k][r] = System.nanoTime() - t0;
                    }
                    done.countDown();
                    release.await();
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    connected.countDown();
                    done.countDown();
                }
            }, "scale-" + i, 128 * 1024);
            th.setDaemon(true);
            th.start();
        }
        if (!connected.await(120, TimeUnit.SECONDS)) throw new IllegalStateException("streams did not open");
        double open = (System.nanoTime() - start) / 1e9;
        go.countDown();
        if (!done.await(300, TimeUnit.SECONDS)) throw new IllegalStateException("echoes did not finish");
        double cb = t.client().rssMiB();
        double sb = t.server().rssMiB();
        release.countDown();
        if (failure.get() != null) throw new IllegalStateException(t.name() + ": " + failure.get(), failure.get());
        long[] all = Arrays.stream(rtt).flatMapToLong(Arrays::stream).sorted().toArray();
        return new Scale(ci, si, cb, sb, open, all[all.length / 2] / 1e6, all[(int) (all.length * 0.99)] / 1e6,
                all[all.length - 1] / 1e6, all.length);
    }

    private static void echo(SocketChannel c, ByteBuffer msg) throws IOException {
        msg.clear();
        while (msg.hasRemaining()) c.write(msg);
        msg.clear();
        while (msg.hasRemaining()) {
            if (c.read(msg) < 0) throw new IOException("closed");
        }
    }

    private void run() throws Exception {
        System.out.printf("tunnel bench: %d MiB over 8 connections, %d MiB over 1, median of %d runs;"
                        + " %d streams for scale; kcp-java on %s, kernel %s%n",
                bytes8 >> 20, bytes1 >> 20, reps, streams, java, kernel);
        List<String> rows = new ArrayList<>();
        List<String> scaleRows = new ArrayList<>();
        try (EchoServer echo = new EchoServer()) {
            for (boolean comp : new boolean[] {true, false}) {
                if (!parts.contains("throughput")) break;
                for (String impl : new String[] {"kcptun", "kcp-java"}) {
                    try (Tunnel t = impl.equals("kcptun") ? kcptun(echo.hostPort(), comp) : kcpJava(echo.hostPort(), comp)) {
                        EchoLoad.run(t.client().socketAddress(), 8, 64L << 20, 1, 600); // warm-up
                        Run r8 = measure(t, 8, bytes8);
                        Run r1 = measure(t, 1, bytes1);
                        rows.add(String.format(Locale.ROOT, "| %-8s | %-4s | %8.1f | %8.1f | %10.2f | %10.2f | %10.2f | %10.2f |",
                                impl, comp ? "on" : "off", r8.mbps(), r1.mbps(), r8.clientCpuPerGb(), r8.serverCpuPerGb(),
                                r1.clientCpuPerGb(), r1.serverCpuPerGb()));
                        System.out.println("  done: " + rows.get(rows.size() - 1));
                    }
                }
            }
            // fresh processes, so that the throughput runs do not decide the memory they hold
            for (String impl : new String[] {"kcptun", "kcp-java"}) {
                if (!parts.contains("scale") || streams <= 0) break;
                try (Tunnel t = impl.equals("kcptun") ? kcptun(echo.hostPort(), true) : kcpJava(echo.hostPort(), true)) {
                    EchoLoad.run(t.client().socketAddress(), 8, 16L << 20, 1, 600); // warm-up
                    Scale s = scale(t);
                    scaleRows.add(String.format(Locale.ROOT,
                            "| %-8s | %7.0f / %7.0f | %7.0f / %7.0f | %6.1f | %7.2f | %7.2f | %7.1f |",
                            impl, s.clientIdle(), s.serverIdle(), s.clientBusy(), s.serverBusy(),
                            s.openSeconds(), s.p50(), s.p99(), s.max()));
                    System.out.println("  done: " + scaleRows.get(scaleRows.size() - 1));
                }
            }
        }
        if (!rows.isEmpty()) {
        System.out.println();
        System.out.println("Throughput (MB/s of payload echoed, each way) and CPU seconds per GB echoed, per process:");
        System.out.println("| tunnel   | comp | 8 conns  | 1 conn   | CPU client | CPU server | CPU client | CPU server |");
        System.out.println("|          |      | MB/s     | MB/s     | s/GB (8)   | s/GB (8)   | s/GB (1)   | s/GB (1)   |");
        System.out.println("|----------|------|----------|----------|------------|------------|------------|------------|");
        rows.forEach(System.out::println);
        }
        if (!scaleRows.isEmpty()) {
            System.out.println();
            System.out.printf("%d concurrent streams over one tunnel (compression on): resident memory (MiB) client / server,"
                    + " time to open them all, round trip of 64-byte echoes on all at once (ms)%n", streams);
            System.out.println("| tunnel   | RSS idle          | RSS with streams  | open s | p50 ms  | p99 ms  | max ms  |");
            System.out.println("|----------|-------------------|-------------------|--------|---------|---------|---------|");
            scaleRows.forEach(System.out::println);
        }
    }

    /** --name value pairs. */
    static final class Args {
        private final List<String> a;

        Args(String[] args) {
            a = List.of(args);
        }

        String get(String name, String dflt) {
            int i = a.indexOf(name);
            return i >= 0 && i + 1 < a.size() ? a.get(i + 1) : dflt;
        }
    }
}
