/* klauspost's encoding matrix in closed form. */
#include "rs_internal.h"

#define MUL(a, b) kcp_rs_gf_mul_table[(a)][(b)]

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
