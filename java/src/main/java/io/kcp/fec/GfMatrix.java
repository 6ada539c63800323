package io.kcp.fec;

/**
 * The rows of klauspost/reedsolomon's coding matrices over GF(2^8), in closed form.
 *
 * <p>klauspost's encoding matrix is {@code E = V · inv(V[0:ds])} with {@code V[r][c] = r^c}.
 * Row r of it carries the values of a polynomial of degree {@code < ds} at the points
 * {@code 0..ds-1} (the data shards) to its value at the point r: it is the Lagrange basis over
 * {@code {0..ds-1}} evaluated at r. So every shard of a group is the value of one polynomial at
 * the shard's index (as a field element), and rebuilding shards from any ds present shards S is
 * interpolation over S:
 * <pre>    shard o = sum over s in S of L_s(o) · shard s,   L_s(o) = prod over t in S, t != s of (o - t) / (s - t)</pre>
 * (subtraction is XOR here). An inverse matrix is unique, so these are exactly the bytes
 * klauspost's matrix inversion gives, for consistent and inconsistent shards alike; they cost
 * O(ds² + outputs·ds) table lookups instead of an O(ds³) inversion, and no allocation.
 */
final class GfMatrix {

    private GfMatrix() {
    }

    /**
     * The parity rows of the encoding matrix, {@code E[ds + p]} for {@code p < ps}: row p at
     * {@code [p*ds, p*ds + ds)}.
     */
    static byte[] parityRows(int ds, int ps) {
        int[] points = new int[ds];
        for (int c = 0; c < ds; c++) {
            points[c] = c;
        }
        int[] outputs = new int[ps];
        for (int p = 0; p < ps; p++) {
            outputs[p] = ds + p;
        }
        byte[] rows = new byte[ps * ds];
        interpolationRows(points, ds, outputs, ps, rows, new int[ds]);
        return rows;
    }

    /**
     * The coefficients that give the shards at {@code outputs[0..outCount)} from the shards at
     * {@code points[0..k)}: row j, at {@code [j*k, j*k + k)}, holds the coefficient of each
     * point in order. Points are distinct shard indices (0..255) and no output is a point.
     *
     * @param logWeights scratch of at least k entries
     */
    static void interpolationRows(int[] points, int k, int[] outputs, int outCount, byte[] dst,
                                  int[] logWeights) {
        // log of prod over t != s of (s - t), for each point s; each pair is looked up once
        java.util.Arrays.fill(logWeights, 0, k, 0);
        for (int i = 0; i < k; i++) {
            int s = points[i];
            for (int j = i + 1; j < k; j++) {
                int l = Gf256.log(s ^ points[j]);
                logWeights[i] += l;
                logWeights[j] += l;
            }
        }
        for (int i = 0; i < k; i++) {
            logWeights[i] %= 255;
        }
        for (int j = 0; j < outCount; j++) {
            int o = outputs[j];
            int logP = 0; // log of prod over s of (o - s)
            for (int i = 0; i < k; i++) {
                logP += Gf256.log(o ^ points[i]);
            }
            logP %= 255;
            int row = j * k;
            for (int i = 0; i < k; i++) {
                // P(o) / (o - s) / prod(s - t): exponents stay in (-510, 255)
                int e = logP - Gf256.log(o ^ points[i]) - logWeights[i];
                dst[row + i] = (byte) Gf256.exp(e < 0 ? (e < -255 ? e + 510 : e + 255) : e);
            }
        }
    }
}
