package io.kcp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A UDP forwarder between one client and a server, for attacks from the client's own address:
 * the server sees the tap's back socket as the client, so whatever the tap injects comes from the
 * client's address. It keeps copies of the first datagrams it forwards to the server.
 */
final class UdpTap implements AutoCloseable {

    private static final int KEPT = 64;

    private final DatagramChannel front;
    private final DatagramChannel back;
    private final InetSocketAddress server;
    private final List<byte[]> upstream = new CopyOnWriteArrayList<>();
    private volatile SocketAddress client;

    UdpTap(InetSocketAddress server) throws IOException {
        this.server = server;
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        front = DatagramChannel.open().bind(any);
        back = DatagramChannel.open().bind(any);
        start("tap-up", this::pumpUp);
        start("tap-down", this::pumpDown);
    }

    private static void start(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    /** Where the client sends to reach the server through the tap. */
    InetSocketAddress address() throws IOException {
        return (InetSocketAddress) front.getLocalAddress();
    }

    /** The datagram number {@code i} (from 0) the client sent, as it went to the server. */
    byte[] upstream(int i) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (upstream.size() <= i && System.nanoTime() < end) Thread.sleep(1);
        return upstream.get(i).clone();
    }

    /** How many upstream datagrams are kept so far (at most 64). */
    int kept() {
        return upstream.size();
    }

    /** Sends {@code datagram} to the server from the client's address (as the server sees it). */
    void inject(byte[] datagram) throws IOException {
        back.send(ByteBuffer.wrap(datagram), server);
    }

    private void pumpUp() {
        ByteBuffer b = ByteBuffer.allocate(2048);
        try {
            while (true) {
                b.clear();
                client = front.receive(b);
                b.flip();
                if (upstream.size() < KEPT) {
                    byte[] copy = new byte[b.remaining()];
                    b.duplicate().get(copy);
                    upstream.add(copy);
                }
                back.send(b, server);
            }
        } catch (IOException e) {
            // closed
        }
    }

    private void pumpDown() {
        ByteBuffer b = ByteBuffer.allocate(2048);
        try {
            while (true) {
                b.clear();
                back.receive(b);
                SocketAddress c = client;
                if (c != null) front.send(b.flip(), c);
            }
        } catch (IOException e) {
            // closed
        }
    }

    @Override
    public void close() throws IOException {
        front.close();
        back.close();
    }
}
