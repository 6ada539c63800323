/* Matrix algebra over GF(2^8): klauspost's encoding matrix and inversion. */
#include <string.h>

#include "rs_internal.h"

#define MUL(a, b) kcp_rs_gf_mul_table[(a)][(b)]

int kcp_rs_invert(uint8_t *m, int n, uint8_t *work) {
    size_t w = 2 * (size_t)n; /* augmented row: [m | identity] */
    for (int r = 0; r < n; r++) {
        memcpy(work + r * w, m + (size_t)r * n, (size_t)n);
        memset(work + r * w + n, 0, (size_t)n);
        work[r * w + n + r] = 1;
    }
    for (int col = 0; col < n; col++) {
        int piv = col;
        while (piv < n && work[piv * w + col] == 0) piv++;
        if (piv == n) return -1;
        uint8_t *pr = work + (size_t)col * w;
        if (piv != col) {
            uint8_t *other = work + (size_t)piv * w;
            for (size_t k = 0; k < w; k++) {
                uint8_t t = pr[k];
                pr[k] = other[k];
                other[k] = t;
            }
        }
        /* Columns left of col are already zero in the pivot row: start at col. */
        const uint8_t *st = kcp_rs_gf_mul_table[kcp_rs_gf_inv(pr[col])];
        for (size_t k = (size_t)col; k < w; k++) pr[k] = st[pr[k]];
        for (int r = 0; r < n; r++) {
            uint8_t *row = work + (size_t)r * w;
            uint8_t f = row[col];
            if (r == col || f == 0) continue;
            const uint8_t *ft = kcp_rs_gf_mul_table[f];
            for (size_t k = (size_t)col; k < w; k++) row[k] ^= ft[pr[k]];
        }
    }
    for (int r = 0; r < n; r++) memcpy(m + (size_t)r * n, work + r * w + n, (size_t)n);
    return 0;
}

/* klauspost builds E = V * inv(V_top) with V[r][c] = r^c. Row r of that product holds the
 * coefficients that carry the values of a degree < ds polynomial at the points 0..ds-1 to its
 * value at r, that is the Lagrange basis at r:
 *     E[r][c] = L_c(r) = prod_{j != c} (r - j) / (c - j)    (subtraction is XOR here)
 * The inverse of a matrix is unique, so this gives the same bytes in O(ds^2 + ps*ds) instead
 * of an O(ds^3) inversion. With w_c = 1 / prod_{j != c} (c - j) and P(r) = prod_j (r - j):
 *     E[r][c] = w_c * P(r) / (r - c),   r >= ds, so r - c != 0. */
void kcp_rs_build_parity(int ds, int ps, uint8_t *out) {
    uint8_t w[KCP_RS_MAX_SHARDS];
    for (int c = 0; c < ds; c++) {
        uint8_t d = 1;
        for (int j = 0; j < ds; j++)
            if (j != c) d = MUL(d, (uint8_t)(c ^ j));
        w[c] = kcp_rs_gf_inv(d);
    }
    for (int p = 0; p < ps; p++) {
        int r = ds + p;
        uint8_t pr = 1;
        for (int j = 0; j < ds; j++) pr = MUL(pr, (uint8_t)(r ^ j));
        for (int c = 0; c < ds; c++)
            out[(size_t)p * ds + c] = MUL(MUL(w[c], pr), kcp_rs_gf_inv((uint8_t)(r ^ c)));
    }
}
