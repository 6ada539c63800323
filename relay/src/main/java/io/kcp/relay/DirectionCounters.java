package io.kcp.relay;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The live counters of one direction. The receiver thread counts arrivals and decisions, the
 * receiver or the release thread counts sends, and anyone may read.
 */
final class DirectionCounters {
    final AtomicLong received = new AtomicLong();
    final AtomicLong receivedBytes = new AtomicLong();
    final AtomicLong forwarded = new AtomicLong();
    final AtomicLong forwardedBytes = new AtomicLong();
    final AtomicLong droppedLoss = new AtomicLong();
    final AtomicLong droppedQueueFull = new AtomicLong();
    final AtomicLong duplicated = new AtomicLong();
    final AtomicLong reordered = new AtomicLong();
    final AtomicLong sendFailed = new AtomicLong();

    void received(int bytes) {
        received.incrementAndGet();
        receivedBytes.addAndGet(bytes);
    }

    void forwarded(int bytes) {
        forwarded.incrementAndGet();
        forwardedBytes.addAndGet(bytes);
    }

    /**
     * Reads each counter once, later events first (a datagram is counted received, then
     * dropped or duplicated, then forwarded), so a snapshot taken while traffic flows never shows
     * a negative {@link DirectionStats#inFlight()}.
     */
    DirectionStats snapshot() {
        long fwd = forwarded.get();
        long fwdBytes = forwardedBytes.get();
        long failed = sendFailed.get();
        long dup = duplicated.get();
        long lost = droppedLoss.get();
        long full = droppedQueueFull.get();
        long held = reordered.get();
        long bytes = receivedBytes.get();
        return new DirectionStats(received.get(), bytes, fwd, fwdBytes, lost, full, dup, held, failed);
    }
}
