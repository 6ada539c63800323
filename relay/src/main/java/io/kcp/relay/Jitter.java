package io.kcp.relay;

/** How a datagram's delay varies around {@link Impairment#delayMillis()}. */
public enum Jitter {
    /** Delay + U[-jitter, +jitter] (netem's default shape). */
    UNIFORM,
    /**
     * Delay + N(0, jitter²): jitter is the standard deviation. Drawn by Box–Muller from two
     * uniforms, so each datagram consumes a fixed number of random draws.
     */
    NORMAL
}
