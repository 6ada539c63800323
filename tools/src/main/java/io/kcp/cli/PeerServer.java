package io.kcp.cli;

import io.kcp.Kcp;
import io.kcp.KcpConfig;
import io.kcp.KcpListener;
import io.kcp.KcpSession;
import java.io.Closeable;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * The request-protocol server: accepts sessions and serves each on its own thread (virtual
 * where the JDK has them, a bounded pool of platform threads otherwise) until closed.
 */
final class PeerServer implements Closeable {

    private final KcpListener listener;
    private final Duration idle;
    private final Consumer<SessionRecord> log;
    private final Executor sessionThreads = SessionThreads.executor();
    private final Thread acceptor;

    private PeerServer(KcpListener listener, Duration idle, Consumer<SessionRecord> log) {
        this.listener = listener;
        this.idle = idle;
        this.log = log;
        this.acceptor = new Thread(this::acceptLoop, "kcp-peer-accept");
        acceptor.setDaemon(true);
    }

    /**
     * Listens on {@code address} and starts accepting.
     *
     * @param idle how long a session may make no progress before it is closed
     * @param log  gets one record per finished request (from session threads)
     */
    static PeerServer start(InetSocketAddress address, KcpConfig config, Duration idle,
                            Consumer<SessionRecord> log) throws IOException {
        PeerServer s = new PeerServer(Kcp.listen(address, config), idle, Objects.requireNonNull(log));
        s.acceptor.start();
        return s;
    }

    InetSocketAddress address() throws IOException {
        return (InetSocketAddress) listener.localAddress();
    }

    private void acceptLoop() {
        while (listener.isOpen()) {
            KcpSession s;
            try {
                s = listener.accept();
            } catch (IOException e) {
                if (listener.isOpen()) System.err.println("server: accept failed: " + e);
                return;
            }
            try {
                sessionThreads.execute(() -> new RequestHandler(s, idle).serve(log));
            } catch (RejectedExecutionException e) {
                System.err.println("server: busy, " + SessionThreads.PLATFORM_LIMIT
                        + " sessions are being served: refused " + s.remoteAddress());
                s.close();
            }
        }
    }

    /** Waits until the server is closed (or {@code max} passes; zero waits for ever). */
    void await(Duration max) throws InterruptedException {
        acceptor.join(max.toMillis());
    }

    /** Stops accepting and ends every session. */
    @Override
    public void close() {
        listener.close();
    }

    /** {@code host:port} with the numeric host ({@code [v6]:port} for IPv6). */
    static String hostPort(InetSocketAddress a) {
        String host = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
        if (a.getAddress() instanceof Inet6Address) host = "[" + host + "]";
        return host + ":" + a.getPort();
    }
}
