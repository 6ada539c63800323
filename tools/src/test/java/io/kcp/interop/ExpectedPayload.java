package io.kcp.interop;

import java.util.zip.CRC32;

/**
 * The payload stream of PROTOCOL.md written again from its text (splitmix64, little-endian), so
 * the expected CRCs do not come from the code under test.
 */
final class ExpectedPayload {

    private ExpectedPayload() {
    }

    static int crc(long seed, long count) {
        CRC32 crc = new CRC32();
        byte[] buf = new byte[8192];
        long state = seed;
        long done = 0;
        while (done < count) {
            int n = (int) Math.min(buf.length, count - done);
            for (int i = 0; i < n; i += 8) {
                state += 0x9e3779b97f4a7c15L;
                long z = state;
                z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
                z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
                z ^= z >>> 31;
                for (int k = 0; k < 8 && i + k < n; k++) buf[i + k] = (byte) (z >>> (8 * k));
            }
            crc.update(buf, 0, n);
            done += n;
        }
        return (int) crc.getValue();
    }
}
