package io.kcp.relay;

import java.util.ArrayDeque;

/**
 * Recycles packets and their direct buffers between the receiver (takes) and the release thread
 * (gives back), so the steady state allocates nothing. Keeps at most {@link #LIMIT}; a larger
 * backlog is left to the garbage collector when it drains.
 */
final class PacketPool {
    static final int LIMIT = 8192;

    private final ArrayDeque<Packet> free = new ArrayDeque<>(LIMIT);
    private long created;

    synchronized Packet take() {
        Packet p = free.pollLast();
        if (p == null) {
            p = new Packet();
            created++;
        }
        return p;
    }

    /** Packets made so far: the pool grows to the largest number of datagrams held at once. */
    synchronized long created() {
        return created;
    }

    synchronized void give(Packet p) {
        p.clear();
        if (free.size() < LIMIT) {
            free.addLast(p);
        }
    }
}
