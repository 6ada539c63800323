package io.kcp;

import java.net.SocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The peers whose sessions on probation gave way (evicted for a newcomer, or reaped), with the
 * hash of the datagram that opened each: when the same address opens a session again with a
 * different first datagram, that is a retransmission, so the new session starts confirmed and
 * cannot be pushed out again. Without this memory a real client could lose every race against
 * a flood of replays. Bounded (the oldest entries go first); thread-safe.
 */
final class GaveWay {

    static final int CAPACITY = 4096;

    private final Map<SocketAddress, Long> firstHashes =
            new LinkedHashMap<>(64, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<SocketAddress, Long> eldest) {
                    return size() > CAPACITY;
                }
            };

    /** Remembers a session that gave way, if it had accepted a datagram. */
    synchronized void remember(SocketAddress peer, long firstHash) {
        if (firstHash != 0) firstHashes.put(peer, firstHash);
    }

    /** The remembered hash for {@code peer} (forgotten now), or 0. */
    synchronized long take(SocketAddress peer) {
        Long h = firstHashes.remove(peer);
        return h == null ? 0 : h;
    }
}
