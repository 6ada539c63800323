package io.kcp.bench;

import io.kcp.Kcp;
import io.kcp.KcpConfig;
import io.kcp.KcpListener;
import io.kcp.KcpSession;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What sessions that have nothing to do cost: N client sessions dial one listener in this JVM,
 * each side says one byte, and then all 2N sessions (N accepted, N dialed) sit idle. Prints the
 * CPU the process and each of kcp-java's threads use while they idle, as a share of one core,
 * and the heap and resident memory per session.
 *
 * <pre>java -Xmx2g --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *     io.kcp.bench.IdleSessions [sessions, default 10000] [seconds idle, default 10]</pre>
 *
 * <p>Accepted sessions keep the default idle timeout (30 s), longer than the measurement.
 */
public final class IdleSessions {

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        KcpConfig cfg = KcpConfig.builder().crypt("null", "").noDelay(1, 10, 2, 1)
                .backlog(n).maxSessions(n + 16).idleTimeout(Duration.ofSeconds(30)).build();
        long heap0 = usedHeapAfterGc();
        long rss0 = rssBytes();
        List<KcpSession> sessions = new ArrayList<>(2 * n);
        long setup = System.nanoTime();
        try (KcpListener listener = Kcp.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), cfg)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            for (int i = 0; i < n; i++) {
                KcpSession c = Kcp.dial(listener.localAddress(), cfg);
                sessions.add(c);
                c.write(ByteBuffer.wrap(new byte[] {1}));
                KcpSession s = listener.accept(Duration.ofSeconds(10));
                if (s == null) throw new IllegalStateException("session " + i + " was not accepted");
                sessions.add(s);
                s.setReadTimeout(Duration.ofSeconds(10));
                one.clear();
                s.read(one);
                s.write(ByteBuffer.wrap(new byte[] {2}));
                c.setReadTimeout(Duration.ofSeconds(10));
                one.clear();
                c.read(one);
            }
            double setupSeconds = (System.nanoTime() - setup) / 1e9;
            Thread.sleep(2000); // the last ACKs settle
            long heap1 = usedHeapAfterGc();
            long rss1 = rssBytes();

            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            long[] ids = threads.getAllThreadIds();
            long[] threadCpu0 = new long[ids.length];
            for (int i = 0; i < ids.length; i++) threadCpu0[i] = threads.getThreadCpuTime(ids[i]);
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            double wall = (System.nanoTime() - t0) / 1e9;
            double processShare = (os.getProcessCpuTime() - cpu0) / 1e9 / wall;

            System.out.printf(Locale.ROOT, "idle sessions: %d accepted + %d dialed, set up in %.1f s, idle %.0f s, kernel %s%n",
                    n, n, setupSeconds, wall, Kcp.kernel());
            System.out.printf(Locale.ROOT, "%-26s %10s%n", "", "% of a core");
            System.out.printf(Locale.ROOT, "%-26s %10.2f%n", "process", 100 * processShare);
            for (int i = 0; i < ids.length; i++) {
                ThreadInfo info = threads.getThreadInfo(ids[i]);
                if (info == null || !info.getThreadName().startsWith("kcp-")) continue;
                long used = threads.getThreadCpuTime(ids[i]) - threadCpu0[i];
                System.out.printf(Locale.ROOT, "%-26s %10.2f%n", "thread " + info.getThreadName(), 100 * used / 1e9 / wall);
            }
            System.out.printf(Locale.ROOT, "heap per session:     %6.1f KiB (after GC)%n", (heap1 - heap0) / 1024.0 / (2 * n));
            System.out.printf(Locale.ROOT, "resident per session: %6.1f KiB%n", (rss1 - rss0) / 1024.0 / (2 * n));
            for (KcpSession s : sessions) s.close();
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    /** VmRSS of this process (Linux), or 0 elsewhere. */
    private static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (Exception e) {
            return 0;
        }
        return 0;
    }

    private IdleSessions() {
    }
}
