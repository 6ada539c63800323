package io.kcp.mux;

import java.util.concurrent.atomic.AtomicLong;

/** A session's counters; written by its threads, read by {@link MuxSession#stats()}. */
final class MuxCounters {
    final AtomicLong streamsOpened = new AtomicLong();
    final AtomicLong streamsAccepted = new AtomicLong();
    final AtomicLong streamsRefused = new AtomicLong();
    final AtomicLong framesReceived = new AtomicLong();
    final AtomicLong framesSent = new AtomicLong();
    final AtomicLong bytesReceived = new AtomicLong();
    final AtomicLong bytesSent = new AtomicLong();
    final AtomicLong droppedBytes = new AtomicLong();
    final AtomicLong windowOverruns = new AtomicLong();
    final AtomicLong ignoredFrames = new AtomicLong();

    MuxStats snapshot(long open, long buffered) {
        return new MuxStats(streamsOpened.get(), streamsAccepted.get(), streamsRefused.get(), open,
                framesReceived.get(), framesSent.get(), bytesReceived.get(), bytesSent.get(),
                droppedBytes.get(), windowOverruns.get(), ignoredFrames.get(), buffered);
    }
}
