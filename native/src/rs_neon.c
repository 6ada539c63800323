/* NEON kernel (AArch64): c*x = T_lo[x & 15] ^ T_hi[x >> 4], two TBL lookups in the
 * coefficient's 16-entry nibble tables, as the AVX2 kernel does with VPSHUFB. Up to four
 * outputs in registers, 32 bytes per step; a tail shorter than a vector is redone as one vector
 * ending at `len` (outputs are written, not accumulated). Advanced SIMD is part of every
 * AArch64 ABI, so no run-time check guards this file. */
#include "rs_internal.h"

#if KCP_AARCH64
#include <arm_neon.h>

/* Columns of 16 bytes at off (and off + 16 when two) for R outputs; co0..co3 are the rows'
 * coefficients. Two columns per pass share each table load. */
KCP_RS_INLINE void cols_neon(const int R, const int two, const uint8_t *const *co, int cols,
                             const uint8_t *const *in, uint8_t *const *out, size_t off) {
    const uint8_t *co0 = co[0], *co1 = co[R > 1 ? 1 : 0], *co2 = co[R > 2 ? 2 : 0],
                  *co3 = co[R > 3 ? 3 : 0];
    const uint8x16_t low4 = vdupq_n_u8(0x0f);
    const uint8x16_t zero = vdupq_n_u8(0);
    uint8x16_t a0 = zero, a1 = zero, a2 = zero, a3 = zero, b0 = zero, b1 = zero, b2 = zero,
               b3 = zero, xl, xh, yl = zero, yh = zero, tl, th;
    for (int c = 0; c < cols; c++) {
        uint8x16_t x = vld1q_u8(in[c] + off);
        xl = vandq_u8(x, low4);
        xh = vshrq_n_u8(x, 4);
        if (two) {
            uint8x16_t y = vld1q_u8(in[c] + off + 16);
            yl = vandq_u8(y, low4);
            yh = vshrq_n_u8(y, 4);
        }
#define ACC(r)                                                                             \
    do {                                                                                   \
        tl = vld1q_u8(kcp_rs_gf_mul_table[co##r[c]]);                                       \
        th = vld1q_u8(kcp_rs_gf_mul_high[co##r[c]]);                                        \
        a##r = veorq_u8(a##r, veorq_u8(vqtbl1q_u8(tl, xl), vqtbl1q_u8(th, xh)));            \
        if (two) b##r = veorq_u8(b##r, veorq_u8(vqtbl1q_u8(tl, yl), vqtbl1q_u8(th, yh)));   \
    } while (0)
        KCP_RS_EACH(R, ACC);
    }
#define STORE(r)                                                                           \
    do {                                                                                   \
        vst1q_u8(out[r] + off, a##r);                                                      \
        if (two) vst1q_u8(out[r] + off + 16, b##r);                                        \
    } while (0)
    KCP_RS_EACH(R, STORE);
}

/* Outputs out[0..R) over bytes [0, len), len >= 16. */
KCP_RS_INLINE void rows_neon(const int R, const uint8_t *const *co, int cols,
                             const uint8_t *const *in, uint8_t *const *out, size_t len) {
    size_t off = 0;
    for (; off + 32 <= len; off += 32) cols_neon(R, 1, co, cols, in, out, off);
    if (off + 16 <= len) {
        cols_neon(R, 0, co, cols, in, out, off);
        off += 16;
    }
    if (off < len) cols_neon(R, 0, co, cols, in, out, len - 16);
}

void kcp_rs_kernel_neon(const kcp_rs_mat *m, const int *rows, int n_out,
                        const uint8_t *const *in, uint8_t *const *out, size_t len) {
    if (len < 16) {
        kcp_rs_kernel_scalar_range(m, rows, n_out, in, out, 0, len);
        return;
    }
    for (int k = 0; k < n_out; k += KCP_RS_GROUP) {
        const uint8_t *co[KCP_RS_GROUP];
        int R = n_out - k < KCP_RS_GROUP ? n_out - k : KCP_RS_GROUP;
        for (int r = 0; r < R; r++)
            co[r] = m->coef + (size_t)(rows ? rows[k + r] : k + r) * (size_t)m->cols;
        switch (R) {
        case 1:
            rows_neon(1, co, m->cols, in, out + k, len);
            break;
        case 2:
            rows_neon(2, co, m->cols, in, out + k, len);
            break;
        case 3:
            rows_neon(3, co, m->cols, in, out + k, len);
            break;
        default:
            rows_neon(4, co, m->cols, in, out + k, len);
            break;
        }
    }
}
#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int kcp_rs_neon_unused;
#endif
