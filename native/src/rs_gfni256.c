/* GFNI kernel on 256-bit vectors (GFNI without AVX-512): one VGF2P8AFFINEQB per product with
 * the coefficient's 8x8 bit matrix, up to four outputs in registers, 64 bytes per step. A
 * tail shorter than a vector is redone as one vector ending at `len`: outputs are written,
 * never accumulated, so recomputing overlapping bytes is harmless. */
#include "rs_internal.h"

#if KCP_X86_64
#include <immintrin.h>

#define ISA "gfni,avx2"

KCP_RS_INLINE KCP_RS_TARGET(ISA) __m256i gmul(__m256i x, __m256i g) {
    return _mm256_gf2p8affine_epi64_epi8(x, g, 0);
}

/* VEX encoding (no AVX-512 here) has no embedded broadcast, so no encoding pitfall. */
KCP_RS_INLINE KCP_RS_TARGET(ISA) __m256i bcast(const uint64_t *g) {
    return _mm256_set1_epi64x((long long)*g);
}

KCP_RS_INLINE KCP_RS_TARGET(ISA) __m256i load(const uint8_t *p) {
    return _mm256_loadu_si256((const __m256i *)p);
}

KCP_RS_INLINE KCP_RS_TARGET(ISA) void store(uint8_t *p, __m256i v) {
    _mm256_storeu_si256((__m256i *)p, v);
}

/* Outputs out[0..R) from the bit-matrix rows g[0..R) over bytes [0, len), len >= 32. */
KCP_RS_INLINE KCP_RS_TARGET(ISA) void rows256(const int R, const uint64_t *const *g, int cols,
                                              const uint8_t *const *in, uint8_t *const *out,
                                              size_t len) {
    const uint64_t *g0 = g[0], *g1 = g[R > 1 ? 1 : 0], *g2 = g[R > 2 ? 2 : 0],
                   *g3 = g[R > 3 ? 3 : 0];
    const __m256i zero = _mm256_setzero_si256();
    __m256i a0 = zero, a1 = zero, a2 = zero, a3 = zero, b0 = zero, b1 = zero, b2 = zero,
            b3 = zero, x, y, m;
    size_t off = 0;
    for (; off + 64 <= len; off += 64) {
        x = load(in[0] + off);
        y = load(in[0] + off + 32);
#define FIRST2(r) (m = bcast(&g##r[0]), a##r = gmul(x, m), b##r = gmul(y, m))
        KCP_RS_EACH(R, FIRST2);
        for (int c = 1; c < cols; c++) {
            x = load(in[c] + off);
            y = load(in[c] + off + 32);
#define NEXT2(r)                                                                           \
    (m = bcast(&g##r[c]), a##r = _mm256_xor_si256(a##r, gmul(x, m)),                       \
     b##r = _mm256_xor_si256(b##r, gmul(y, m)))
            KCP_RS_EACH(R, NEXT2);
        }
#define STORE2(r) (store(out[r] + off, a##r), store(out[r] + off + 32, b##r))
        KCP_RS_EACH(R, STORE2);
    }
    /* at most two single vectors: a full one, then one ending at len */
    while (off < len) {
        size_t at = off + 32 <= len ? off : len - 32;
        x = load(in[0] + at);
#define FIRST1(r) (a##r = gmul(x, bcast(&g##r[0])))
        KCP_RS_EACH(R, FIRST1);
        for (int c = 1; c < cols; c++) {
            x = load(in[c] + at);
#define NEXT1(r) (a##r = _mm256_xor_si256(a##r, gmul(x, bcast(&g##r[c]))))
            KCP_RS_EACH(R, NEXT1);
        }
#define STORE1(r) store(out[r] + at, a##r)
        KCP_RS_EACH(R, STORE1);
        off = at + 32;
    }
}

KCP_RS_TARGET(ISA)
void kcp_rs_kernel_gfni256(const kcp_rs_mat *m, const int *rows, int n_out,
                           const uint8_t *const *in, uint8_t *const *out, size_t len) {
    if (len < 32) {
        kcp_rs_kernel_scalar_range(m, rows, n_out, in, out, 0, len);
        return;
    }
    for (int k = 0; k < n_out; k += KCP_RS_GROUP) {
        /* This group's bit matrices, gathered once per call. */
        uint64_t gm[KCP_RS_GROUP][KCP_RS_MAX_SHARDS];
        const uint64_t *g[KCP_RS_GROUP];
        int R = n_out - k < KCP_RS_GROUP ? n_out - k : KCP_RS_GROUP;
        for (int r = 0; r < R; r++) {
            const uint8_t *co = m->coef + (size_t)(rows ? rows[k + r] : k + r) * (size_t)m->cols;
            for (int c = 0; c < m->cols; c++) gm[r][c] = kcp_rs_gf_affine[co[c]];
            g[r] = gm[r];
        }
        switch (R) {
        case 1:
            rows256(1, g, m->cols, in, out + k, len);
            break;
        case 2:
            rows256(2, g, m->cols, in, out + k, len);
            break;
        case 3:
            rows256(3, g, m->cols, in, out + k, len);
            break;
        default:
            rows256(4, g, m->cols, in, out + k, len);
            break;
        }
    }
}
#endif
