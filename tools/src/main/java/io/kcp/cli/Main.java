package io.kcp.cli;

import io.kcp.KcpConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

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

    private static final String USAGE_TEXT = String.join("\n",
            "usage: kcp COMMAND [flags]     (kcp COMMAND --help for its flags)",
            "commands:",
            "  echo-server   serve the request protocol (echo, upload, download, ping) until killed",
            "  echo-client   send N bytes, check the echo, print a RESULT line",
            "  client        run one request: --op echo|upload|download|ping",
            "  demo          plain KCP against FEC + aes over an impaired link, in a table",
            "  tunnel-server kcptun-server: streams from kcptun clients to a TCP target",
            "  tunnel-client kcptun-client: local TCP connections as streams to a kcptun server",
            "exit status: 0 ok, 1 failed or timed out, 2 bad usage");

    private static final String SERVER_HELP = String.join("\n",
            "usage: kcp echo-server [--listen HOST:PORT] [--idle S] [--timeout S] [session flags]",
            "Serves every request of conformance/peer/PROTOCOL.md, each session on its own thread.",
            "stdout: LISTENING addr=HOST:PORT; stderr: one SESSION line per finished request.",
            "  --listen HOST:PORT  UDP address (default 127.0.0.1:0: a free port)",
            "  --idle S            close a session after S seconds without progress (default 15)",
            "  --timeout S         stop after S seconds (default 0: run until killed)",
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
            "  --repeat N          run the request N times, one RESULT line each (default 1; the",
            "                      first run of a JVM pays its warm-up: for measurements)",
            CONFIG_HELP);

    private static final String DEMO_HELP = String.join("\n",
            "usage: kcp demo [--bytes N] [--loss PCT] [--delay MS] [--jitter MS] [--dup PCT]",
            "                [--reorder PCT] [--seed N] [--pings N] [--quiet] [session flags]",
            "Uploads N bytes (default 16m) and pings through a seeded impairment relay on loopback",
            "(default 5% loss, 20 ms delay, 1 ms jitter, 1% duplication, 1% reordering each way),",
            "with plain KCP and with FEC 10/3 + aes, and compares the runs in a table.",
            "Session flags as below, over the library's defaults (no crypto, no FEC).",
            CONFIG_HELP);

    private Main() {
    }

    private static int demo(String[] args, PrintStream out, PrintStream err) {
        try {
            return Demo.run(args, 1, out);
        } catch (Flags.UsageException e) {
            throw e;
        } catch (Exception e) {
            err.println("kcp demo: " + e);
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
     * interrupted.
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
            case "echo-server": help = SERVER_HELP; break;
            case "echo-client": help = ECHO_CLIENT_HELP; break;
            case "client": help = CLIENT_HELP; break;
            case "demo": help = DEMO_HELP; break;
            case "tunnel-server": help = TunnelOptions.help(TunnelOptions.Role.SERVER); break;
            case "tunnel-client": help = TunnelOptions.help(TunnelOptions.Role.CLIENT); break;
            default:
                err.println("kcp: unknown command '" + cmd + "'");
                err.println(USAGE_TEXT);
                return USAGE;
        }
        if (Arrays.asList(args).subList(1, args.length).stream()
                .anyMatch(a -> a.equals("--help") || a.equals("-h"))) {
            out.println(help);
            return OK;
        }
        try {
            switch (cmd) {
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
            err.println("kcp " + cmd + ": " + e.getMessage());
            err.println(help);
            return USAGE;
        }
    }

    private static int server(String[] args, PrintStream out, PrintStream err) {
        Flags f = Flags.parse(args, 1, List.of("listen", "idle", "timeout"));
        InetSocketAddress listen = f.address("listen", "127.0.0.1:0");
        Duration idle = f.seconds("idle", 15, 0.001);
        Duration lifetime = f.seconds("timeout", 0, 0);
        KcpConfig config = f.kcptunConfig(true);
        PeerServer server;
        try {
            server = PeerServer.start(listen, config, idle, rec -> {
                err.println(rec.line());
                if (rec.error() != null) err.println("  " + rec.error());
            });
        } catch (IOException | RuntimeException e) {
            err.println("kcp echo-server: cannot listen on " + listen + ": " + e);
            return FAILED;
        }
        try {
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
                ? List.of("remote", "op", "bytes", "chunk", "count", "seed", "timeout", "repeat")
                : List.of("remote", "bytes", "chunk", "seed", "timeout");
        Flags f = Flags.parse(args, 1, own);
        Op op = fixedOp != null ? fixedOp : Op.ofClientName(f.string("op", "echo"));
        PeerClient.Request req = new PeerClient.Request(
                f.address("remote", null),
                f.kcptunConfig(false),
                op,
                f.number("bytes", 1 << 20, 0, Long.MAX_VALUE),
                (int) f.number("chunk", 32 << 10, 1, 1 << 30),
                f.number("count", 100, 1, 10_000_000),
                f.number("seed", 1, Long.MIN_VALUE, Long.MAX_VALUE),
                f.seconds("timeout", 60, 0.001));
        long repeat = fixedOp == null ? f.number("repeat", 1, 1, 1_000_000) : 1;
        boolean allOk = true;
        for (long i = 0; i < repeat; i++) {
            ClientResult res = PeerClient.run(req, err);
            if (res.error != null) err.println("client: " + res.error);
            out.println(res.line());
            out.flush();
            allOk &= res.ok;
        }
        return allOk ? OK : FAILED;
    }
}
