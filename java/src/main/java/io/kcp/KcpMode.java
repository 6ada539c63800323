package io.kcp;

/**
 * kcptun's named presets for the ARQ's {@code nodelay, interval, resend, nc} quadruple. FAST3 is
 * the most aggressive (lowest latency, most retransmissions); NORMAL the most conservative.
 */
public enum KcpMode {
    /** nodelay 0, interval 40 ms, resend 2, nc 1. */
    NORMAL(0, 40, 2, 1),
    /** nodelay 0, interval 30 ms, resend 2, nc 1 (kcptun's default). */
    FAST(0, 30, 2, 1),
    /** nodelay 1, interval 20 ms, resend 2, nc 1. */
    FAST2(1, 20, 2, 1),
    /** nodelay 1, interval 10 ms, resend 2, nc 1. */
    FAST3(1, 10, 2, 1);

    final int nodelay;
    final int interval;
    final int resend;
    final int nc;

    KcpMode(int nodelay, int interval, int resend, int nc) {
        this.nodelay = nodelay;
        this.interval = interval;
        this.resend = resend;
        this.nc = nc;
    }

    /**
     * The mode kcptun calls {@code name}.
     *
     * @param name {@code normal}, {@code fast}, {@code fast2} or {@code fast3} (any case)
     * @return the mode
     * @throws IllegalArgumentException for another name
     */
    public static KcpMode of(String name) {
        for (KcpMode m : values()) {
            if (m.name().equalsIgnoreCase(name)) return m;
        }
        throw new IllegalArgumentException("unknown mode '" + name
                + "': expected one of normal, fast, fast2, fast3");
    }

    /** @return kcp-go's nodelay setting of this mode */
    public int nodelay() { return nodelay; }

    /** @return the flush interval of this mode, in milliseconds */
    public int interval() { return interval; }

    /** @return the fast-retransmit threshold of this mode */
    public int resend() { return resend; }

    /** @return 1: every mode turns congestion control off, as kcptun's do */
    public int nc() { return nc; }
}
