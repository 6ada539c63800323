package io.kcp.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A TCP echo server on loopback: a thread per connection sends back what it reads. */
final class EchoServer implements AutoCloseable {

    private final ServerSocketChannel server;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    EchoServer() throws IOException {
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 2048);
        Thread t = new Thread(this::acceptLoop, "echo-accept");
        t.setDaemon(true);
        t.start();
    }

    InetSocketAddress address() throws IOException {
        return (InetSocketAddress) server.getLocalAddress();
    }

    String hostPort() throws IOException {
        return "127.0.0.1:" + address().getPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                SocketChannel c = server.accept();
                open.add(c);
                Thread t = new Thread(null, () -> echo(c), "echo-conn", 256 * 1024);
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void echo(SocketChannel c) {
        ByteBuffer b = ByteBuffer.allocateDirect(64 * 1024);
        try (c) {
            while (c.read(b) >= 0) {
                b.flip();
                while (b.hasRemaining()) c.write(b);
                b.clear();
            }
        } catch (IOException e) {
            // the tunnel closed it
        } finally {
            open.remove(c);
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (SocketChannel c : open) c.close();
    }
}
