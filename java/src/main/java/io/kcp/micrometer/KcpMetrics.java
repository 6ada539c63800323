package io.kcp.micrometer;

import io.kcp.Kcp;
import io.kcp.KcpListener;
import io.kcp.Snmp;
import io.kcp.SnmpCounter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Locale;
import java.util.Objects;

/**
 * kcp-java's counters for Micrometer: bind the process-wide set ({@link #global()}) or one
 * listener's ({@link #of(KcpListener)}, tagged with its address) to a {@code MeterRegistry}.
 * Every kcp-go Snmp counter becomes a function counter named after it in Micrometer's style
 * ({@code InCsumErrors} as {@code kcp.in.csum.errors}); {@code CurrEstab} and {@code MaxConn}
 * are gauges, as is a listener's live session count ({@code kcp.sessions}).
 *
 * <pre>{@code
 * KcpMetrics.global().bindTo(registry);
 * KcpMetrics.of(listener).bindTo(registry);
 * }</pre>
 *
 * <p>Micrometer ({@code io.micrometer:micrometer-core}) is an optional dependency of kcp-java:
 * add it to use this class. Values are read when the registry asks; nothing is sampled.
 */
public final class KcpMetrics implements MeterBinder {

    /** What the global meters hold on to: reachable for as long as this class is loaded. */
    private static final Object GLOBAL = new Object();

    private final Tags tags;
    private final KcpListener listener;

    private KcpMetrics(Tags tags, KcpListener listener) {
        this.tags = tags;
        this.listener = listener;
    }

    /**
     * The process-wide counters (kcp-go's DefaultSnmp), tagged {@code scope=global}.
     *
     * @return a binder
     */
    public static KcpMetrics global() {
        return new KcpMetrics(Tags.of("scope", "global"), null);
    }

    /**
     * One listener's counters (its sessions' included), tagged {@code scope=listener} and
     * {@code listener=<local address>}.
     *
     * @param listener the listener
     * @return a binder
     * @throws java.io.IOException if the listener's socket is already closed
     */
    public static KcpMetrics of(KcpListener listener) throws java.io.IOException {
        Objects.requireNonNull(listener, "listener");
        return new KcpMetrics(Tags.of("scope", "listener", "listener",
                String.valueOf(listener.localAddress())), listener);
    }

    /**
     * Registers the meters. Micrometer holds what a meter reads only weakly: the global meters read
     * through a constant that lives as long as this class; a listener's through the listener, so
     * they read as long as the application keeps the listener (NaN after it is gone), whether or
     * not anyone keeps this binder.
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        // The read functions capture neither this binder nor the listener (Micrometer keeps them
        // strongly): only the state object, held weakly, leads to the counters.
        Object state = listener != null ? listener : GLOBAL;
        for (SnmpCounter c : SnmpCounter.values()) {
            String name = meterName(c.kcpGoName());
            if (c == SnmpCounter.CURR_ESTAB || c == SnmpCounter.MAX_CONN) {
                Gauge.builder(name, state, s -> read(s, c)).tags(tags)
                        .description(c.kcpGoName()).register(registry);
            } else {
                FunctionCounter.builder(name, state, s -> unsigned(read(s, c)))
                        .tags(tags).description(c.kcpGoName()).register(registry);
            }
        }
        if (listener != null) {
            Gauge.builder("kcp.sessions", listener, KcpListener::sessionCount).tags(tags)
                    .description("live sessions").register(registry);
        }
    }

    private static long read(Object state, SnmpCounter c) {
        Snmp snmp = state instanceof KcpListener ? ((KcpListener) state).counters() : Kcp.counters();
        return snmp.get(c);
    }

    /** kcp-go's {@code InCsumErrors} as Micrometer's {@code kcp.in.csum.errors}. */
    static String meterName(String kcpGoName) {
        StringBuilder b = new StringBuilder("kcp");
        for (int i = 0; i < kcpGoName.length(); i++) {
            char ch = kcpGoName.charAt(i);
            boolean boundary = Character.isUpperCase(ch) && (i == 0
                    || Character.isLowerCase(kcpGoName.charAt(i - 1))
                    || (i + 1 < kcpGoName.length() && Character.isLowerCase(kcpGoName.charAt(i + 1))
                        && Character.isUpperCase(kcpGoName.charAt(i - 1))));
            if (boundary) b.append('.');
            b.append(Character.toLowerCase(ch));
        }
        return b.toString().toLowerCase(Locale.ROOT);
    }

    /** kcp-go's counters are unsigned 64-bit; a double holds their magnitude. */
    private static double unsigned(long v) {
        return v >= 0 ? v : (double) (v >>> 1) * 2.0;
    }
}
