package io.kcp;

import java.nio.ByteBuffer;

/**
 * Whether a listener's session has heard from a live peer, or only from a replay. Without a MAC
 * anyone can resend a datagram they captured, from any address, and it decrypts and passes the
 * CRC; what a replayer cannot do is produce a second, different datagram that the ARQ accepts.
 * So a session counts as confirmed once it has accepted two datagrams with different contents.
 * Until then it is the first to go when new peers need room (see {@link KcpListener}).
 *
 * <p>Costs one hash per accepted datagram until confirmed, nothing after. Guarded by its
 * session's lock, except {@link #confirmed()}, which any thread may read.
 */
final class PeerEvidence {

    private long firstHash;
    private boolean seenOne;
    private volatile boolean confirmed;

    /**
     * Carries over what an earlier session for the same peer saw: the hash of its first
     * datagram ({@link #firstHash()}). A first datagram that differs from it confirms at once:
     * a real client retransmits with new timestamps, a replayer sends the same bytes again.
     */
    void seed(long earlierFirstHash) {
        seenOne = true;
        firstHash = earlierFirstHash;
    }

    /** The hash of the first accepted datagram, or 0 before one. */
    long firstHash() {
        return seenOne ? firstHash : 0;
    }

    /** An accepted datagram: its bytes between position and limit (not moved). */
    void accepted(ByteBuffer datagram) {
        if (confirmed) return;
        long h = hash(datagram);
        if (!seenOne) {
            seenOne = true;
            firstHash = h;
        } else if (h != firstHash) {
            confirmed = true;
        }
    }

    boolean confirmed() {
        return confirmed;
    }

    /** 64-bit FNV-1a: retransmissions differ in their timestamps, nonces and CRCs. */
    private static long hash(ByteBuffer b) {
        long h = 0xcbf29ce484222325L;
        for (int i = b.position(), end = b.limit(); i < end; i++) {
            h = (h ^ (b.get(i) & 0xFF)) * 0x100000001b3L;
        }
        return h;
    }
}
