package io.kcp.cli;

import io.kcp.Kcp;
import io.kcp.KcpConfig;
import io.kcp.KernelChoice;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code kcp COMMAND [flags]}: the request-protocol server and clients of
 * conformance/peer/PROTOCOL.md, interoperable with kcpgo-peer and configured with kcptun's flag
 * names. Exit status: 0 ok, 1 failure or timeout, 2 bad usage.
 */
public final class Main {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private static final String CONFIG_HELP = String.join("\n",
            "session flags (kcptun's names and defaults; both ends must agree on crypt, key, shards):",
            "  --crypt NAME        aes aes-128 aes-192 salsa20 blowfish twofish cast5 3des tea xtea",
            "                      xor sm4 none null (default aes; null: no crypto header at all)",
            "  --key SECRET        pre-shared secret (default kcptun's \"it's a secrect\")",
            "  --datashard N --parityshard N   FEC shards (default 10 3; 0 0 turns FEC off)",
            "  --mode M            normal fast fast2 fast3 manual (default fast)",
            "  --nodelay N --interval MS --resend N --nc 0|1   override the mode's values",
            "  --sndwnd N --rcvwnd N   windows in packets (default 128/512 client, 1024/1024 server)",
            "  --mtu N             datagram size limit (default 1350)",
            "  --stream            stream mode     --acknodelay   ACK at once",
            "  --ackclocking=false ACKs only at a flush (kcp-go 5.6.1's timing; default: a",
            "                      datagram's worth of pending ACKs is sent at once)",
            "  --sockbuf BYTES     UDP socket buffers (default 4m)   --dscp N",
            "  --kernel auto|native|java   the ARQ/FEC kernel (default auto)",
            "sizes accept k, m, g suffixes (binary); times are seconds.");

    private static final String SNMP_HELP = String.join("\n",
            "  --snmplog FILE      append the process-wide counters to FILE as CSV, kcptun's format;",
            "                      a Go time layout in the name (./snmp-20060102.log) starts a new",
            "                      file each day (default: none)",
            "  --snmpperiod S      seconds between rows (default 60); one more row at the end");

    private static final String USAGE_TEXT = String.join("\n",
            "usage: kcp COMMAND [flags]     (kcp COMMAND --help for its flags)",
            "commands:",
            "  echo-server   serve the request protocol (echo, upload, download, ping) until killed",
            "  echo-client   send N bytes, check the echo, print a RESULT line",
            "  client        run one request: --op echo|upload|download|ping",
            "  demo          plain KCP, FEC and aes over an impaired link, compared in a table",
            "  tunnel-server kcptun-server: streams from kcptun clients to a TCP target",
            "  tunnel-client kcptun-client: local TCP connections as streams to a kcptun server",
            "  version       the versions of the tools and the library, and the kernel in use",
            "                (also kcp --version)",
            "JVM options (bin/kcp takes them in KCP_JAVA_OPTS): -Dkcp.native=auto|disable|require;",
            "  -Dkcp.nativeUdp=false: one DatagramChannel call per datagram instead of batches",
            "exit status: 0 ok, 1 failed or timed out, 2 bad usage");

    private static final String SERVER_HELP = String.join("\n",
            "usage: kcp echo-server [--listen HOST:PORT] [--idle S] [--timeout S] [session flags]",
            "Serves every request of conformance/peer/PROTOCOL.md, each session on its own thread.",
            "stdout: LISTENING addr=HOST:PORT; stderr: one SESSION line per finished request.",
            "  --listen HOST:PORT  UDP address (default 127.0.0.1:0: a free port)",
            "  --idle S            close a session after S seconds without progress (default 15)",
            "  --timeout S         stop after S seconds (default 0: run until killed)",
            "  --warmup N          first exchange N small messages over loopback in this JVM (and",
            "                      N/2 pings through this program's own request path), so that",
            "                      the JIT has compiled the datapath (default 0; 30000 take",
            "                      about two seconds)",
            "  --receiveloops N    N sockets on the port as an SO_REUSEPORT group (Linux), each with",
            "                      its own receive thread; peers are spread over them (default 1)",
            SNMP_HELP,
            CONFIG_HELP);

    private static final String ECHO_CLIENT_HELP = String.join("\n",
            "usage: kcp echo-client --remote HOST:PORT [--bytes N] [--chunk N] [flags]",
            "Sends N bytes of the payload stream, checks every byte of the echo, prints",
            "RESULT op=echo bytes=N ok=true|false ms=… mbps=… crc=… MBps=… rtt_first_ms=…",
            "  --remote HOST:PORT  the server (required)",
            "  --bytes N           payload bytes (default 1m)",
            "  --chunk N           bytes per write (default 32k)",
            "  --seed N            seed of the payload stream (default 1)",
            "  --timeout S         whole run; failure on expiry (default 60)",
            "  --warmup N          first exchange N small messages over loopback in this JVM, so",
            "                      that the JIT has compiled the datapath (default 0)",
            SNMP_HELP,
            CONFIG_HELP);

    private static final String CLIENT_HELP = String.join("\n",
            "usage: kcp client --remote HOST:PORT --op echo|upload|download|ping [flags]",
            "Runs one request, verifies the answer, prints one RESULT line:",
            "RESULT op=… bytes=… ok=true|false ms=… mbps=… crc=… MBps=… [rtt figures]",
            "  --remote HOST:PORT  the server (required)",
            "  --op OP             echo (default), upload, download or ping",
            "  --bytes N           payload bytes for echo/upload/download (default 1m)",
            "  --chunk N           bytes per write (default 32k)",
            "  --count N           ping messages (default 100)",
            "  --seed N            seed of the payload stream (default 1)",
            "  --timeout S         whole run; failure on expiry (default 60)",
            "  --sessions N        make the request on N sessions at once, one aggregate RESULT",
            "                      line (bytes of all over the wall time; default 1)",
            "  --repeat N          run the request N times, one RESULT line each (default 1; the",
            "                      first run of a JVM pays its warm-up: for measurements)",
            "  --warmup N          first exchange N small messages over loopback in this JVM, so",
            "                      that the JIT has compiled the datapath (default 30000 for ping,",
            "                      about a second; 0 otherwise)",
            SNMP_HELP,
            CONFIG_HELP);

    private static final String DEMO_HELP = String.join("\n",
            "usage: kcp demo [--bytes N] [--pings N] [--loss PCT] [--delay MS] [--jitter MS]",
            "                [--dup PCT] [--reorder PCT] [--seed N] [--quiet] [--verbose] [session flags]",
            "Five runs on loopback, each a bulk upload checked by CRC32 and then small pings, one",
            "at a time: plain KCP on a perfect link (the baseline), then plain KCP, FEC alone, aes",
            "alone and FEC + aes, these four through the same seeded impairment relay. A table",
            "compares them (throughput, rtt p50/p99/max, retransmissions, FEC recoveries) and a",
            "verdict line sums it up. Every configuration runs once briefly beforehand, unmeasured,",
            "so that no run pays for the JVM's warm-up; the pings run on 5 sessions of their own.",
            "  --bytes N           upload per run (default 16m)",
            "  --pings N           measured pings per run, shared by the 5 sessions (default 1000;",
            "                      each session sends 10 more first, unmeasured)",
            "  --loss PCT          datagrams lost, each way (default 5)",
            "  --delay MS          one-way delay (default 20)    --jitter MS   its spread (default 1)",
            "  --dup PCT           datagrams duplicated (default 1)",
            "  --reorder PCT       datagrams held back 10 ms (default 1)",
            "  --seed N            the relay's seed (default 1; N one way, N+1 the other)",
            "  --quiet             no progress lines on stderr",
            "  --verbose           the relay's counters for every run, after the table",
            "  --datashard N --parityshard N   the FEC runs' shape (default 10 3)",
            "  --crypt NAME --key SECRET       the cipher runs' cipher (default aes) and key",
            "Other session flags apply to every run, over fast3, windows 1024/1024 and MTU 1400.",
            "Takes under a minute with the defaults.",
            CONFIG_HELP);

    private Main() {
    }

    private static int demo(String[] args, PrintStream out, PrintStream err) {
        try {
            return Demo.run(args, 1, out, err);
        } catch (Flags.UsageException e) {
            throw e;
        } catch (IOException e) {
            err.println("kcp demo: failed: " + e.getMessage());
            return FAILED;
        }
    }

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        System.out.flush();
        System.exit(status);
    }

    /**
     * Runs a command as {@code main} would, with its output on {@code out} and {@code err};
     * returns the exit status. The server returns when its --timeout passes or its thread is
     * interrupted. Bad usage is one line on {@code err} ending in a pointer to the command's
     * help, and status 2; nothing ends in a stack trace.
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println(USAGE_TEXT);
            return USAGE;
        }
        String cmd = args[0];
        String help;
        switch (cmd) {
            case "help": case "--help": case "-h":
                out.println(USAGE_TEXT);
                return OK;
            case "version": case "--version":
                help = "usage: kcp version   (or kcp --version)\n"
                        + "Prints the versions of the tools and of the library, and the kernel in use.";
                break;
            case "echo-server": help = SERVER_HELP; break;
            case "echo-client": help = ECHO_CLIENT_HELP; break;
            case "client": help = CLIENT_HELP; break;
            case "demo": help = DEMO_HELP; break;
            case "tunnel-server": help = TunnelOptions.help(TunnelOptions.Role.SERVER); break;
            case "tunnel-client": help = TunnelOptions.help(TunnelOptions.Role.CLIENT); break;
            default:
                String near = Flags.nearest(cmd, COMMANDS);
                err.println("kcp: unknown command '" + cmd + "'"
                        + (near == null ? "" : "; did you mean '" + near + "'?") + " (kcp --help)");
                return USAGE;
        }
        if (Arrays.asList(args).subList(1, args.length).stream()
                .anyMatch(a -> a.equals("--help") || a.equals("-h"))) {
            out.println(help);
            return OK;
        }
        String nativeProblem = nativeModeProblem(System.getProperty(NATIVE_PROPERTY));
        if (nativeProblem != null) {
            err.println("kcp: " + nativeProblem);
            return USAGE;
        }
        String name = cmd.startsWith("--") ? cmd.substring(2) : cmd;
        try {
            switch (cmd) {
                case "version": case "--version": return version(args, out, err);
                case "echo-server": return server(args, out, err);
                case "echo-client": return client(args, Op.ECHO, out, err);
                case "demo": return demo(args, out, err);
                case "tunnel-server":
                    return Tunnel.run(TunnelOptions.Role.SERVER, args, System.getenv(), out, err);
                case "tunnel-client":
                    return Tunnel.run(TunnelOptions.Role.CLIENT, args, System.getenv(), out, err);
                default: return client(args, null, out, err);
            }
        } catch (Flags.UsageException e) {
            err.println("kcp " + name + ": " + e.getMessage() + " (kcp " + name + " --help)");
            return USAGE;
        } catch (UnsatisfiedLinkError e) { // --kernel native or -Dkcp.native=require without the library
            err.println("kcp " + name + ": " + e.getMessage());
            return FAILED;
        } catch (RuntimeException e) {
            err.println("kcp " + name + ": failed: " + e);
            return FAILED;
        }
    }

    static final List<String> COMMANDS = List.of("echo-server", "echo-client", "client", "demo",
            "tunnel-server", "tunnel-client", "version", "help");

    /** The JVM option that steers the native kernel (read by the library). */
    static final String NATIVE_PROPERTY = "kcp.native";

    /**
     * What is wrong with the value of {@code -Dkcp.native}, or null. The library reads the
     * option itself, and a value it does not know makes every session fail with an error; the
     * command line says so up front instead. A value outside auto, disable and require is put to
     * the library before it is refused, so that a mode a newer library knows still passes.
     */
    static String nativeModeProblem(String value) {
        if (value == null) return null;
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.isEmpty() || v.equals("auto") || v.equals("disable") || v.equals("require")) return null;
        try {
            Kcp.kernel();
            return null;
        } catch (UnsatisfiedLinkError e) {
            if (!(e.getCause() instanceof IllegalArgumentException)) return null;
            return "-D" + NATIVE_PROPERTY + "=" + value + " is not one of auto, disable, require"
                    + " (a JVM option; bin/kcp takes it in KCP_JAVA_OPTS)";
        }
    }

    /**
     * {@code kcp version}: the Implementation-Version of the tools' jar and of the library's
     * ("development build" when running from class directories), and the kernel sessions use.
     */
    private static int version(String[] args, PrintStream out, PrintStream err) {
        if (args.length > 1) throw new Flags.UsageException("unexpected argument '" + args[1] + "'");
        out.println("kcp-java-tools " + versionOf(Main.class));
        out.println("library kcp-java " + versionOf(Kcp.class));
        String mode = System.getProperty(NATIVE_PROPERTY);
        String steer = mode == null ? "" : " (-D" + NATIVE_PROPERTY + "=" + mode + ")";
        try {
            KernelChoice k = Kcp.kernel();
            out.println("kernel " + k + steer);
        } catch (UnsatisfiedLinkError e) {
            out.println("kernel none" + steer);
            err.println("kcp version: " + e.getMessage());
            return FAILED;
        } finally {
            out.println("java " + System.getProperty("java.version") + " ("
                    + System.getProperty("java.vendor") + ", " + System.getProperty("os.name") + " "
                    + System.getProperty("os.arch") + ")");
        }
        return OK;
    }

    /** The Implementation-Version in the manifest of the jar {@code c} came from. */
    static String versionOf(Class<?> c) {
        Package p = c.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        return v == null ? "development build" : v;
    }

    private static int server(String[] args, PrintStream out, PrintStream err) {
        Flags f = Flags.parse(args, 1, List.of("listen", "idle", "timeout", "warmup", "snmplog",
                "snmpperiod", "receiveloops"));
        InetSocketAddress listen = f.address("listen", "127.0.0.1:0");
        Duration idle = f.seconds("idle", 15, 0.001);
        Duration lifetime = f.seconds("timeout", 0, 0);
        KcpConfig config = f.kcptunConfig(true).toBuilder()
                .receiveLoops((int) f.number("receiveloops", 1, 1, 64)).build();
        String snmpLog = snmpLog(f);
        long snmpPeriod = f.number("snmpperiod", 60, 1, Integer.MAX_VALUE);
        int warmUp = (int) f.number("warmup", 0, 0, 10_000_000);
        PeerServer server;
        try {
            warmUp(config, warmUp);
            server = PeerServer.start(listen, config, idle, rec -> {
                err.println(rec.line());
                if (rec.error() != null) err.println("  " + rec.error());
            });
        } catch (IOException | RuntimeException e) {
            err.println("kcp echo-server: cannot listen on " + listen + ": " + e);
            return FAILED;
        }
        try (SnmpLog snmp = SnmpLog.start(snmpLog, snmpPeriod, line -> err.println("kcp echo-server: " + line))) {
            err.println("server " + config);
            out.println("LISTENING addr=" + PeerServer.hostPort(server.address()));
            out.flush();
            server.await(lifetime);
        } catch (IOException e) {
            err.println("kcp echo-server: " + e);
            return FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            server.close();
        }
        return OK;
    }

    private static int client(String[] args, Op fixedOp, PrintStream out, PrintStream err) {
        List<String> own = fixedOp == null
                ? List.of("remote", "op", "bytes", "chunk", "count", "seed", "timeout", "repeat",
                        "sessions", "warmup", "snmplog", "snmpperiod")
                : List.of("remote", "bytes", "chunk", "seed", "timeout", "warmup", "snmplog",
                        "snmpperiod");
        Flags f = Flags.parse(args, 1, own);
        Op op = fixedOp != null ? fixedOp : Op.ofClientName(f.string("op", "echo"));
        PeerClient.Request req = new PeerClient.Request(
                f.remote("remote"),
                f.kcptunConfig(false),
                op,
                f.number("bytes", 1 << 20, 0, Long.MAX_VALUE),
                (int) f.number("chunk", 32 << 10, 1, 1 << 30),
                f.number("count", 100, 1, 10_000_000),
                f.number("seed", 1, Long.MIN_VALUE, Long.MAX_VALUE),
                f.seconds("timeout", 60, 0.001));
        long repeat = fixedOp == null ? f.number("repeat", 1, 1, 1_000_000) : 1;
        int sessions = fixedOp == null ? (int) f.number("sessions", 1, 1, 1024) : 1;
        String snmpLog = snmpLog(f);
        long snmpPeriod = f.number("snmpperiod", 60, 1, Integer.MAX_VALUE);
        boolean allOk = true;
        String name = fixedOp == null ? "client" : "echo-client";
        int warmUp = (int) f.number("warmup", op == Op.PING ? DEFAULT_PING_WARM_UP : 0, 0, 10_000_000);
        try {
            warmUp(req.config(), warmUp);
        } catch (IOException | RuntimeException e) {
            err.println("kcp " + name + ": warm-up failed: " + e);
            return FAILED;
        }
        try (SnmpLog snmp = SnmpLog.start(snmpLog, snmpPeriod, line -> err.println("kcp " + name + ": " + line))) {
            for (long i = 0; i < repeat; i++) {
                if (sessions > 1) {
                    allOk &= concurrently(req, sessions, out, err);
                    continue;
                }
                ClientResult res = PeerClient.run(req, err);
                if (res.error != null) err.println("client: " + res.error);
                out.println(res.line());
                out.flush();
                allOk &= res.ok;
            }
        }
        return allOk ? OK : FAILED;
    }

    /**
     * The request on {@code sessions} sessions at once, one thread each; prints one aggregate
     * RESULT line (the bytes of all of them over the wall time), as kcpgo-peer's --sessions does.
     */
    private static boolean concurrently(PeerClient.Request req, int sessions, PrintStream out,
                                        PrintStream err) {
        ClientResult[] results = new ClientResult[sessions];
        Thread[] threads = new Thread[sessions];
        long start = System.nanoTime();
        for (int i = 0; i < sessions; i++) {
            int n = i;
            threads[i] = new Thread(() -> results[n] = PeerClient.run(req, err), "kcp-client-" + i);
            threads[i].start();
        }
        boolean ok = true;
        long bytes = 0;
        for (int i = 0; i < sessions; i++) {
            try {
                threads[i].join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            ClientResult r = results[i];
            if (r.error != null) err.println("client " + i + ": " + r.error);
            ok &= r.ok;
            bytes += r.bytes;
        }
        double secs = (System.nanoTime() - start) / 1e9;
        out.println(String.format(java.util.Locale.ROOT,
                "RESULT op=%s sessions=%d bytes=%d ok=%b ms=%d mbps=%.3f", req.op().clientName, sessions,
                bytes, ok, Math.round(secs * 1000), secs > 0 ? bytes * 8 / 1e6 / secs : 0.0));
        out.flush();
        return ok;
    }

    /** Round trips a ping client runs on loopback first, unless --warmup says otherwise. */
    static final int DEFAULT_PING_WARM_UP = 30_000;

    /** Ping requests a warm-up sends through this program's own request path. */
    private static final int WARM_UP_REQUESTS = 2;

    /**
     * --warmup N. First this program's own request path, which the library's warm-up does not
     * run: an echo-server on loopback in this JVM serves {@value #WARM_UP_REQUESTS} ping
     * requests of N/4 round trips each from a client in this JVM, so that both the serving and
     * the requesting code are compiled before the first real request. Then {@link Kcp#warmUp}
     * (N round trips, and the wait for the JIT to finish), then zeroed counters, so that the
     * SNMP log shows the real traffic only. Nothing for 0.
     */
    private static void warmUp(KcpConfig config, int roundTrips) throws IOException {
        if (roundTrips == 0) return;
        PeerServer server = PeerServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                config, Duration.ofSeconds(5), rec -> { });
        try (PrintStream quiet = new PrintStream(OutputStream.nullOutputStream())) {
            PeerClient.Request ping = new PeerClient.Request(server.address(), config, Op.PING,
                    0, 64, Math.max(1, roundTrips / 4), 1, Duration.ofSeconds(60));
            for (int i = 0; i < WARM_UP_REQUESTS; i++) {
                ClientResult r = PeerClient.run(ping, quiet);
                if (!r.ok) throw new IOException("warm-up request failed: " + r.error);
            }
        } finally {
            server.close();
        }
        Kcp.warmUp(config, roundTrips);
        Kcp.resetCounters();
    }

    /** --snmplog, checked: its directory must exist. */
    private static String snmpLog(Flags f) {
        String path = f.string("snmplog", "");
        if (f.has("snmplog") && path.isEmpty()) throw new Flags.UsageException("--snmplog needs a file name");
        String problem = SnmpLog.problem(path);
        if (problem != null) throw new Flags.UsageException("--snmplog: " + problem);
        return path;
    }
}
