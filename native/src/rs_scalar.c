/* Portable kernel: one 256-byte product row of the multiplication table per coefficient. */
#include "rs_internal.h"

void kcp_rs_kernel_scalar_range(const kcp_rs_mat *m, const int *rows, int n_out,
                                const uint8_t *const *in, uint8_t *const *out, size_t from,
                                size_t to) {
    for (int k = 0; k < n_out; k++) {
        const uint8_t *co = m->coef + (size_t)(rows ? rows[k] : k) * (size_t)m->cols;
        uint8_t *o = out[k];
        const uint8_t *t = kcp_rs_gf_mul_table[co[0]];
        const uint8_t *x = in[0];
        for (size_t b = from; b < to; b++) o[b] = t[x[b]];
        for (int c = 1; c < m->cols; c++) {
            x = in[c];
            if (co[c] == 0) continue;
            if (co[c] == 1) {
                for (size_t b = from; b < to; b++) o[b] ^= x[b];
                continue;
            }
            t = kcp_rs_gf_mul_table[co[c]];
            for (size_t b = from; b < to; b++) o[b] ^= t[x[b]];
        }
    }
}

void kcp_rs_kernel_scalar(const kcp_rs_mat *m, const int *rows, int n_out,
                          const uint8_t *const *in, uint8_t *const *out, size_t len) {
    kcp_rs_kernel_scalar_range(m, rows, n_out, in, out, 0, len);
}
