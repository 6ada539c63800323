package io.kcp.wire;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Live {@link Counter}s: one set per session (or listener), each adding through to its
 * parent, up to the process-wide {@link #GLOBAL} (kcp-go's {@code DefaultSnmp}).
 *
 * <p>Any thread may add and read at any time without locks: each counter is an atomic long, so
 * an add is one atomic instruction per level. Reading {@link #values()} while others add is not
 * one instant across all counters (kcp-go's {@code Copy} is not either), but each value is exact.
 */
public final class Counters {

    // before GLOBAL: static fields initialise in order
    private static final int COUNT = Counter.values().length;

    /** The process-wide counters every session adds to (kcp-go's {@code DefaultSnmp}). */
    public static final Counters GLOBAL = new Counters(null);

    private final AtomicLongArray values = new AtomicLongArray(COUNT);
    private final Counters parent;

    /** @param parent where every add also goes (and from there to its parent), or null */
    public Counters(Counters parent) {
        this.parent = parent;
    }

    /** The counters this one adds through to, or null. */
    public Counters parent() {
        return parent;
    }

    /** Adds {@code n} (may be negative) here and in every ancestor. */
    public void add(Counter c, long n) {
        int i = c.ordinal();
        for (Counters k = this; k != null; k = k.parent) {
            k.values.getAndAdd(i, n);
        }
    }

    /** Adds one here and in every ancestor. */
    public void inc(Counter c) {
        add(c, 1);
    }

    public long get(Counter c) {
        return values.get(c.ordinal());
    }

    /**
     * Counts an opened session at every level: ActiveOpens (dialed) or PassiveOpens (accepted),
     * CurrEstab up by one, and MaxConn raised to the new CurrEstab, as kcp-go does.
     */
    public void sessionOpened(boolean active) {
        int opens = (active ? Counter.ACTIVE_OPENS : Counter.PASSIVE_OPENS).ordinal();
        for (Counters k = this; k != null; k = k.parent) {
            k.values.getAndIncrement(opens);
            long established = k.values.incrementAndGet(Counter.CURR_ESTAB.ordinal());
            k.raise(Counter.MAX_CONN.ordinal(), established);
        }
    }

    /** Counts a closed session at every level: CurrEstab down by one. */
    public void sessionClosed() {
        add(Counter.CURR_ESTAB, -1);
    }

    /** Raises counter {@code i} to {@code v} unless it is already higher (unsigned). */
    private void raise(int i, long v) {
        long cur;
        do {
            cur = values.get(i);
            if (Long.compareUnsigned(cur, v) >= 0) {
                return;
            }
        } while (!values.compareAndSet(i, cur, v));
    }

    /** The current values, in {@link Counter} order. */
    public long[] values() {
        long[] v = new long[COUNT];
        for (int i = 0; i < v.length; i++) {
            v[i] = values.get(i);
        }
        return v;
    }

    /** Sets every counter of this level to zero (kcp-go's {@code Reset}); ancestors keep theirs. */
    public void reset() {
        for (int i = 0; i < COUNT; i++) {
            values.set(i, 0);
        }
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        long[] v = values();
        for (Counter c : Counter.values()) {
            if (b.length() > 0) b.append(' ');
            b.append(c.kcpGoName()).append('=').append(Long.toUnsignedString(v[c.ordinal()]));
        }
        return b.toString();
    }
}
