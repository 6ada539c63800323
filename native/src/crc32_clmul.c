/*
 * CRC-32 by folding with carry-less multiplication (the method of Gopal et al., "Fast CRC
 * Computation for Generic Polynomials Using PCLMULQDQ Instruction", Intel, 2009).
 *
 * A 16-byte lane A (bit-reflected: its first 8 bytes are the high-degree half L, the rest H)
 * moved forward by D bits is congruent to L * x^(D+64) + H * x^D modulo P. With reflected
 * operands PCLMULQDQ yields the product shifted by one bit, and the constants below are
 * reflect32(x^n mod P) << 1 with n = D+32 for L and n = D-32 for H (the 32-bit offset puts the
 * 96-bit products where the next lane lines up). Several lanes fold in parallel, then into
 * one, which is reduced to 32 bits with x^64 and a Barrett step. Only x86-64; compiled per
 * function for its instruction set, so the library still runs on any x86-64.
 */
#include "crc32_internal.h"

#if KCP_X86_64
#include <immintrin.h>

#if defined(__GNUC__) || defined(__clang__)
#define TARGET(isa) __attribute__((target(isa)))
#else
#define TARGET(isa)
#endif

/* Fold constants as {multiplier of L, multiplier of H} for a distance of D bits. */
#define K_L_1024 0x1E88EF372ull /* x^1056: eight lanes, 128 bytes ahead */
#define K_H_1024 0x14A7FE880ull /* x^992 */
#define K_L_512 0x154442BD4ull  /* x^544: four lanes, 64 bytes ahead */
#define K_H_512 0x1C6E41596ull  /* x^480 */
#define K_L_256 0x0F1DA05AAull  /* x^288: two lanes */
#define K_H_256 0x15A546366ull  /* x^224 */
#define K_L_128 0x1751997D0ull  /* x^160: the next lane */
#define K_H_128 0x0CCAA009Eull  /* x^96 */
#define K_64 0x163CD6124ull     /* x^64 */
#define P_REFL 0x1DB710641ull   /* P itself, reflected over 33 bits */
#define MU_REFL 0x1F7011641ull  /* floor(x^64 / P), reflected over 33 bits */

#define ISA128 "pclmul,sse4.1"
#define ISA256 "vpclmulqdq,pclmul,avx2"

/* acc moved forward by the distance of k, plus the lane `next` that sits there. */
TARGET(ISA128) static inline __m128i fold128(__m128i acc, __m128i k, __m128i next) {
    __m128i l = _mm_clmulepi64_si128(acc, k, 0x00);
    __m128i h = _mm_clmulepi64_si128(acc, k, 0x11);
    return _mm_xor_si128(_mm_xor_si128(l, h), next);
}

TARGET(ISA128) static inline __m128i load128(const uint8_t *p) {
    return _mm_loadu_si128((const __m128i *)p);
}

/* Folds the remaining whole lanes into x, then reduces 128 bits to the 32-bit state. */
TARGET(ISA128) static uint32_t finish(__m128i x, const uint8_t *p, size_t len) {
    const __m128i k128 = _mm_set_epi64x((long long)K_H_128, (long long)K_L_128);
    for (; len >= 16; p += 16, len -= 16) x = fold128(x, k128, load128(p));

    const __m128i low32 = _mm_setr_epi32(-1, 0, 0, 0);
    /* 128 -> 96 bits: L times x^96, into H. */
    __m128i t = _mm_clmulepi64_si128(x, k128, 0x10);
    x = _mm_xor_si128(_mm_srli_si128(x, 8), t);
    /* 96 -> 64 bits: the lowest (highest-degree) 32 bits times x^64. */
    t = _mm_srli_si128(x, 4);
    x = _mm_clmulepi64_si128(_mm_and_si128(x, low32), _mm_cvtsi64_si128((long long)K_64), 0x00);
    x = _mm_xor_si128(x, t);
    /* Barrett: q = floor(x / P) from the low 32 bits times mu; x - q*P leaves the remainder. */
    const __m128i pmu = _mm_set_epi64x((long long)MU_REFL, (long long)P_REFL);
    t = _mm_clmulepi64_si128(_mm_and_si128(x, low32), pmu, 0x10);
    t = _mm_clmulepi64_si128(_mm_and_si128(t, low32), pmu, 0x00);
    return (uint32_t)_mm_extract_epi32(_mm_xor_si128(x, t), 1);
}

TARGET(ISA128) uint32_t kcp_crc32_pclmul(uint32_t state, const uint8_t *p, size_t len) {
    const __m128i k512 = _mm_set_epi64x((long long)K_H_512, (long long)K_L_512);
    const __m128i k128 = _mm_set_epi64x((long long)K_H_128, (long long)K_L_128);
    __m128i x0 = _mm_xor_si128(load128(p), _mm_cvtsi32_si128((int)state));
    if (len < 64) return finish(x0, p + 16, len - 16); /* one lane suffices */
    __m128i x1 = load128(p + 16), x2 = load128(p + 32), x3 = load128(p + 48);
    p += 64;
    len -= 64;
    for (; len >= 64; p += 64, len -= 64) {
        x0 = fold128(x0, k512, load128(p));
        x1 = fold128(x1, k512, load128(p + 16));
        x2 = fold128(x2, k512, load128(p + 32));
        x3 = fold128(x3, k512, load128(p + 48));
    }
    x0 = fold128(x0, k128, x1);
    x0 = fold128(x0, k128, x2);
    x0 = fold128(x0, k128, x3);
    return finish(x0, p, len);
}

TARGET(ISA256) static inline __m256i fold256(__m256i acc, __m256i k, __m256i next) {
    __m256i l = _mm256_clmulepi64_epi128(acc, k, 0x00);
    __m256i h = _mm256_clmulepi64_epi128(acc, k, 0x11);
    return _mm256_xor_si256(_mm256_xor_si256(l, h), next);
}

TARGET(ISA256) static inline __m256i load256(const uint8_t *p) {
    return _mm256_loadu_si256((const __m256i *)p);
}

TARGET(ISA256) static inline __m256i pair(uint64_t kl, uint64_t kh) {
    return _mm256_set_epi64x((long long)kh, (long long)kl, (long long)kh, (long long)kl);
}

TARGET(ISA256) uint32_t kcp_crc32_vpclmul(uint32_t state, const uint8_t *p, size_t len) {
    const __m256i k1024 = pair(K_L_1024, K_H_1024);
    const __m256i k256 = pair(K_L_256, K_H_256);
    __m256i y0 = _mm256_xor_si256(load256(p), _mm256_zextsi128_si256(_mm_cvtsi32_si128((int)state)));
    __m256i y1 = load256(p + 32), y2 = load256(p + 64), y3 = load256(p + 96);
    p += 128;
    len -= 128;
    for (; len >= 128; p += 128, len -= 128) {
        y0 = fold256(y0, k1024, load256(p));
        y1 = fold256(y1, k1024, load256(p + 32));
        y2 = fold256(y2, k1024, load256(p + 64));
        y3 = fold256(y3, k1024, load256(p + 96));
    }
    y0 = fold256(y0, k256, y1);
    y0 = fold256(y0, k256, y2);
    y0 = fold256(y0, k256, y3);
    for (; len >= 32; p += 32, len -= 32) y0 = fold256(y0, k256, load256(p));
    /* The two lanes of y0 are consecutive: fold the first into the second. */
    const __m128i k128 = _mm_set_epi64x((long long)K_H_128, (long long)K_L_128);
    __m128i x = fold128(_mm256_castsi256_si128(y0), k128, _mm256_extracti128_si256(y0, 1));
    return finish(x, p, len);
}

#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int kcp_crc32_clmul_unused;
#endif
