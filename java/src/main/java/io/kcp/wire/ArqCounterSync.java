package io.kcp.wire;

import io.kcp.arq.Arq;
import io.kcp.arq.ArqField;
import java.util.Arrays;

/**
 * Carries an ARQ's own cumulative segment counters (OutSegs, InSegs, RetransSegs,
 * FastRetransSegs, EarlyRetransSegs, LostSegs, RepeatSegs) into {@link Counters} as deltas:
 * kcp-go bumps these globally inside its KCP; our kernels count per instance, so each
 * {@link #sync} adds what changed since the last one. Call it after input and flush calls. One
 * instance per ARQ; not thread-safe; allocates nothing.
 */
public final class ArqCounterSync {

    private static final ArqField[] FIELDS = {
        ArqField.OUT_SEGS, ArqField.IN_SEGS, ArqField.RETRANS_SEGS, ArqField.FAST_RETRANS_SEGS,
        ArqField.EARLY_RETRANS_SEGS, ArqField.LOST_SEGS, ArqField.REPEAT_SEGS,
    };
    private static final Counter[] TARGETS = {
        Counter.OUT_SEGS, Counter.IN_SEGS, Counter.RETRANS_SEGS,
        Counter.FAST_RETRANS_SEGS, Counter.EARLY_RETRANS_SEGS, Counter.LOST_SEGS,
        Counter.REPEAT_SEGS,
    };

    // One snapshot call is one JNI crossing for the native kernel; seven field() calls would be seven.
    private final long[] fields = new long[ArqField.COUNT];
    private final long[] last = new long[FIELDS.length];

    /** Adds to {@code counters} what {@code arq}'s segment counters gained since the last sync. */
    public void sync(Arq arq, Counters counters) {
        arq.snapshot(fields);
        for (int i = 0; i < FIELDS.length; i++) {
            long now = fields[FIELDS[i].ordinal()];
            long delta = now - last[i];
            if (delta != 0) {
                counters.add(TARGETS[i], delta);
                last[i] = now;
            }
        }
    }

    /** Forgets the remembered values: the next sync adds the ARQ's full counts (use for a new ARQ). */
    public void reset() {
        Arrays.fill(last, 0);
    }
}
