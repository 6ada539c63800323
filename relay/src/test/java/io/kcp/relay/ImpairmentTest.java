package io.kcp.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

@Tag("kernel-independent")
class ImpairmentTest {

    @Test
    void defaultsAreAPerfectLink() {
        Impairment none = Impairment.builder().build();
        assertEquals(Impairment.NONE, none);
        assertTrue(none.isPerfect());
        assertFalse(none.delays());
        assertEquals(0, none.lossProbability());
        assertNull(none.burstLoss());
        assertEquals(0, none.delayMillis());
        assertEquals(0, none.rateBytesPerSecond());
        assertEquals("perfect(seed=1)", none.toString());
    }

    @Test
    void anyImpairmentMakesItImperfect() {
        assertFalse(Impairment.builder().loss(0.01).build().isPerfect());
        assertFalse(Impairment.builder().burstLoss(0.1, 0.5, 1).build().isPerfect());
        assertFalse(Impairment.builder().delayMillis(1).build().isPerfect());
        assertFalse(Impairment.builder().jitterMillis(1).build().isPerfect());
        assertFalse(Impairment.builder().duplicate(0.5).build().isPerfect());
        assertFalse(Impairment.builder().reorder(0.5).build().isPerfect());
        assertFalse(Impairment.builder().rateLimit(1000).build().isPerfect());
        // A burst model that never leaves the good state with no good-state loss is still perfect.
        assertTrue(Impairment.builder().burstLoss(0, 0, 1).build().isPerfect());
    }

    @Test
    void invalidValuesAreRejectedWithTheAllowedRange() {
        expectRange(() -> Impairment.builder().loss(-0.1).build(), "lossProbability must be in [0, 1]");
        expectRange(() -> Impairment.builder().loss(1.01).build(), "lossProbability must be in [0, 1]");
        expectRange(() -> Impairment.builder().loss(Double.NaN).build(), "lossProbability must be in [0, 1]");
        expectRange(() -> Impairment.builder().duplicate(2).build(), "duplicateProbability must be in [0, 1]");
        expectRange(() -> Impairment.builder().reorder(-1).build(), "reorderProbability must be in [0, 1]");
        expectRange(() -> Impairment.builder().delayMillis(-1).build(), "delayMillis must be in [0, 60000.0]");
        expectRange(() -> Impairment.builder().delayMillis(60_001).build(), "delayMillis must be in [0, 60000.0]");
        expectRange(() -> Impairment.builder().jitterMillis(Double.POSITIVE_INFINITY).build(),
                "jitterMillis must be in [0, 60000.0]");
        expectRange(() -> Impairment.builder().reorder(0.1, 0).build(), "reorderDelayMillis must be in (0, ");
        expectRange(() -> Impairment.builder().rateLimit(-5).build(), "rateBytesPerSecond must be 0 (unlimited) or in [1, ");
        expectRange(() -> Impairment.builder().rateLimit(1000, 0, 10).build(), "rateBurstBytes must be in [1, ");
        expectRange(() -> Impairment.builder().rateLimit(1000, 10, 0).build(), "queueLimitBytes must be in [1, ");
        expectRange(() -> new GilbertElliott(1.5, 0.5, 1), "goodToBad must be in [0, 1]");
        expectRange(() -> new GilbertElliott(0.1, 0.5, -1), "lossInBad must be in [0, 1]");
        expectRange(() -> new GilbertElliott(0.1, 0, 1), "badToGood must be in (0, 1]");
        assertThrows(NullPointerException.class, () -> Impairment.builder().jitterMillis(1, null).build());
    }

    private static void expectRange(Executable build, String messageStart) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertTrue(e.getMessage().startsWith(messageStart), e.getMessage());
    }

    @Test
    void toBuilderAndWithSeedKeepEverythingElse() {
        Impairment a = Impairment.builder().loss(0.1).burstLoss(0.01, 0.3, 0.9).delayMillis(30)
                .jitterMillis(5, Jitter.NORMAL).duplicate(0.02).reorder(0.03, 12).rateLimit(125_000, 3000, 50_000)
                .seed(7).build();
        assertEquals(a, a.toBuilder().build());
        Impairment b = a.withSeed(8);
        assertEquals(8, b.seed());
        assertEquals(a, b.withSeed(7));
        assertEquals("loss=10% burst(g>b=1% b>g=30% lossBad=90%) delay=30ms±5ms(normal) reorder=3%(+12ms)"
                + " dup=2% rate=125000B/s(burst=3000 queue=50000) seed=7", a.toString());
    }

    @Test
    void gilbertElliottBadFraction() {
        assertEquals(0.25, new GilbertElliott(0.1, 0.3, 1).badFraction(), 1e-12);
        assertEquals(0, new GilbertElliott(0, 0, 1).badFraction());
    }
}
