package io.kcp.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.Map;

/** Runs {@code kcp tunnel-server} or {@code kcp tunnel-client} until the process is stopped. */
final class Tunnel {

    private Tunnel() {
    }

    /**
     * Starts the tunnel, prints {@code LISTENING addr=HOST:PORT} on {@code out} (the UDP port of
     * a server, the TCP port of a client) and serves until interrupted or killed.
     *
     * @throws Flags.UsageException for bad flags (exit status 2)
     */
    static int run(TunnelOptions.Role role, String[] args, Map<String, String> env, PrintStream out,
                   PrintStream err) {
        TunnelOptions o = TunnelOptions.parse(role, args, 1, env);
        String cmd = role == TunnelOptions.Role.SERVER ? "tunnel-server" : "tunnel-client";
        TunnelLog log;
        try {
            log = TunnelLog.open(err, o.string("log"));
        } catch (IOException e) {
            err.println("kcp " + cmd + ": cannot open -log " + o.string("log") + ": " + e.getMessage());
            return Main.FAILED;
        }
        AutoCloseable running;
        InetSocketAddress addr;
        try {
            if (role == TunnelOptions.Role.SERVER) {
                TunnelServer s = TunnelServer.start(o, log);
                running = s;
                addr = s.address();
            } else {
                TunnelClient c = TunnelClient.start(o, log);
                running = c;
                addr = c.address();
            }
        } catch (Flags.UsageException e) {
            log.close();
            throw e; // said the way every command says it
        } catch (IOException | IllegalStateException e) {
            err.println("kcp " + cmd + ": " + e.getMessage());
            log.close();
            return Main.FAILED;
        }
        out.println("LISTENING addr=" + PeerServer.hostPort(addr));
        out.flush();
        Thread hook = new Thread(() -> stop(running, log), "kcp-tunnel-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Runtime.getRuntime().removeShutdownHook(hook);
        stop(running, log);
        return Main.OK;
    }

    private static void stop(AutoCloseable running, TunnelLog log) {
        try {
            running.close();
        } catch (Exception ignored) {
            // stopping anyway
        }
        log.close();
    }
}
