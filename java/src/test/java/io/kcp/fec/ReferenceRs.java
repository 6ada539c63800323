package io.kcp.fec;

/**
 * A deliberately naive Reed-Solomon over GF(2^8)/0x11D for cross-checking: bitwise
 * multiplication, a freshly built matrix, one byte at a time.
 */
final class ReferenceRs {

    final int k;
    final int m;
    final int[][] matrix;

    ReferenceRs(int k, int m) {
        this.k = k;
        this.m = m;
        int[][] v = new int[k + m][k];
        for (int r = 0; r < k + m; r++) {
            for (int c = 0; c < k; c++) {
                int p = 1;
                for (int e = 0; e < c; e++) {
                    p = mul(p, r);
                }
                v[r][c] = p;
            }
        }
        int[][] top = new int[k][];
        System.arraycopy(v, 0, top, 0, k);
        int[][] inv = invert(top);
        matrix = new int[k + m][k];
        for (int r = 0; r < k + m; r++) {
            for (int c = 0; c < k; c++) {
                int s = 0;
                for (int i = 0; i < k; i++) {
                    s ^= mul(v[r][i], inv[i][c]);
                }
                matrix[r][c] = s;
            }
        }
    }

    static int mul(int a, int b) {
        int p = 0;
        while (b != 0) {
            if ((b & 1) != 0) {
                p ^= a;
            }
            a <<= 1;
            if ((a & 0x100) != 0) {
                a ^= 0x11D;
            }
            b >>>= 1;
        }
        return p;
    }

    static int inv(int a) {
        for (int x = 1; x < 256; x++) {
            if (mul(a, x) == 1) {
                return x;
            }
        }
        throw new ArithmeticException("no inverse");
    }

    static int[][] invert(int[][] src) {
        int n = src.length;
        int[][] a = new int[n][];
        int[][] b = new int[n][n];
        for (int i = 0; i < n; i++) {
            a[i] = src[i].clone();
            b[i][i] = 1;
        }
        for (int c = 0; c < n; c++) {
            int p = c;
            while (a[p][c] == 0) {
                p++;
            }
            int[] t = a[p]; a[p] = a[c]; a[c] = t;
            t = b[p]; b[p] = b[c]; b[c] = t;
            int s = inv(a[c][c]);
            for (int j = 0; j < n; j++) {
                a[c][j] = mul(a[c][j], s);
                b[c][j] = mul(b[c][j], s);
            }
            for (int r = 0; r < n; r++) {
                if (r != c && a[r][c] != 0) {
                    int f = a[r][c];
                    for (int j = 0; j < n; j++) {
                        a[r][j] ^= mul(f, a[c][j]);
                        b[r][j] ^= mul(f, b[c][j]);
                    }
                }
            }
        }
        return b;
    }

    /** Parity shards for the given data shards (all of length len). */
    byte[][] parity(byte[][] data, int len) {
        byte[][] out = new byte[m][len];
        for (int p = 0; p < m; p++) {
            for (int i = 0; i < len; i++) {
                int s = 0;
                for (int c = 0; c < k; c++) {
                    s ^= mul(matrix[k + p][c], data[c][i] & 0xFF);
                }
                out[p][i] = (byte) s;
            }
        }
        return out;
    }

    /** All k+m shards rebuilt from the first k present ones (the klauspost choice). */
    byte[][] rebuild(byte[][] shards, boolean[] present, int len) {
        int[] idx = new int[k];
        int f = 0;
        for (int i = 0; i < k + m && f < k; i++) {
            if (present[i]) {
                idx[f++] = i;
            }
        }
        int[][] sub = new int[k][];
        for (int i = 0; i < k; i++) {
            sub[i] = matrix[idx[i]];
        }
        int[][] inv = invert(sub);
        byte[][] data = new byte[k][len];
        for (int d = 0; d < k; d++) {
            for (int i = 0; i < len; i++) {
                int s = 0;
                for (int j = 0; j < k; j++) {
                    s ^= mul(inv[d][j], shards[idx[j]][i] & 0xFF);
                }
                data[d][i] = (byte) s;
            }
        }
        byte[][] par = parity(data, len);
        byte[][] all = new byte[k + m][];
        System.arraycopy(data, 0, all, 0, k);
        System.arraycopy(par, 0, all, k, m);
        return all;
    }
}
