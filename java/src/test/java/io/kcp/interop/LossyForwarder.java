package io.kcp.interop;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UDP forwarder between one client and a server that drops a seeded-random fraction of the
 * datagrams in each direction: loss on the wire for either implementation, without touching
 * either. The client talks to {@link #address()}; the server sees the forwarder's own port.
 */
final class LossyForwarder implements Closeable {

    private final DatagramChannel front; // faces the client
    private final DatagramChannel back;  // faces the server
    private final InetSocketAddress server;
    private final double loss;
    private volatile SocketAddress client;
    final AtomicLong forwarded = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    private final Thread up;
    private final Thread down;

    LossyForwarder(InetSocketAddress server, double loss, long seed) throws IOException {
        this.server = server;
        this.loss = loss;
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        front = open(loopback);
        back = open(loopback);
        up = start("up", () -> pump(front, back, new Random(seed), true));
        down = start("down", () -> pump(back, front, new Random(seed * 31 + 7), false));
    }

    private static DatagramChannel open(InetSocketAddress at) throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        ch.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
        ch.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
        ch.bind(at);
        return ch;
    }

    private static Thread start(String name, Runnable r) {
        Thread t = new Thread(r, "lossy-forwarder-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    InetSocketAddress address() throws IOException {
        return (InetSocketAddress) front.getLocalAddress();
    }

    private void pump(DatagramChannel from, DatagramChannel to, Random rng, boolean upstream) {
        ByteBuffer buf = ByteBuffer.allocateDirect(2048);
        try {
            while (true) {
                buf.clear();
                SocketAddress source = from.receive(buf);
                if (upstream) client = source;
                buf.flip();
                if (rng.nextDouble() < loss) {
                    dropped.incrementAndGet();
                    continue;
                }
                SocketAddress target = upstream ? server : client;
                if (target == null) continue;
                to.send(buf, target);
                forwarded.incrementAndGet();
            }
        } catch (IOException e) {
            // closed
        }
    }

    @Override
    public void close() throws IOException {
        front.close();
        back.close();
        try {
            up.join(2000);
            down.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
