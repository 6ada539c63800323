/* CPUID and XGETBV on x86-64; AArch64 needs no probe (NEON is baseline there). */
#include "cpu.h"

#include <stdint.h>

#if KCP_X86_64
#if defined(_MSC_VER) && !defined(__clang__)
#include <intrin.h>
static void cpuid(unsigned leaf, unsigned sub, unsigned r[4]) {
    int v[4];
    __cpuidex(v, (int)leaf, (int)sub);
    for (int i = 0; i < 4; i++) r[i] = (unsigned)v[i];
}
static uint64_t xgetbv0(void) { return _xgetbv(0); }
#else
#include <cpuid.h>
static void cpuid(unsigned leaf, unsigned sub, unsigned r[4]) {
    r[0] = r[1] = r[2] = r[3] = 0;
    if (leaf > (unsigned)__get_cpuid_max(0, 0)) return;
    __cpuid_count(leaf, sub, r[0], r[1], r[2], r[3]);
}
/* Inline asm: the _xgetbv intrinsic would need -mxsave for the whole file. */
static uint64_t xgetbv0(void) {
    uint32_t lo, hi;
    __asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}
#endif

static unsigned x86_features(void) {
    unsigned l1[4], l7[4], f = 0;
    cpuid(1, 0, l1);
    cpuid(7, 0, l7);
    int pclmul = (l1[2] >> 1) & 1, sse41 = (l1[2] >> 19) & 1;
    int osxsave = (l1[2] >> 27) & 1, avx = (l1[2] >> 28) & 1;
    uint64_t xcr0 = osxsave ? xgetbv0() : 0;
    /* The OS must save the registers: XMM|YMM for AVX, plus opmask|ZMM_Hi256|Hi16_ZMM. */
    int ymm_ok = avx && (xcr0 & 0x6) == 0x6;
    int zmm_ok = ymm_ok && (xcr0 & 0xE6) == 0xE6;
    if (pclmul && sse41) f |= KCP_CPU_PCLMUL;
    if (ymm_ok && ((l7[1] >> 5) & 1)) f |= KCP_CPU_AVX2;
    if (ymm_ok && ((l7[2] >> 10) & 1)) f |= KCP_CPU_VPCLMUL;
    if ((l7[2] >> 8) & 1) f |= KCP_CPU_GFNI;
    if (zmm_ok && ((l7[1] >> 16) & 1) && ((l7[1] >> 30) & 1)) f |= KCP_CPU_AVX512BW;
    return f;
}
#endif

unsigned kcp_cpu_features(void) {
#if KCP_X86_64
    return x86_features();
#elif KCP_AARCH64
    return KCP_CPU_NEON;
#else
    return 0;
#endif
}
