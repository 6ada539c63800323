package io.kcp.fec;

/**
 * kcp-go's FEC shape detector: a ring of the last 258 (isData, seqid) pulses, indexed by
 * {@code seqid % 258}, in which the length of a contiguous run of data (or parity) pulses
 * between two edges gives the peer's dataShards (or parityShards).
 */
final class AutoTune {

    static final int SAMPLES = 258;

    private final boolean[] bits = new boolean[SAMPLES];
    private final int[] seqs = new int[SAMPLES];

    void sample(boolean bit, int seq) {
        int i = Integer.remainderUnsigned(seq, SAMPLES);
        bits[i] = bit;
        seqs[i] = seq;
    }

    /**
     * The length of the first complete run of {@code bit} pulses, scanning the ring from index 0:
     * after the first edge into the run (with consecutive seqids) up to the edge out of it.
     * Returns -1 when the run is broken by a non-consecutive seqid; 0 or less when no such run
     * is found (callers accept only positive values).
     */
    int findPeriod(boolean bit) {
        boolean lastBit = bits[0];
        int lastSeq = seqs[0];
        int leftEdge = 0;
        for (int i = 1; i < SAMPLES; i++) {
            if (lastBit != bit && bits[i] == bit && lastSeq + 1 == seqs[i]) {
                leftEdge = i;
                break;
            }
            lastBit = bits[i];
            lastSeq = seqs[i];
        }

        int rightEdge = 0;
        lastBit = bits[leftEdge];
        lastSeq = seqs[leftEdge];
        for (int i = leftEdge + 1; i < SAMPLES; i++) {
            if (lastSeq + 1 != seqs[i]) {
                return -1;
            }
            if (lastBit == bit && bits[i] != bit) {
                rightEdge = i;
                break;
            }
            lastBit = bits[i];
            lastSeq = seqs[i];
        }
        return rightEdge - leftEdge;
    }
}
