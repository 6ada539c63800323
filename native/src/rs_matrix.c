/* klauspost's encoding matrix in closed form. */
#include <string.h>

#include "rs_internal.h"

/* klauspost builds E = V * inv(V_top) with V[r][c] = r^c. Row r of that product holds the
 * coefficients that carry the values of a degree < ds polynomial at the points 0..ds-1 to its
 * value at r, that is the Lagrange basis at r:
 *     E[r][c] = L_c(r) = prod_{j != c} (r - j) / (c - j)    (subtraction is XOR here)
 * The inverse of a matrix is unique, so this gives the same bytes in O(ds^2 + ps*ds) instead
 * of an O(ds^3) inversion. With w_c = 1 / prod_{j != c} (c - j) and P(r) = prod_j (r - j):
 *     E[r][c] = w_c * P(r) / (r - c),   r >= ds, so r - c != 0,
 * computed with logarithms: sums of small-table lookups, no chain of multiplications, so a
 * codec for the largest shapes is made in tens of microseconds. */
void kcp_rs_build_parity(int ds, int ps, uint8_t *out) {
    const uint8_t *lg = kcp_rs_gf_log;
    unsigned logd[KCP_RS_MAX_SHARDS]; /* log prod_{j != c} (c - j), each pair looked up once */
    memset(logd, 0, sizeof(unsigned) * (size_t)ds);
    for (int c = 0; c < ds; c++) {
        for (int j = c + 1; j < ds; j++) {
            unsigned l = lg[c ^ j];
            logd[c] += l;
            logd[j] += l;
        }
        logd[c] %= 255;
    }
    for (int p = 0; p < ps; p++) {
        unsigned r = (unsigned)(ds + p), logp = 0;
        for (int j = 0; j < ds; j++) logp += lg[r ^ (unsigned)j];
        logp = logp % 255 + 510; /* keeps the exponent below positive */
        uint8_t *row = out + (size_t)p * ds;
        for (int c = 0; c < ds; c++) {
            unsigned e = logp - logd[c] - lg[r ^ (unsigned)c]; /* in [2, 764] */
            row[c] = kcp_rs_gf_exp[e >= 510 ? e - 510 : e >= 255 ? e - 255 : e];
        }
    }
}
