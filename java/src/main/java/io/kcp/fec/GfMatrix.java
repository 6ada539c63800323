package io.kcp.fec;

/** Small dense matrices over GF(2^8), as {@code int[row][column]} with entries 0..255. */
final class GfMatrix {

    private GfMatrix() {
    }

    /**
     * klauspost/reedsolomon's default encoding matrix: {@code V · inv(V[0:ds])} with
     * {@code V[r][c] = r^c}. The top {@code ds} rows are the identity, so the code is systematic.
     */
    static int[][] encodingMatrix(int dataShards, int parityShards) {
        int rows = dataShards + parityShards;
        int[][] v = new int[rows][dataShards];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < dataShards; c++) {
                v[r][c] = Gf256.pow(r, c);
            }
        }
        int[][] top = new int[dataShards][];
        System.arraycopy(v, 0, top, 0, dataShards);
        return multiply(v, invert(top));
    }

    static int[][] multiply(int[][] a, int[][] b) {
        int inner = b.length;
        int cols = b[0].length;
        int[][] p = new int[a.length][cols];
        for (int r = 0; r < a.length; r++) {
            for (int c = 0; c < cols; c++) {
                int s = 0;
                for (int i = 0; i < inner; i++) {
                    s ^= Gf256.mul(a[r][i], b[i][c]);
                }
                p[r][c] = s;
            }
        }
        return p;
    }

    /** Row vector times matrix. */
    static void multiplyRow(int[] row, int[][] m, int[] dst) {
        int cols = m[0].length;
        for (int c = 0; c < cols; c++) {
            int s = 0;
            for (int i = 0; i < row.length; i++) {
                s ^= Gf256.mul(row[i], m[i][c]);
            }
            dst[c] = s;
        }
    }

    /** Gauss-Jordan inversion of a square matrix (left unchanged). */
    static int[][] invert(int[][] m) {
        int n = m.length;
        int[][] a = new int[n][2 * n];
        for (int r = 0; r < n; r++) {
            System.arraycopy(m[r], 0, a[r], 0, n);
            a[r][n + r] = 1;
        }
        for (int col = 0; col < n; col++) {
            int pivot = col;
            while (pivot < n && a[pivot][col] == 0) {
                pivot++;
            }
            if (pivot == n) {
                throw new ArithmeticException("singular matrix");
            }
            int[] t = a[pivot];
            a[pivot] = a[col];
            a[col] = t;
            int scale = Gf256.inverse(a[col][col]);
            for (int c = 0; c < 2 * n; c++) {
                a[col][c] = Gf256.mul(a[col][c], scale);
            }
            for (int r = 0; r < n; r++) {
                int f = a[r][col];
                if (r != col && f != 0) {
                    for (int c = 0; c < 2 * n; c++) {
                        a[r][c] ^= Gf256.mul(f, a[col][c]);
                    }
                }
            }
        }
        int[][] inv = new int[n][n];
        for (int r = 0; r < n; r++) {
            System.arraycopy(a[r], n, inv[r], 0, n);
        }
        return inv;
    }
}
