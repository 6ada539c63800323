package io.kcp;

import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Says, at most once per {@link #PERIOD_NANOS}, that datagrams from some address fail their
 * checksum: almost always a peer with another key or cipher. Without it a wrong key shows only
 * as a dead link after many seconds. Used on one receive thread; not thread-safe.
 */
final class ChecksumAlarm {

    static final long PERIOD_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final System.Logger LOG = System.getLogger("io.kcp");

    private final String where;
    private long lastNanos;
    private long failures;
    private boolean said;

    /** @param where who is receiving, for the message ("listener on 0.0.0.0:4000") */
    ChecksumAlarm(String where) {
        this.where = where;
    }

    /** A datagram from {@code source} failed its checksum. */
    void failed(SocketAddress source) {
        failures++;
        long now = System.nanoTime();
        if (said && now - lastNanos < PERIOD_NANOS) return;
        said = true;
        lastNanos = now;
        LOG.log(System.Logger.Level.WARNING, "kcp-java " + where + ": datagrams from " + source
                + " fail their checksum: wrong key or cipher? (" + failures + " so far)");
    }

    /** Checksum failures seen so far. */
    long failures() {
        return failures;
    }
}
