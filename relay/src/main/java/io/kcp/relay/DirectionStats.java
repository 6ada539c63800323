package io.kcp.relay;

/**
 * Counters of one direction at one moment.
 *
 * @param received         datagrams that arrived at the relay
 * @param receivedBytes    their payload bytes
 * @param forwarded        datagrams sent on (duplicates included)
 * @param forwardedBytes   their payload bytes
 * @param droppedLoss      datagrams dropped by the loss model
 * @param droppedQueueFull datagrams dropped because the rate limiter's queue was full
 * @param duplicated       datagrams for which a second copy was scheduled
 * @param reordered        datagrams held back to be overtaken
 * @param sendFailed       copies the operating system refused to send (full socket buffer,
 *                         ICMP error, ...)
 */
public record DirectionStats(
        long received,
        long receivedBytes,
        long forwarded,
        long forwardedBytes,
        long droppedLoss,
        long droppedQueueFull,
        long duplicated,
        long reordered,
        long sendFailed) {

    /** All drops the relay decided on: loss plus full queue. */
    public long dropped() {
        return droppedLoss + droppedQueueFull;
    }

    /**
     * Copies decided on but not yet sent (or failed): zero once the direction is idle, since every
     * arrival ends dropped or as one or two copies.
     */
    public long inFlight() {
        return received - dropped() + duplicated - forwarded - sendFailed;
    }

    @Override
    public String toString() {
        return "received=" + received + " (" + receivedBytes + " B) forwarded=" + forwarded + " ("
                + forwardedBytes + " B) lost=" + droppedLoss + " queueFull=" + droppedQueueFull
                + " duplicated=" + duplicated + " reordered=" + reordered + " sendFailed=" + sendFailed;
    }
}
