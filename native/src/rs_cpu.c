/* Which kernels this CPU and OS can run (CPUID + XGETBV), and the process-wide choice. */
#include "rs_internal.h"

#if KCP_RS_X86
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
#endif

static unsigned available = 1u << KCP_RS_PATH_SCALAR;
static int best_path = KCP_RS_PATH_SCALAR;
/* Read on every call and writable from any thread: relaxed atomics where the compiler has them. */
static volatile int active_path = KCP_RS_PATH_SCALAR;
#if defined(__GNUC__) || defined(__clang__)
static int get_active(void) { return __atomic_load_n(&active_path, __ATOMIC_RELAXED); }
static void set_active(int p) { __atomic_store_n(&active_path, p, __ATOMIC_RELAXED); }
#else
static int get_active(void) { return active_path; }
static void set_active(int p) { active_path = p; }
#endif

void kcp_rs_cpu_detect(void) {
#if KCP_RS_X86
    unsigned l1[4], l7[4];
    cpuid(1, 0, l1);
    cpuid(7, 0, l7);
    int osxsave = (l1[2] >> 27) & 1, avx = (l1[2] >> 28) & 1;
    uint64_t xcr0 = osxsave ? xgetbv0() : 0;
    /* The OS must save the registers: XMM|YMM for AVX, plus opmask|ZMM_Hi256|Hi16_ZMM. */
    int ymm_ok = avx && (xcr0 & 0x6) == 0x6;
    int zmm_ok = ymm_ok && (xcr0 & 0xE6) == 0xE6;
    int avx2 = ymm_ok && ((l7[1] >> 5) & 1);
    int avx512 = zmm_ok && ((l7[1] >> 16) & 1) && ((l7[1] >> 30) & 1); /* F + BW */
    int gfni = (l7[2] >> 8) & 1;
    if (avx2) available |= 1u << KCP_RS_PATH_AVX2;
    if (avx2 && gfni) available |= 1u << KCP_RS_PATH_GFNI256;
    if (avx512 && gfni) available |= 1u << KCP_RS_PATH_GFNI512;
#endif
    for (int p = KCP_RS_PATH_COUNT - 1; p >= 0; p--) {
        if (available & (1u << p)) {
            best_path = p;
            break;
        }
    }
    set_active(best_path);
}

kcp_rs_kernel_fn kcp_rs_kernel(void) {
    switch (get_active()) {
#if KCP_RS_X86
    case KCP_RS_PATH_AVX2:
        return kcp_rs_kernel_avx2;
    case KCP_RS_PATH_GFNI256:
        return kcp_rs_kernel_gfni256;
    case KCP_RS_PATH_GFNI512:
        return kcp_rs_kernel_gfni512;
#endif
    default:
        return kcp_rs_kernel_scalar;
    }
}

unsigned kcp_rs_available_paths(void) {
    kcp_rs_init();
    return available;
}

int kcp_rs_set_path(int path) {
    kcp_rs_init();
    if (path == KCP_RS_PATH_AUTO) path = best_path;
    if (path < 0 || path >= KCP_RS_PATH_COUNT || !(available & (1u << path)))
        return KCP_RS_EINVAL;
    set_active(path);
    return KCP_RS_OK;
}

int kcp_rs_path(void) {
    kcp_rs_init();
    return get_active();
}

const char *kcp_rs_path_name(int path) {
    switch (path) {
    case KCP_RS_PATH_SCALAR:
        return "scalar";
    case KCP_RS_PATH_AVX2:
        return "avx2";
    case KCP_RS_PATH_GFNI256:
        return "gfni256";
    case KCP_RS_PATH_GFNI512:
        return "gfni512";
    default:
        return "unknown";
    }
}
