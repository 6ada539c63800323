package io.kcp.relay;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/** Sends one datagram and counts the outcome; used by the receiver and the release thread. */
final class Sender {
    private Sender() {
    }

    /**
     * Sends {@code data}'s remaining bytes, leaving its position unchanged. A non-blocking send
     * that finds the socket buffer full, or any error, counts as a failed send: the relay is a
     * network, and networks drop.
     */
    static void send(DatagramChannel channel, SocketAddress target, ByteBuffer data, DirectionCounters counters) {
        int position = data.position();
        int length = data.remaining();
        try {
            int sent = target == null ? channel.write(data) : channel.send(data, target);
            if (sent == length) {
                counters.forwarded(length);
            } else {
                counters.sendFailed.incrementAndGet();
            }
        } catch (IOException e) {
            // Includes ICMP port unreachable on a connected socket and a channel closed under us.
            counters.sendFailed.incrementAndGet();
        } finally {
            data.position(position);
        }
    }
}
