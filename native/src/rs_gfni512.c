/* GFNI kernel on 512-bit vectors: each product is one VGF2P8AFFINEQB with the coefficient's
 * 8x8 bit matrix (VGF2P8MULB would reduce by 0x11B, the wrong polynomial). Up to four outputs
 * are accumulated in registers while the inputs stream past, 128 bytes per step; the tail
 * uses byte masks, so any length runs at full width. */
#include "rs_internal.h"

#if KCP_X86_64
#include <immintrin.h>

#define ISA "gfni,avx512f,avx512bw"

KCP_RS_INLINE KCP_RS_TARGET(ISA) __m512i gmul(__m512i x, __m512i g) {
    return _mm512_gf2p8affine_epi64_epi8(x, g, 0);
}

KCP_RS_INLINE KCP_RS_TARGET(ISA) __m512i bcast(const uint64_t *g) {
    __m512i m = _mm512_set1_epi64((long long)*g);
#if defined(__clang__)
    /* LLVM before 20 encodes the compressed disp8 of VGF2P8AFFINEQB's {1to8} memory form with
     * the wrong scale (llvm-project PR 120340), so a folded broadcast can read the wrong
     * matrix. Keeping the matrix in a register prevents the fold. */
    __asm__("" : "+v"(m));
#endif
    return m;
}

/* Outputs out[0..R) from the bit-matrix rows g[0..R) (`cols` each) over bytes [0, len). */
KCP_RS_INLINE KCP_RS_TARGET(ISA) void rows512(const int R, const uint64_t *const *g, int cols,
                                              const uint8_t *const *in, uint8_t *const *out,
                                              size_t len) {
    const uint64_t *g0 = g[0], *g1 = g[R > 1 ? 1 : 0], *g2 = g[R > 2 ? 2 : 0],
                   *g3 = g[R > 3 ? 3 : 0];
    const __m512i zero = _mm512_setzero_si512();
    __m512i a0 = zero, a1 = zero, a2 = zero, a3 = zero, b0 = zero, b1 = zero, b2 = zero,
            b3 = zero, x, y, m;
    size_t off = 0;
    for (; off + 128 <= len; off += 128) {
        x = _mm512_loadu_si512(in[0] + off);
        y = _mm512_loadu_si512(in[0] + off + 64);
#define FIRST2(r) (m = bcast(&g##r[0]), a##r = gmul(x, m), b##r = gmul(y, m))
        KCP_RS_EACH(R, FIRST2);
        for (int c = 1; c < cols; c++) {
            x = _mm512_loadu_si512(in[c] + off);
            y = _mm512_loadu_si512(in[c] + off + 64);
#define NEXT2(r)                                                                           \
    (m = bcast(&g##r[c]), a##r = _mm512_xor_si512(a##r, gmul(x, m)),                       \
     b##r = _mm512_xor_si512(b##r, gmul(y, m)))
            KCP_RS_EACH(R, NEXT2);
        }
#define STORE2(r) (_mm512_storeu_si512(out[r] + off, a##r), _mm512_storeu_si512(out[r] + off + 64, b##r))
        KCP_RS_EACH(R, STORE2);
    }
    while (off < len) {
        size_t n = len - off < 64 ? len - off : 64;
        __mmask64 k = n == 64 ? ~(__mmask64)0 : (((__mmask64)1 << n) - 1);
        x = _mm512_maskz_loadu_epi8(k, in[0] + off);
#define FIRST1(r) (a##r = gmul(x, bcast(&g##r[0])))
        KCP_RS_EACH(R, FIRST1);
        for (int c = 1; c < cols; c++) {
            x = _mm512_maskz_loadu_epi8(k, in[c] + off);
#define NEXT1(r) (a##r = _mm512_xor_si512(a##r, gmul(x, bcast(&g##r[c]))))
            KCP_RS_EACH(R, NEXT1);
        }
#define STORE1(r) _mm512_mask_storeu_epi8(out[r] + off, k, a##r)
        KCP_RS_EACH(R, STORE1);
        off += n;
    }
}

KCP_RS_TARGET(ISA)
void kcp_rs_kernel_gfni512(const kcp_rs_mat *m, const int *rows, int n_out,
                           const uint8_t *const *in, uint8_t *const *out, size_t len) {
    for (int k = 0; k < n_out; k += KCP_RS_GROUP) {
        /* This group's bit matrices, gathered once per call: the loop then reads them with
         * plain broadcast loads. */
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
            rows512(1, g, m->cols, in, out + k, len);
            break;
        case 2:
            rows512(2, g, m->cols, in, out + k, len);
            break;
        case 3:
            rows512(3, g, m->cols, in, out + k, len);
            break;
        default:
            rows512(4, g, m->cols, in, out + k, len);
            break;
        }
    }
}
#endif
