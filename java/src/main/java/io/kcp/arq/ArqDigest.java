package io.kcp.arq;

/**
 * The state digest of docs/arq-kernel.md: FNV-1a style, one 32-bit value per step, so that the
 * C kernel can compute the very same number.
 */
final class ArqDigest {
    private static final long PRIME = 0x100000001b3L;

    private long h = 0xcbf29ce484222325L;

    void mix(int v) {
        h = (h ^ Integer.toUnsignedLong(v)) * PRIME;
    }

    void queue(SegmentQueue q) {
        int n = q.size();
        mix(n);
        for (int i = 0; i < n; i++) {
            Segment s = q.get(i);
            mix(s.conv);
            mix(s.cmd);
            mix(s.frg);
            mix(s.wnd);
            mix(s.ts);
            mix(s.sn);
            mix(s.una);
            mix(s.rto);
            mix(s.xmit);
            mix(s.resendts);
            mix(s.fastack);
            mix(s.acked);
            mix(s.len);
            byte[] d = s.data;
            for (int j = 0; j < s.len; j++) {
                mix(d[j] & 0xff);
            }
        }
    }

    long value() {
        return h;
    }
}
