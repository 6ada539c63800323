package io.kcp.relay;

import java.util.Objects;

/**
 * What one direction of an {@link ImpairmentRelay} does to the datagrams crossing it. Immutable;
 * build one with {@link #builder()}. The defaults ({@link #NONE}) are a perfect link.
 *
 * <p>A datagram meets the impairments in this order, like a packet crossing a lossy bottleneck
 * and then a long wire:
 * <ol>
 *   <li><b>loss</b>: dropped with {@link #lossProbability()}, or, with {@link #burstLoss()} set,
 *       with the loss of the Gilbert–Elliott state it finds;</li>
 *   <li><b>rate limit</b>: a token bucket of {@link #rateBurstBytes()} filled at
 *       {@link #rateBytesPerSecond()} feeds a FIFO queue; a datagram that would take the bytes
 *       waiting in it over {@link #queueLimitBytes()} is dropped (tail drop);</li>
 *   <li><b>delay</b>: {@link #delayMillis()} plus a jitter sample (see {@link Jitter}), clamped
 *       at zero. Jitter alone can reorder datagrams, as on a real path;</li>
 *   <li><b>reordering</b>: with {@link #reorderProbability()} the datagram is held back another
 *       {@link #reorderDelayMillis()}, so the ones behind it overtake it;</li>
 *   <li><b>duplication</b>: with {@link #duplicateProbability()} a second copy is released, after
 *       the rate limit, with its own jitter sample (it is not held back for reordering).</li>
 * </ol>
 *
 * <p>Every datagram consumes the same fixed number of draws from the direction's generator,
 * whatever happens to it, so the fate of datagram <i>n</i> depends only on the seed and
 * <i>n</i>: enabling duplication does not change which datagrams are lost. Tail drops depend on
 * arrival times as well, so they alone vary between runs.
 */
public record Impairment(
        double lossProbability,
        GilbertElliott burstLoss,
        double delayMillis,
        double jitterMillis,
        Jitter jitter,
        double duplicateProbability,
        double reorderProbability,
        double reorderDelayMillis,
        long rateBytesPerSecond,
        int rateBurstBytes,
        int queueLimitBytes,
        long seed) {

    /** Longest delay, jitter or reordering hold-back accepted: a minute. */
    public static final double MAX_MILLIS = 60_000;
    /** Highest rate limit accepted (bytes/s); 0 means unlimited. */
    public static final long MAX_RATE = 1_000_000_000_000L;
    /** Largest token bucket or queue accepted (bytes). */
    public static final int MAX_BYTES = 1 << 30;

    static final int DEFAULT_BURST_BYTES = 1500;
    static final int DEFAULT_QUEUE_LIMIT_BYTES = 64 * 1024;
    static final double DEFAULT_REORDER_DELAY_MILLIS = 10;
    static final long DEFAULT_SEED = 1;

    /** A perfect link: nothing lost, delayed, duplicated or reordered; no rate limit. */
    public static final Impairment NONE = builder().build();

    public Impairment {
        checkProbability("lossProbability", lossProbability);
        checkMillis("delayMillis", delayMillis);
        checkMillis("jitterMillis", jitterMillis);
        Objects.requireNonNull(jitter, "jitter");
        checkProbability("duplicateProbability", duplicateProbability);
        checkProbability("reorderProbability", reorderProbability);
        checkMillis("reorderDelayMillis", reorderDelayMillis);
        if (reorderProbability > 0 && reorderDelayMillis == 0) {
            throw new IllegalArgumentException("reorderDelayMillis must be in (0, " + MAX_MILLIS
                    + "] when reorderProbability > 0, was 0");
        }
        if (rateBytesPerSecond < 0 || rateBytesPerSecond > MAX_RATE) {
            throw new IllegalArgumentException("rateBytesPerSecond must be 0 (unlimited) or in [1, "
                    + MAX_RATE + "], was " + rateBytesPerSecond);
        }
        checkBytes("rateBurstBytes", rateBurstBytes);
        checkBytes("queueLimitBytes", queueLimitBytes);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The same impairment with another seed (e.g. for the other direction). */
    public Impairment withSeed(long newSeed) {
        return toBuilder().seed(newSeed).build();
    }

    /** True when nothing is impaired: datagrams pass untouched, at once and in order. */
    public boolean isPerfect() {
        return lossProbability == 0 && (burstLoss == null || burstLoss.goodToBad() == 0)
                && duplicateProbability == 0 && !delays();
    }

    /** True when some datagram may be held for a while (delay, jitter, reordering, rate). */
    boolean delays() {
        return delayMillis > 0 || jitterMillis > 0 || reorderProbability > 0 || rateBytesPerSecond > 0;
    }

    /** A short human-readable summary, e.g. {@code loss=10% delay=30ms±5ms(uniform) seed=1}. */
    @Override
    public String toString() {
        if (isPerfect()) {
            return "perfect(seed=" + seed + ")";
        }
        StringBuilder s = new StringBuilder();
        if (lossProbability > 0) {
            s.append(" loss=").append(percent(lossProbability));
        }
        if (burstLoss != null && burstLoss.goodToBad() > 0) {
            s.append(" burst(g>b=").append(percent(burstLoss.goodToBad()))
                    .append(" b>g=").append(percent(burstLoss.badToGood()))
                    .append(" lossBad=").append(percent(burstLoss.lossInBad())).append(')');
        }
        if (delayMillis > 0 || jitterMillis > 0) {
            s.append(" delay=").append(number(delayMillis)).append("ms");
            if (jitterMillis > 0) {
                s.append('±').append(number(jitterMillis)).append("ms(")
                        .append(jitter.name().toLowerCase(java.util.Locale.ROOT)).append(')');
            }
        }
        if (reorderProbability > 0) {
            s.append(" reorder=").append(percent(reorderProbability))
                    .append("(+").append(number(reorderDelayMillis)).append("ms)");
        }
        if (duplicateProbability > 0) {
            s.append(" dup=").append(percent(duplicateProbability));
        }
        if (rateBytesPerSecond > 0) {
            s.append(" rate=").append(rateBytesPerSecond).append("B/s(burst=").append(rateBurstBytes)
                    .append(" queue=").append(queueLimitBytes).append(')');
        }
        return s.append(" seed=").append(seed).substring(1);
    }

    private static String percent(double p) {
        return number(p * 100) + "%";
    }

    private static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    static void checkProbability(String name, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1], was " + p);
        }
    }

    private static void checkMillis(String name, double ms) {
        if (!(ms >= 0 && ms <= MAX_MILLIS)) {
            throw new IllegalArgumentException(name + " must be in [0, " + MAX_MILLIS + "] ms, was " + ms);
        }
    }

    private static void checkBytes(String name, int bytes) {
        if (bytes < 1 || bytes > MAX_BYTES) {
            throw new IllegalArgumentException(name + " must be in [1, " + MAX_BYTES + "], was " + bytes);
        }
    }

    /** Starts from a perfect link; each setter overrides one aspect. Validation is in build(). */
    public static final class Builder {
        private double loss;
        private GilbertElliott burstLoss;
        private double delayMillis;
        private double jitterMillis;
        private Jitter jitter = Jitter.UNIFORM;
        private double duplicate;
        private double reorder;
        private double reorderDelayMillis = DEFAULT_REORDER_DELAY_MILLIS;
        private long rate;
        private int burstBytes = DEFAULT_BURST_BYTES;
        private int queueLimitBytes = DEFAULT_QUEUE_LIMIT_BYTES;
        private long seed = DEFAULT_SEED;

        private Builder() {
        }

        private Builder(Impairment i) {
            loss = i.lossProbability;
            burstLoss = i.burstLoss;
            delayMillis = i.delayMillis;
            jitterMillis = i.jitterMillis;
            jitter = i.jitter;
            duplicate = i.duplicateProbability;
            reorder = i.reorderProbability;
            reorderDelayMillis = i.reorderDelayMillis;
            rate = i.rateBytesPerSecond;
            burstBytes = i.rateBurstBytes;
            queueLimitBytes = i.queueLimitBytes;
            seed = i.seed;
        }

        /** Independent loss, or the good-state loss when {@link #burstLoss} is set. */
        public Builder loss(double probability) {
            loss = probability;
            return this;
        }

        /** Gilbert–Elliott burst loss (see {@link GilbertElliott}); null turns it off. */
        public Builder burstLoss(GilbertElliott model) {
            burstLoss = model;
            return this;
        }

        public Builder burstLoss(double goodToBad, double badToGood, double lossInBad) {
            return burstLoss(new GilbertElliott(goodToBad, badToGood, lossInBad));
        }

        public Builder delayMillis(double ms) {
            delayMillis = ms;
            return this;
        }

        /** Jitter with the {@link Jitter#UNIFORM} shape. */
        public Builder jitterMillis(double ms) {
            return jitterMillis(ms, Jitter.UNIFORM);
        }

        public Builder jitterMillis(double ms, Jitter shape) {
            jitterMillis = ms;
            jitter = shape;
            return this;
        }

        public Builder duplicate(double probability) {
            duplicate = probability;
            return this;
        }

        /** Holds back a fraction of datagrams by the default 10 ms. */
        public Builder reorder(double probability) {
            reorder = probability;
            return this;
        }

        public Builder reorder(double probability, double extraDelayMillis) {
            reorder = probability;
            reorderDelayMillis = extraDelayMillis;
            return this;
        }

        /** Rate limit with the default bucket (1500 B) and queue (64 KiB); 0 means unlimited. */
        public Builder rateLimit(long bytesPerSecond) {
            rate = bytesPerSecond;
            return this;
        }

        public Builder rateLimit(long bytesPerSecond, int bucketBytes, int queueBytes) {
            rate = bytesPerSecond;
            burstBytes = bucketBytes;
            queueLimitBytes = queueBytes;
            return this;
        }

        public Builder seed(long value) {
            seed = value;
            return this;
        }

        public Impairment build() {
            return new Impairment(loss, burstLoss, delayMillis, jitterMillis, jitter, duplicate, reorder,
                    reorderDelayMillis, rate, burstBytes, queueLimitBytes, seed);
        }
    }
}
