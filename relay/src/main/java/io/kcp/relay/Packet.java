package io.kcp.relay;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/** A copy of a datagram waiting for its release time, with where it goes. Pooled. */
final class Packet {
    static final int INITIAL_CAPACITY = 2048;

    ByteBuffer data = ByteBuffer.allocateDirect(INITIAL_CAPACITY);
    /** Release time, {@link System#nanoTime()}. */
    long release;
    /** Arrival order: ties in release time leave in arrival order. */
    long order;
    DatagramChannel channel;
    /** Destination for an unconnected channel; null when the channel is connected. */
    SocketAddress target;
    DirectionCounters counters;

    /** Copies {@code src}'s remaining bytes (leaving its position unchanged) ready to send. */
    void fill(ByteBuffer src) {
        int length = src.remaining();
        if (data.capacity() < length) {
            data = ByteBuffer.allocateDirect(Math.max(length, data.capacity() * 2));
        }
        int position = src.position();
        data.clear();
        data.put(src).flip();
        src.position(position);
    }

    void clear() {
        channel = null;
        target = null;
        counters = null;
    }
}
