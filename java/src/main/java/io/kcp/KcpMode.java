package io.kcp;

/**
 * kcptun's named presets for the ARQ's {@code nodelay, interval, resend, nc} quadruple. FAST3 is
 * the most aggressive (lowest latency, most retransmissions); NORMAL the most conservative.
 */
public enum KcpMode {
    NORMAL(0, 40, 2, 1),
    FAST(0, 30, 2, 1),
    FAST2(1, 20, 2, 1),
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

    /** The mode for kcptun's name ({@code normal}, {@code fast}, {@code fast2}, {@code fast3}). */
    public static KcpMode of(String name) {
        for (KcpMode m : values()) {
            if (m.name().equalsIgnoreCase(name)) return m;
        }
        throw new IllegalArgumentException("unknown mode '" + name
                + "': expected one of normal, fast, fast2, fast3");
    }

    public int nodelay() { return nodelay; }
    public int interval() { return interval; }
    public int resend() { return resend; }
    public int nc() { return nc; }
}
