package io.kcp.cli;

import java.util.Arrays;
import java.util.zip.CRC32;

/** Checks received bytes against the payload stream for a seed, keeping count and CRC-32. */
final class PayloadVerifier {

    private final Payload expected;
    private final CRC32 crc = new CRC32();
    private byte[] scratch = new byte[0];
    private long verified;

    PayloadVerifier(long seed) {
        this.expected = new Payload(seed);
    }

    /**
     * Checks the next {@code len} bytes of the stream.
     *
     * @throws ProtocolException at the first byte that differs (its offset in the stream)
     */
    void check(byte[] b, int off, int len) throws ProtocolException {
        if (scratch.length < len) scratch = new byte[len];
        expected.fill(scratch, 0, len);
        int diff = Arrays.mismatch(b, off, off + len, scratch, 0, len);
        if (diff >= 0) {
            throw new ProtocolException("payload mismatch at byte " + (verified + diff));
        }
        crc.update(b, off, len);
        verified += len;
    }

    /** Bytes verified so far. */
    long verified() {
        return verified;
    }

    /** CRC-32 of the bytes verified so far. */
    int crc() {
        return (int) crc.getValue();
    }
}
