package io.kcp.cli;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's kcptun-server or kcptun-client as a process. A missing binary is a test failure
 * that says how to install it: the interop tests must not pass by not running.
 */
final class KcptunProcess implements AutoCloseable {

    static final Path SERVER = Path.of("/usr/bin/kcptun-server");
    static final Path CLIENT = Path.of("/usr/bin/kcptun-client");

    final Process process;
    final File log;
    final String address;

    private KcptunProcess(Process process, File log, String address) {
        this.process = process;
        this.log = log;
        this.address = address;
    }

    /** kcptun-server on a free UDP port of 127.0.0.1, forwarding to {@code target}. */
    static KcptunProcess server(String target, List<String> flags) throws IOException, InterruptedException {
        String addr = "127.0.0.1:" + freeUdpPort();
        List<String> cmd = new ArrayList<>(List.of(binary(SERVER), "-l", addr, "-t", target));
        cmd.addAll(flags);
        return start(cmd, addr, "listening on:");
    }

    /** kcptun-client on a free TCP port of 127.0.0.1, towards the KCP server {@code remote}. */
    static KcptunProcess client(String remote, List<String> flags) throws IOException, InterruptedException {
        String addr = "127.0.0.1:" + freeTcpPort();
        List<String> cmd = new ArrayList<>(List.of(binary(CLIENT), "-l", addr, "-r", remote));
        cmd.addAll(flags);
        KcptunProcess p = start(cmd, addr, "listening on:");
        // the TCP listener is up once kcptun says so; make sure it accepts
        return p;
    }

    private static String binary(Path p) {
        if (!Files.isExecutable(p)) {
            throw new AssertionError(p + " is missing: the kcptun interop tests need Debian's kcptun"
                    + " (apt-get install kcptun; .ci/run installs it)");
        }
        return p.toString();
    }

    private static KcptunProcess start(List<String> cmd, String addr, String ready)
            throws IOException, InterruptedException {
        File log = File.createTempFile("kcptun", ".log");
        log.deleteOnExit();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
        p.getOutputStream().close();
        KcptunProcess k = new KcptunProcess(p, log, addr);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!k.log().contains("key derivation done")) {
            if (!p.isAlive() || System.nanoTime() > end) {
                k.close();
                throw new AssertionError("kcptun did not start: " + cmd + "\n" + k.log());
            }
            Thread.sleep(10);
        }
        Thread.sleep(50); // it listens right after deriving the key
        return k;
    }

    String log() {
        try {
            return Files.readString(log.toPath());
        } catch (IOException e) {
            return e.toString();
        }
    }

    InetSocketAddress socketAddress() {
        int colon = address.lastIndexOf(':');
        return new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
    }

    static int freeUdpPort() throws IOException {
        try (DatagramChannel c = DatagramChannel.open()) {
            c.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return ((InetSocketAddress) c.getLocalAddress()).getPort();
        }
    }

    static int freeTcpPort() throws IOException {
        try (ServerSocketChannel c = ServerSocketChannel.open()) {
            c.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return ((InetSocketAddress) c.getLocalAddress()).getPort();
        }
    }

    /** Process id, for CPU accounting. */
    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        log.delete();
    }
}
