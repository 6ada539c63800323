package io.kcp.interop;

import io.kcp.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** kcp-java's {@code kcp} commands, run in this JVM (so on the kernel this test run pins). */
final class JavaPeer implements Peer {

    static final Pattern LISTENING = Pattern.compile("LISTENING addr=(\\S+)");

    @Override
    public String name() {
        return "kcp-java";
    }

    /** An output stream whose text can be read while another thread writes it. */
    static final class Capture {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        String text() {
            synchronized (stream) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }
    }

    @Override
    public Server startServer(List<String> flags) throws Exception {
        List<String> args = new ArrayList<>(List.of("echo-server", "--listen", "127.0.0.1:0", "--idle", "5"));
        args.addAll(flags);
        Capture out = new Capture();
        Capture err = new Capture();
        AtomicInteger status = new AtomicInteger(-1);
        Thread t = new Thread(() -> status.set(Main.run(args.toArray(String[]::new), out.stream, err.stream)),
                "interop-java-server");
        t.setDaemon(true);
        t.start();
        long end = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < end) {
            Matcher m = LISTENING.matcher(out.text());
            if (m.find()) {
                String address = m.group(1);
                return new Server() {
                    @Override
                    public String address() {
                        return address;
                    }

                    @Override
                    public String log() {
                        return err.text();
                    }

                    @Override
                    public void close() throws Exception {
                        t.interrupt(); // the server closes its listener and returns
                        t.join(10_000);
                        if (t.isAlive()) throw new AssertionError("Java server did not stop");
                    }
                };
            }
            if (!t.isAlive()) break;
            Thread.sleep(5);
        }
        t.interrupt();
        throw new AssertionError("Java server did not start (status " + status.get() + "): " + err.text());
    }

    @Override
    public ClientRun runClient(List<String> flags, Duration limit) {
        List<String> args = new ArrayList<>(List.of("client"));
        args.addAll(flags);
        Capture out = new Capture();
        Capture err = new Capture();
        // the client's own --timeout bounds the run (every blocking call has a deadline)
        int status = Main.run(args.toArray(String[]::new), out.stream, err.stream);
        return new ClientRun(status, out.text(), err.text());
    }
}
