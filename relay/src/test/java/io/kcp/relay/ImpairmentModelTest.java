package io.kcp.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The decisions alone, on a made-up clock: exact, and fast enough for large samples. */
@Tag("kernel-independent")
class ImpairmentModelTest {
    private static final long MS = 1_000_000;
    private static final int N = 200_000;

    /** Which of {@code n} datagrams arriving 1 ms apart the model drops for loss. */
    static BitSet lost(Impairment impairment, int n) {
        ImpairmentModel model = new ImpairmentModel(impairment);
        Verdict v = new Verdict();
        BitSet lost = new BitSet(n);
        for (int i = 0; i < n; i++) {
            model.decide(i * MS, 100, v);
            if (v.fate == Verdict.Fate.LOST) {
                lost.set(i);
            }
        }
        return lost;
    }

    @Test
    void aPerfectLinkForwardsEverythingAtOnce() {
        ImpairmentModel model = new ImpairmentModel(Impairment.NONE);
        Verdict v = new Verdict();
        for (int i = 0; i < 10_000; i++) {
            long now = 42 + i * 7L;
            model.decide(now, 1400, v);
            assertEquals(Verdict.Fate.FORWARD, v.fate);
            assertEquals(1, v.copies);
            assertEquals(now, v.release);
            assertTrue(!v.reordered);
        }
    }

    @Test
    void independentLossHasTheConfiguredRateAndReplaysForTheSameSeed() {
        Impairment ten = Impairment.builder().loss(0.1).seed(99).build();
        BitSet a = lost(ten, N);
        // mean 20000, standard deviation ≈ 134: ± 1000 is over 7 deviations
        assertTrue(Math.abs(a.cardinality() - N * 0.1) < 1000, "lost " + a.cardinality());
        assertEquals(a, lost(ten, N));
        assertNotEquals(a, lost(ten.withSeed(100), N));
        assertEquals(0, lost(Impairment.builder().loss(0).build(), N).cardinality());
        assertEquals(N, lost(Impairment.builder().loss(1).build(), N).cardinality());
    }

    @Test
    void otherImpairmentsDoNotChangeWhichDatagramsAreLost() {
        Impairment plain = Impairment.builder().loss(0.2).seed(5).build();
        Impairment busy = plain.toBuilder().delayMillis(40).jitterMillis(10, Jitter.NORMAL).duplicate(0.3)
                .reorder(0.1, 25).build();
        assertEquals(lost(plain, N), lost(busy, N));
    }

    @Test
    void gilbertElliottLosesInBurstsAtTheStationaryRate() {
        // Bad 1/11 of the time, spells of 1/0.25 = 4 datagrams, all lost; 0.1 % loss when good.
        GilbertElliott ge = new GilbertElliott(0.025, 0.25, 1.0);
        BitSet lost = lost(Impairment.builder().loss(0.001).burstLoss(ge).seed(3).build(), N);
        double expected = (1 - ge.badFraction()) * 0.001 + ge.badFraction() * 1.0;
        double rate = lost.cardinality() / (double) N;
        assertEquals(expected, rate, 0.01, "loss rate");

        // Runs of consecutive losses: independent 10 % loss makes runs of ~1.1; bursts make ~4.
        int runs = 0;
        for (int i = lost.nextSetBit(0); i >= 0; i = lost.nextSetBit(lost.nextClearBit(i))) {
            runs++;
        }
        double meanRun = lost.cardinality() / (double) runs;
        assertTrue(meanRun > 3 && meanRun < 5, "mean burst " + meanRun);
    }

    @Test
    void uniformJitterStaysWithinItsBoundsAroundTheDelay() {
        ImpairmentModel model = new ImpairmentModel(Impairment.builder().delayMillis(50).jitterMillis(10).seed(1).build());
        Verdict v = new Verdict();
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        double sum = 0;
        for (int i = 0; i < N; i++) {
            model.decide(0, 100, v);
            min = Math.min(min, v.release);
            max = Math.max(max, v.release);
            sum += v.release;
        }
        assertTrue(min >= 40 * MS && min < 40 * MS + MS / 10, "min " + min);
        assertTrue(max <= 60 * MS && max > 60 * MS - MS / 10, "max " + max);
        assertEquals(50 * MS, sum / N, 0.1 * MS, "mean");
    }

    @Test
    void normalJitterHasTheConfiguredStandardDeviationAndNeverGoesNegative() {
        ImpairmentModel model = new ImpairmentModel(
                Impairment.builder().delayMillis(100).jitterMillis(10, Jitter.NORMAL).seed(2).build());
        Verdict v = new Verdict();
        double sum = 0;
        double squares = 0;
        for (int i = 0; i < N; i++) {
            model.decide(0, 100, v);
            double ms = v.release / (double) MS;
            sum += ms;
            squares += ms * ms;
        }
        double mean = sum / N;
        double sd = Math.sqrt(squares / N - mean * mean);
        assertEquals(100, mean, 0.2);
        assertEquals(10, sd, 0.2);

        ImpairmentModel clamped = new ImpairmentModel(
                Impairment.builder().jitterMillis(10, Jitter.NORMAL).seed(2).build());
        int zeros = 0;
        for (int i = 0; i < N; i++) {
            clamped.decide(1000, 100, v);
            assertTrue(v.release >= 1000);
            zeros += v.release == 1000 ? 1 : 0;
        }
        assertEquals(0.5, zeros / (double) N, 0.01, "half the samples are clamped to no delay");
    }

    @Test
    void reorderingHoldsBackTheConfiguredFractionByTheExtraDelay() {
        ImpairmentModel model = new ImpairmentModel(
                Impairment.builder().delayMillis(5).reorder(0.2, 30).seed(4).build());
        Verdict v = new Verdict();
        int held = 0;
        for (int i = 0; i < N; i++) {
            model.decide(i, 100, v);
            assertEquals(Verdict.Fate.FORWARD, v.fate);
            assertEquals(i + (v.reordered ? 35 : 5) * MS, v.release);
            held += v.reordered ? 1 : 0;
        }
        assertEquals(0.2, held / (double) N, 0.01);
    }

    @Test
    void duplicationAddsASecondCopyWithItsOwnJitter() {
        ImpairmentModel model = new ImpairmentModel(
                Impairment.builder().delayMillis(20).jitterMillis(5).duplicate(0.25).seed(6).build());
        Verdict v = new Verdict();
        int twice = 0;
        int sameTime = 0;
        for (int i = 0; i < N; i++) {
            model.decide(0, 100, v);
            if (v.copies == 2) {
                twice++;
                assertTrue(v.duplicateRelease >= 15 * MS && v.duplicateRelease <= 25 * MS);
                sameTime += v.duplicateRelease == v.release ? 1 : 0;
            } else {
                assertEquals(1, v.copies);
            }
        }
        assertEquals(0.25, twice / (double) N, 0.01);
        assertTrue(sameTime < twice / 100, "copies drawn independently");
    }

    @Test
    void theRateLimiterTailDropsAfterTheLossModel() {
        Impairment limited = Impairment.builder().loss(0.5).rateLimit(1000, 100, 300).seed(8).build();
        ImpairmentModel model = new ImpairmentModel(limited);
        Verdict v = new Verdict();
        int forwarded = 0;
        int full = 0;
        int lost = 0;
        for (int i = 0; i < 100; i++) { // all at once: 1 through the bucket, 3 queued, the rest dropped
            model.decide(0, 100, v);
            switch (v.fate) {
                case FORWARD -> forwarded++;
                case QUEUE_FULL -> full++;
                case LOST -> lost++;
            }
        }
        assertEquals(4, forwarded);
        assertEquals(lost(limited, 100).cardinality(), lost, "loss decided first, as without a limit");
        assertEquals(100 - 4 - lost, full);
    }
}
