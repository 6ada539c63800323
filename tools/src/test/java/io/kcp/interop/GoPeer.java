package io.kcp.interop;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;

/**
 * The kcp-go 5.6.1 peer (conformance/peer), built once per JVM into target/ with its build.sh
 * and run as a process. A missing Go toolchain or kcp-go package is a test failure with the
 * build script's message: the interop tests must not pass by not running.
 */
final class GoPeer implements Peer {

    private static Path binary;
    private static String buildError;

    private final Path exe;

    private GoPeer(Path exe) {
        this.exe = exe;
    }

    /** The peer, built on first use; throws with build.sh's output if it cannot be built. */
    static synchronized GoPeer get() {
        if (binary == null && buildError == null) build();
        if (buildError != null) throw new AssertionError(buildError);
        return new GoPeer(binary);
    }

    private static void build() {
        // kcp.root: the checkout (set by the build); the peer goes to this module's target/.
        Path root = Path.of(System.getProperty("kcp.root", ".."));
        Path script = root.resolve("conformance/peer/build.sh");
        Path out = Path.of("target", "kcpgo-peer").toAbsolutePath();
        try {
            Process p = new ProcessBuilder("sh", script.toString(), out.toString())
                    .redirectErrorStream(true).start();
            p.getOutputStream().close();
            String text = drain(p.getInputStream());
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                buildError = "building the kcp-go peer took over 5 minutes";
            } else if (p.exitValue() != 0 || !Files.isExecutable(out)) {
                buildError = "cannot build the kcp-go peer with " + script + " (exit " + p.exitValue()
                        + "); interop tests need Go and Debian's kcp-go packages (.ci/run installs them): "
                        + text.trim();
            } else {
                binary = out;
            }
        } catch (IOException e) {
            buildError = "cannot run " + script + ": " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            buildError = "interrupted while building the kcp-go peer";
        }
    }

    private static String drain(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        in.transferTo(b);
        return b.toString(StandardCharsets.UTF_8);
    }

    @Override
    public String name() {
        return "kcp-go";
    }

    @Override
    public Server startServer(List<String> flags) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(exe.toString(), "server", "--listen", "127.0.0.1:0",
                "--idle", "5"));
        cmd.addAll(flags);
        File err = File.createTempFile("kcpgo-server", ".err");
        err.deleteOnExit();
        Process p = new ProcessBuilder(cmd).redirectError(err).start();
        p.getOutputStream().close();
        // its first stdout line says where it listens
        StringBuilder line = new StringBuilder();
        InputStream out = p.getInputStream();
        for (int c; (c = out.read()) >= 0 && c != '\n'; ) line.append((char) c);
        Matcher m = JavaPeer.LISTENING.matcher(line);
        if (!m.find()) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError("kcp-go server did not start: " + line + " "
                    + Files.readString(err.toPath()));
        }
        String address = m.group(1);
        return new Server() {
            @Override
            public String address() {
                return address;
            }

            @Override
            public String log() {
                try {
                    return Files.readString(err.toPath());
                } catch (IOException e) {
                    return e.toString();
                }
            }

            @Override
            public void close() throws Exception {
                p.destroy();
                if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
                err.delete();
            }
        };
    }

    @Override
    public ClientRun runClient(List<String> flags, Duration limit) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(exe.toString(), "client"));
        cmd.addAll(flags);
        File out = File.createTempFile("kcpgo-client", ".out");
        File err = File.createTempFile("kcpgo-client", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out).redirectError(err).start();
            p.getOutputStream().close();
            int exit;
            if (p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                exit = p.exitValue();
            } else {
                p.destroyForcibly().waitFor();
                exit = -1;
            }
            return new ClientRun(exit, Files.readString(out.toPath()),
                    Files.readString(err.toPath()) + (exit == -1 ? "\n(killed after " + limit + ")" : ""));
        } finally {
            out.delete();
            err.delete();
        }
    }
}
