/* AVX2 kernel: c*x = T_lo[x & 15] ^ T_hi[x >> 4], two VPSHUFB lookups in the coefficient's
 * 16-entry nibble tables. Up to four outputs in registers, 64 bytes per step; a short tail is
 * redone as one vector ending at `len` (outputs are written, not accumulated). */
#include "rs_internal.h"

#if KCP_X86_64
#include <immintrin.h>

#define ISA "avx2"

/* The nibble tables come straight from the global ones: row c of the product table starts
 * with c*0..c*15, the low-nibble table. */
KCP_RS_INLINE KCP_RS_TARGET(ISA) __m256i table(const uint8_t *t) {
    return _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)t));
}

/* Columns of 32 bytes at off (and off + 32 when two) for R outputs; co0..co3 are the rows'
 * coefficients. Two columns per pass share each table load. */
KCP_RS_INLINE KCP_RS_TARGET(ISA) void cols_avx2(const int R, const int two,
                                                const uint8_t *const *co, int cols,
                                                const uint8_t *const *in, uint8_t *const *out,
                                                size_t off) {
    const uint8_t *co0 = co[0], *co1 = co[R > 1 ? 1 : 0], *co2 = co[R > 2 ? 2 : 0],
                  *co3 = co[R > 3 ? 3 : 0];
    const __m256i low4 = _mm256_set1_epi8(0x0f);
    const __m256i zero = _mm256_setzero_si256();
    __m256i a0 = zero, a1 = zero, a2 = zero, a3 = zero, b0 = zero, b1 = zero, b2 = zero,
            b3 = zero, xl, xh, yl = zero, yh = zero, tl, th;
    for (int c = 0; c < cols; c++) {
        __m256i x = _mm256_loadu_si256((const __m256i *)(in[c] + off));
        xl = _mm256_and_si256(x, low4);
        xh = _mm256_and_si256(_mm256_srli_epi64(x, 4), low4);
        if (two) {
            __m256i y = _mm256_loadu_si256((const __m256i *)(in[c] + off + 32));
            yl = _mm256_and_si256(y, low4);
            yh = _mm256_and_si256(_mm256_srli_epi64(y, 4), low4);
        }
#define ACC(r)                                                                             \
    do {                                                                                   \
        tl = table(kcp_rs_gf_mul_table[co##r[c]]);                                          \
        th = table(kcp_rs_gf_mul_high[co##r[c]]);                                           \
        a##r = _mm256_xor_si256(a##r, _mm256_xor_si256(_mm256_shuffle_epi8(tl, xl),           \
                                                       _mm256_shuffle_epi8(th, xh)));         \
        if (two)                                                                           \
            b##r = _mm256_xor_si256(b##r, _mm256_xor_si256(_mm256_shuffle_epi8(tl, yl),       \
                                                           _mm256_shuffle_epi8(th, yh)));     \
    } while (0)
        KCP_RS_EACH(R, ACC);
    }
#define STORE(r)                                                                           \
    do {                                                                                   \
        _mm256_storeu_si256((__m256i *)(out[r] + off), a##r);                              \
        if (two) _mm256_storeu_si256((__m256i *)(out[r] + off + 32), b##r);                \
    } while (0)
    KCP_RS_EACH(R, STORE);
}

/* Outputs out[0..R) over bytes [0, len), len >= 32. */
KCP_RS_INLINE KCP_RS_TARGET(ISA) void rows_avx2(const int R, const uint8_t *const *co, int cols,
                                                const uint8_t *const *in, uint8_t *const *out,
                                                size_t len) {
    size_t off = 0;
    for (; off + 64 <= len; off += 64) cols_avx2(R, 1, co, cols, in, out, off);
    if (off + 32 <= len) {
        cols_avx2(R, 0, co, cols, in, out, off);
        off += 32;
    }
    if (off < len) cols_avx2(R, 0, co, cols, in, out, len - 32);
}

KCP_RS_TARGET(ISA)
void kcp_rs_kernel_avx2(const kcp_rs_mat *m, const int *rows, int n_out,
                        const uint8_t *const *in, uint8_t *const *out, size_t len) {
    if (len < 32) {
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
            rows_avx2(1, co, m->cols, in, out + k, len);
            break;
        case 2:
            rows_avx2(2, co, m->cols, in, out + k, len);
            break;
        case 3:
            rows_avx2(3, co, m->cols, in, out + k, len);
            break;
        default:
            rows_avx2(4, co, m->cols, in, out + k, len);
            break;
        }
    }
}
#endif
