package io.kcp.relay;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

/** A loopback UDP endpoint for the tests: datagrams carry a sequence number in their first 4 bytes. */
final class Udp implements AutoCloseable {
    static final int TIMEOUT_MS = 5000;

    final DatagramSocket socket;
    private final byte[] in = new byte[65536];
    private final DatagramPacket received = new DatagramPacket(in, in.length);
    private final byte[] out = new byte[65536];
    /** Source of the last datagram received. */
    InetSocketAddress source;
    int length;

    Udp() throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setReceiveBufferSize(1 << 20);
        socket.setSoTimeout(TIMEOUT_MS);
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    void send(InetSocketAddress to, int seq) throws IOException {
        send(to, seq, 4);
    }

    void send(InetSocketAddress to, int seq, int size) throws IOException {
        ByteBuffer.wrap(out).putInt(seq);
        socket.send(new DatagramPacket(out, size, to));
    }

    /** The next datagram's sequence number; fails the test after {@link #TIMEOUT_MS}. */
    int receive() throws IOException {
        received.setLength(in.length);
        socket.receive(received);
        source = (InetSocketAddress) received.getSocketAddress();
        length = received.getLength();
        return ByteBuffer.wrap(in).getInt();
    }

    /** Like {@link #receive()}, or -1 after {@code ms} without a datagram. */
    int poll(int ms) throws IOException {
        socket.setSoTimeout(ms);
        try {
            return receive();
        } catch (SocketTimeoutException e) {
            return -1;
        } finally {
            socket.setSoTimeout(TIMEOUT_MS);
        }
    }

    /** Receives one datagram and sends its sequence number back to where it came from. */
    int echo() throws IOException {
        int seq = receive();
        send(source, seq, length);
        return seq;
    }

    @Override
    public void close() {
        socket.close();
    }
}
