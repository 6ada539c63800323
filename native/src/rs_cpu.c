/* Which kernels this CPU and OS can run (from cpu.c), and the process-wide choice. */
#include "rs_internal.h"

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
    unsigned cpu = kcp_cpu_features();
#if KCP_X86_64
    if (cpu & KCP_CPU_AVX2) available |= 1u << KCP_RS_PATH_AVX2;
    if ((cpu & KCP_CPU_AVX2) && (cpu & KCP_CPU_GFNI)) available |= 1u << KCP_RS_PATH_GFNI256;
    if ((cpu & KCP_CPU_AVX512BW) && (cpu & KCP_CPU_GFNI)) available |= 1u << KCP_RS_PATH_GFNI512;
#endif
#if KCP_AARCH64
    if (cpu & KCP_CPU_NEON) available |= 1u << KCP_RS_PATH_NEON;
#endif
    (void)cpu;
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
#if KCP_X86_64
    case KCP_RS_PATH_AVX2:
        return kcp_rs_kernel_avx2;
    case KCP_RS_PATH_GFNI256:
        return kcp_rs_kernel_gfni256;
    case KCP_RS_PATH_GFNI512:
        return kcp_rs_kernel_gfni512;
#endif
#if KCP_AARCH64
    case KCP_RS_PATH_NEON:
        return kcp_rs_kernel_neon;
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
    case KCP_RS_PATH_NEON:
        return "neon";
    default:
        return "unknown";
    }
}
