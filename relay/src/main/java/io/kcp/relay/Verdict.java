package io.kcp.relay;

/** What {@link ImpairmentModel#decide} made of one datagram; reused, one per direction. */
final class Verdict {
    enum Fate { FORWARD, LOST, QUEUE_FULL }

    Fate fate;
    /** 1, or 2 when duplicated; meaningful for {@link Fate#FORWARD}. */
    int copies;
    /** Release times ({@link System#nanoTime()}) of the copies. */
    long release;
    long duplicateRelease;
    boolean reordered;
}
