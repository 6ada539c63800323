package io.kcp.relay;

import java.util.SplittableRandom;

/**
 * The decisions of one direction: for each arriving datagram, lost or not, and when each copy is
 * released. Driven by one thread (the relay's receiver); not thread-safe.
 *
 * <p>Each datagram takes exactly {@value #DRAWS} draws from a {@link SplittableRandom} seeded
 * with {@link Impairment#seed()} (its algorithm is specified, so runs replay on any JDK), in a
 * fixed order whatever is enabled: loss, Gilbert–Elliott step, two for jitter, duplication, two
 * for the duplicate's jitter, reordering.
 */
final class ImpairmentModel {
    static final int DRAWS = 8;
    private static final double NANOS_PER_MILLI = 1e6;

    private final Impairment config;
    private final SplittableRandom random;
    private final RateLimiter limiter;
    private final GilbertElliott burst;
    private final double delayNanos;
    private final double jitterNanos;
    private final long reorderNanos;
    private boolean bad;

    ImpairmentModel(Impairment config) {
        this.config = config;
        this.random = new SplittableRandom(config.seed());
        this.limiter = config.rateBytesPerSecond() == 0 ? null
                : new RateLimiter(config.rateBytesPerSecond(), config.rateBurstBytes(), config.queueLimitBytes());
        this.burst = config.burstLoss();
        this.delayNanos = config.delayMillis() * NANOS_PER_MILLI;
        this.jitterNanos = config.jitterMillis() * NANOS_PER_MILLI;
        this.reorderNanos = Math.round(config.reorderDelayMillis() * NANOS_PER_MILLI);
    }

    Impairment config() {
        return config;
    }

    /** Decides the fate of a datagram of {@code length} bytes arriving at {@code now}. */
    void decide(long now, int length, Verdict out) {
        double uLoss = random.nextDouble();
        double uState = random.nextDouble();
        double j1 = random.nextDouble();
        double j2 = random.nextDouble();
        double uDuplicate = random.nextDouble();
        double d1 = random.nextDouble();
        double d2 = random.nextDouble();
        double uReorder = random.nextDouble();

        double lossProbability = bad ? burst.lossInBad() : config.lossProbability();
        if (burst != null) {
            bad = bad ? uState >= burst.badToGood() : uState < burst.goodToBad();
        }
        out.copies = 0;
        out.reordered = false;
        if (uLoss < lossProbability) {
            out.fate = Verdict.Fate.LOST;
            return;
        }
        long departure = now;
        if (limiter != null) {
            if (!limiter.admit(now, length)) {
                out.fate = Verdict.Fate.QUEUE_FULL;
                return;
            }
            departure = limiter.lastDeparture();
        }
        out.fate = Verdict.Fate.FORWARD;
        out.copies = 1;
        out.release = departure + delay(j1, j2);
        if (uReorder < config.reorderProbability()) {
            out.reordered = true;
            out.release += reorderNanos;
        }
        if (uDuplicate < config.duplicateProbability()) {
            out.copies = 2;
            out.duplicateRelease = departure + delay(d1, d2);
        }
    }

    /** Delay plus a jitter sample from two uniforms, clamped at zero, in nanoseconds. */
    private long delay(double u1, double u2) {
        double jitter;
        if (jitterNanos == 0) {
            jitter = 0;
        } else if (config.jitter() == Jitter.UNIFORM) {
            jitter = (2 * u1 - 1) * jitterNanos;
        } else {
            // Box–Muller; 1 - u1 is in (0, 1], so the logarithm is finite.
            jitter = Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2) * jitterNanos;
        }
        return Math.max(0, Math.round(delayNanos + jitter));
    }
}
