package io.kcp.relay;

/**
 * Burst loss after Gilbert–Elliott: a two-state Markov chain stepped once per datagram. In the
 * good state a datagram is lost with {@link Impairment#lossProbability()}, in the bad state with
 * {@code lossInBad}. After each datagram the chain moves good→bad with {@code goodToBad} and
 * bad→good with {@code badToGood}; it starts good.
 *
 * <p>In the long run the chain is bad a fraction {@code goodToBad / (goodToBad + badToGood)} of
 * the time, and a bad spell lasts {@code 1 / badToGood} datagrams on average.
 */
public record GilbertElliott(double goodToBad, double badToGood, double lossInBad) {

    public GilbertElliott {
        Impairment.checkProbability("goodToBad", goodToBad);
        Impairment.checkProbability("badToGood", badToGood);
        Impairment.checkProbability("lossInBad", lossInBad);
        if (badToGood == 0 && goodToBad > 0) {
            throw new IllegalArgumentException(
                    "badToGood must be in (0, 1] when goodToBad > 0 (else the link never recovers)");
        }
    }

    /** Fraction of datagrams seen in the bad state, in the long run. */
    public double badFraction() {
        double sum = goodToBad + badToGood;
        return sum == 0 ? 0 : goodToBad / sum;
    }
}
