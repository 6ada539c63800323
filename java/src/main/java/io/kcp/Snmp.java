package io.kcp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * An immutable snapshot of the {@link SnmpCounter}s, the counterpart of kcp-go's {@code Snmp}
 * copy: {@link #header()} and {@link #values()} line up like kcp-go's {@code Header()} and
 * {@code ToSlice()}. Values are unsigned 64-bit, as in kcp-go.
 */
public final class Snmp {

    private static final Snmp ZERO = new Snmp(new long[SnmpCounter.COUNT]);

    private final long[] values;

    private Snmp(long[] values) {
        this.values = values;
    }

    /**
     * A snapshot with these values, in {@link SnmpCounter} order (copied).
     *
     * @param values one per counter
     * @return the snapshot
     * @throws IllegalArgumentException unless there is exactly one value per counter
     */
    public static Snmp of(long... values) {
        if (values.length != SnmpCounter.COUNT) {
            throw new IllegalArgumentException("an Snmp snapshot has " + SnmpCounter.COUNT
                    + " values, got " + values.length);
        }
        return new Snmp(values.clone());
    }

    /** @return a snapshot with every counter zero */
    public static Snmp zero() {
        return ZERO;
    }

    /**
     * One counter's value.
     *
     * @param counter which one
     * @return its value, an unsigned 64-bit number as in kcp-go
     */
    public long get(SnmpCounter counter) {
        return values[counter.ordinal()];
    }

    /** @return the counters' names in {@code Header()} order: kcp-go's, then kcp-java's own */
    public static List<String> header() {
        return SnmpCounter.kcpGoNames();
    }

    /** @return the values as unsigned decimal strings in {@link #header()} order (kcp-go's ToSlice) */
    public List<String> values() {
        List<String> out = new ArrayList<>(values.length);
        for (long v : values) {
            out.add(Long.toUnsignedString(v));
        }
        return Collections.unmodifiableList(out);
    }

    /** @return the values in {@link SnmpCounter} order (a copy) */
    public long[] toArray() {
        return values.clone();
    }

    /**
     * The change since {@code earlier}, counter by counter (wrapping like kcp-go's uint64). For
     * the gauges {@link SnmpCounter#CURR_ESTAB} and {@link SnmpCounter#MAX_CONN} the difference
     * is as meaningful as it gets: it may be "negative" (a huge unsigned value).
     *
     * @param earlier an older snapshot
     * @return the differences
     */
    public Snmp minus(Snmp earlier) {
        long[] d = new long[values.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = values[i] - earlier.values[i];
        }
        return new Snmp(d);
    }

    /** One line: {@code BytesSent=0 BytesReceived=0 ...}. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(values.length * 16);
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                s.append(' ');
            }
            s.append(SnmpCounter.of(i).kcpGoName()).append('=').append(Long.toUnsignedString(values[i]));
        }
        return s.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Snmp && Arrays.equals(values, ((Snmp) o).values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }
}
