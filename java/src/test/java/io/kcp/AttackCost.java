package io.kcp;

import static io.kcp.SessionTestKit.ANY_LOOPBACK;
import static io.kcp.SessionTestKit.addressOf;

import io.kcp.kernel.Kernel;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What one hostile datagram costs a listener, per kind of attack: CPU time on kcp-java's own
 * threads (the listener's receive loop, the scheduler) per datagram, and resident memory left
 * behind per datagram, next to the datagram's own size. Each attack runs against a fresh
 * listener at a rate the listener can absorb (so the kernel's socket buffer drops nothing and
 * every datagram sent is a datagram paid for), after a warm-up round of the same attack.
 *
 * <p>Run as a program for the table ({@code ./build.sh attack-table}); the chaos stage runs it
 * smaller and checks the bounds.
 */
final class AttackCost {

    /** The target: CPU per hostile datagram. */
    static final double TARGET_MICROS = 50;

    /** One measured attack. */
    record Row(String attack, long datagrams, double avgBytes, double cpuMicros,
               double worstMicros, double retainedBytes) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "| %-44s | %9d | %6.0f | %8.2f | %8.2f | %10.0f |",
                    attack, datagrams, avgBytes, cpuMicros, worstMicros, retainedBytes);
        }
    }

    /** Sends one attack's datagrams through {@code sockets} at the listener. */
    private interface Attack {
        /** Sends about {@code n} datagrams; returns the bytes sent. */
        long run(KcpListener target, List<DatagramChannel> sockets, int n) throws Exception;
    }

    private static final int RATE_PER_MS = 20;

    private AttackCost() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        measureAll(n);
    }

    static List<Row> measureAll(int n) throws Exception {
        List<Row> rows = new ArrayList<>();
        System.out.println("attack cost, kernel=" + Kernel.active() + ", " + n
                + " datagrams each (CPU of kcp-java's threads per datagram, overall and in the"
                + " worst window of " + WINDOW + "; memory still held, live heap and native, per"
                + " datagram)");
        System.out.println("| attack                                       | datagrams |  bytes |   CPU us |  worst us | retained B |");
        System.out.println("|---|--:|--:|--:|--:|--:|");
        KcpConfig plain = KcpConfig.builder().mode(KcpMode.FAST3).windows(1024, 1024).build();
        KcpConfig aes = plain.toBuilder().crypt("aes", "cost").build();
        KcpConfig fec = plain.toBuilder().fec(10, 3).build();
        rows.add(print(measure("random junk, new addresses", plain, 64, n, AttackCost::junk)));
        rows.add(print(measure("wrong key (aes), new addresses", aes, 64, n, AttackCost::junk)));
        rows.add(print(measure("first datagram replayed, new addresses (aes)", aes, 512, n,
                AttackCost::replayFirst)));
        rows.add(print(measure("new conversations, new addresses", plain, 2000, n,
                AttackCost::newConversations)));
        rows.add(print(measure("empty out-of-order PUSHes into sessions", plain, 500, n,
                AttackCost::emptyOutOfOrder)));
        rows.add(print(measure("full out-of-order PUSHes into sessions", plain, 100, n,
                AttackCost::fullOutOfOrder)));
        rows.add(print(measure("FEC shape alternation into a session", fec, 1, n,
                AttackCost::fecShapes)));
        return rows;
    }

    private static Row print(Row r) {
        System.out.println(r);
        return r;
    }

    private static Row measure(String name, KcpConfig cfg, int sources, int n, Attack attack)
            throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        List<DatagramChannel> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < sources; i++) sockets.add(DatagramChannel.open().bind(ANY_LOOPBACK));
            try (KcpListener warm = Kcp.listen(ANY_LOOPBACK, cfg)) {
                attack.run(warm, sockets, Math.max(n / 4, 1000)); // the JIT's turn
                settle();
            }
            SessionTestKit.awaitNoLibraryThreads(5000);
            Memory before = Memory.now();
            try (KcpListener l = Kcp.listen(ANY_LOOPBACK, cfg)) {
                long cpuBefore = transportCpu(mx);
                windowStart = cpuBefore;
                worstWindow = 0;
                long bytes = attack.run(l, sockets, n);
                settle();
                long cpu = transportCpu(mx) - cpuBefore;
                long retained = Memory.now().minus(before); // the listener and its sessions live
                return new Row(name, n, (double) bytes / n, cpu / 1e3 / n,
                        Math.max(cpu / 1e3 / n, worstWindow / 1e3 / WINDOW),
                        Math.max(0, retained) / (double) n);
            }
        } finally {
            for (DatagramChannel ch : sockets) ch.close();
        }
    }

    /**
     * What the process holds: the live Java heap after a collection, plus native memory (the
     * resident set beyond the heap the JVM has committed).
     */
    private record Memory(long heapUsed, long heapCommitted, long rss) {
        static Memory now() {
            MemoryMXBean m = ManagementFactory.getMemoryMXBean();
            System.gc();
            MemoryUsage h = m.getHeapMemoryUsage();
            return new Memory(h.getUsed(), h.getCommitted(), ChaosKit.rssMib() << 20);
        }

        /** Bytes held now that were not at {@code earlier}. */
        long minus(Memory earlier) {
            long heap = heapUsed - earlier.heapUsed;
            long nativeBytes = (rss - earlier.rss) - (heapCommitted - earlier.heapCommitted);
            return heap + Math.max(0, nativeBytes);
        }
    }

    /** Lets the receive loop and the timers finish what was sent. */
    private static void settle() throws InterruptedException {
        Thread.sleep(300);
    }

    /** CPU nanoseconds used so far by kcp-java's threads (dead threads' time is lost, so the
     * listener is measured before it closes). */
    private static long transportCpu(ThreadMXBean mx) {
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().matches(SessionTestKit.LIBRARY_THREADS)) {
                long c = mx.getThreadCpuTime(t.getId());
                if (c > 0) sum += c;
            }
        }
        return sum;
    }

    /** Datagrams per window for the worst-case column. */
    private static final int WINDOW = 1000;
    private static long windowStart;
    private static long worstWindow;

    /** Keeps the rate the listener can absorb, and samples the CPU spent per window. */
    private static void pace(long sent) throws InterruptedException {
        if (sent % RATE_PER_MS == 0) Thread.sleep(1);
        if (sent % WINDOW == 0) {
            long now = transportCpu(ManagementFactory.getThreadMXBean());
            worstWindow = Math.max(worstWindow, now - windowStart);
            windowStart = now;
        }
    }

    // ---- the attacks -------------------------------------------------------------------------

    private static long junk(KcpListener l, List<DatagramChannel> sockets, int n) throws Exception {
        SplittableRandom rnd = new SplittableRandom(1);
        ByteBuffer b = ByteBuffer.allocate(1500);
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            b.clear();
            int len = 24 + rnd.nextInt(1400);
            for (int k = 0; k < len; k++) b.put((byte) rnd.nextInt());
            bytes += len;
            sockets.get(i % sockets.size()).send(b.flip(), addressOf(l));
            pace(i + 1);
        }
        return bytes;
    }

    private static long replayFirst(KcpListener l, List<DatagramChannel> sockets, int n)
            throws Exception {
        byte[] first;
        try (UdpTap tap = new UdpTap(addressOf(l));
             KcpSession c = Kcp.dial(tap.address(), l.config())) {
            c.write(ByteBuffer.wrap("hello".getBytes()));
            l.accept(Duration.ofSeconds(5)).close();
            first = tap.upstream(0);
        }
        for (int i = 0; i < n; i++) {
            sockets.get(i % sockets.size()).send(ByteBuffer.wrap(first), addressOf(l));
            pace(i + 1);
        }
        return (long) n * first.length;
    }

    /** A well-formed first datagram (PUSH sn 0, 100 bytes of data) with a fresh conv each time. */
    private static long newConversations(KcpListener l, List<DatagramChannel> sockets, int n)
            throws Exception {
        ByteBuffer b = ByteBuffer.allocate(124).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            b.clear().putInt(0x10000 + i).put((byte) 81).put((byte) 0).putShort((short) 32)
                    .putInt(0).putInt(0).putInt(0).putInt(100).position(124);
            sockets.get(i % sockets.size()).send(b.flip(), addressOf(l));
            pace(i + 1);
        }
        return 124L * n;
    }

    private static long emptyOutOfOrder(KcpListener l, List<DatagramChannel> sockets, int n)
            throws Exception {
        ByteBuffer b = ByteBuffer.allocate(1440);
        for (int i = 0; i < n; i++) {
            int source = i % sockets.size();
            sockets.get(source).send(ChaosKit.emptyPushes(b, source + 1, i / sockets.size()),
                    addressOf(l));
            pace(i + 1);
        }
        return 1440L * n;
    }

    private static long fullOutOfOrder(KcpListener l, List<DatagramChannel> sockets, int n)
            throws Exception {
        int mss = 1376;
        ByteBuffer b = ByteBuffer.allocate(24 + mss).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            int source = i % sockets.size();
            int round = i / sockets.size();
            int sn = round == 0 ? 0 : 2 + round % 1000;
            b.clear().putInt(source + 1).put((byte) 81).put((byte) 0).putShort((short) 1024)
                    .putInt(0).putInt(sn).putInt(0).putInt(mss).position(24 + mss);
            sockets.get(source).send(b.flip(), addressOf(l));
            pace(i + 1);
        }
        return (24L + mss) * n;
    }

    /**
     * FEC packets (crypt null) from a live session's own address that flip the decoder's shape
     * between 128+125 and 127+126. kcp-go's shape detector reads the shape from a ring of the last
     * 258 (seqid, data or parity) samples: the attack fills the ring with one shape, then keeps
     * rewriting one sample (seqid 128: parity in one shape, data in the other) and sending a
     * packet whose flag does not fit the current shape, so a naive decoder re-detects (and builds
     * a codec) twice every three packets.
     */
    private static long fecShapes(KcpListener l, List<DatagramChannel> unused, int n)
            throws Exception {
        try (UdpTap tap = new UdpTap(addressOf(l));
             KcpSession c = Kcp.dial(tap.address(), l.config())) {
            c.write(ByteBuffer.wrap(new byte[] {1}));
            KcpSession s = l.accept(Duration.ofSeconds(5));
            ChaosKit.receive(s, 1);
            long sent = 0;
            for (int seqid = 0; seqid < 258 && sent < n; seqid++) {
                tap.inject(fecPacket(seqid, seqid % 253 < 128));
                pace(++sent);
            }
            for (long j = 2; sent < n; j++) {
                int trigger = (int) (256 + 258 * j);
                boolean[] flags = {false, Integer.remainderUnsigned(trigger, 253) >= 128, true};
                int[] seqids = {128, trigger, 128};
                for (int k = 0; k < 3 && sent < n; k++) {
                    tap.inject(fecPacket(seqids[k], flags[k]));
                    pace(++sent);
                }
            }
            s.close();
            return 50L * n;
        }
    }

    /** A 50-byte FEC shard carrying nothing for the ARQ (size field 2). */
    private static byte[] fecPacket(int seqid, boolean data) {
        byte[] packet = new byte[50];
        ByteBuffer.wrap(packet).order(ByteOrder.LITTLE_ENDIAN).putInt(seqid)
                .putShort((short) (data ? 0xF1 : 0xF2)).putShort((short) 2);
        return packet;
    }
}
