package io.kcp.cli;

import java.util.concurrent.atomic.AtomicLong;

/** What a tunnel has carried: sessions, streams, TCP connections, bytes each way. */
final class TunnelStats {
    final AtomicLong sessionsOpen = new AtomicLong();
    final AtomicLong sessionsTotal = new AtomicLong();
    final AtomicLong streamsOpen = new AtomicLong();
    final AtomicLong streamsTotal = new AtomicLong();
    final AtomicLong streamErrors = new AtomicLong();
    /** Bytes from the local TCP side into the tunnel. */
    final AtomicLong bytesIn = new AtomicLong();
    /** Bytes from the tunnel out to the local TCP side. */
    final AtomicLong bytesOut = new AtomicLong();
}
