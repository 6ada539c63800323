/* GF(2^8) tables (polynomial x^8+x^4+x^3+x^2+1 = 0x11D, generator 2) and one-time setup. */
#include "rs_internal.h"

#if defined(_MSC_VER) && !defined(__clang__)
#include <intrin.h>
#include <windows.h>
#endif

uint8_t kcp_rs_gf_mul_table[256][256];
uint8_t kcp_rs_gf_mul_high[256][16];
uint64_t kcp_rs_gf_affine[256];
uint8_t kcp_rs_gf_exp[510];
uint8_t kcp_rs_gf_log[256];

/* VGF2P8AFFINEQB computes bit i of each result byte as parity(A.byte[7-i] & x). x -> c*x is
 * linear with column j = c * 2^j, so A.byte[7-i] gathers bit i of those eight columns. */
static uint64_t affine_matrix(const uint8_t *times_c) {
    uint64_t a = 0;
    for (int i = 0; i < 8; i++) {
        unsigned row = 0;
        for (int j = 0; j < 8; j++) row |= (unsigned)((times_c[1u << j] >> i) & 1u) << j;
        a |= (uint64_t)row << (8 * (7 - i));
    }
    return a;
}

static void build_tables(void) {
    unsigned x = 1;
    for (int i = 0; i < 255; i++) {
        kcp_rs_gf_exp[i] = (uint8_t)x;
        kcp_rs_gf_exp[i + 255] = (uint8_t)x;
        kcp_rs_gf_log[x] = (uint8_t)i;
        x <<= 1;
        if (x & 0x100) x ^= 0x11D;
    }
    for (int a = 0; a < 256; a++) {
        for (int b = 0; b < 256; b++) {
            kcp_rs_gf_mul_table[a][b] =
                (a && b) ? kcp_rs_gf_exp[kcp_rs_gf_log[a] + kcp_rs_gf_log[b]] : 0;
        }
    }
    for (int c = 0; c < 256; c++) {
        for (int n = 0; n < 16; n++) kcp_rs_gf_mul_high[c][n] = kcp_rs_gf_mul_table[c][n << 4];
        kcp_rs_gf_affine[c] = affine_matrix(kcp_rs_gf_mul_table[c]);
    }
}

uint8_t kcp_rs_gf_inv(uint8_t a) { return kcp_rs_gf_exp[255 - kcp_rs_gf_log[a]]; }

/* 0 = not started, 1 = a thread is building, 2 = ready. */
static volatile long init_state;

#if defined(_MSC_VER) && !defined(__clang__)
static long load_acquire(void) { return _InterlockedOr(&init_state, 0); }
static int claim(void) { return _InterlockedCompareExchange(&init_state, 1, 0) == 0; }
static void publish(void) { _InterlockedExchange(&init_state, 2); }
static void pause_briefly(void) { SwitchToThread(); }
#else
static long load_acquire(void) { return __atomic_load_n(&init_state, __ATOMIC_ACQUIRE); }
static int claim(void) {
    long expected = 0;
    return __atomic_compare_exchange_n(&init_state, &expected, 1, 0, __ATOMIC_ACQ_REL,
                                       __ATOMIC_ACQUIRE);
}
static void publish(void) { __atomic_store_n(&init_state, 2, __ATOMIC_RELEASE); }
static void pause_briefly(void) {}
#endif

void kcp_rs_init(void) {
    if (load_acquire() == 2) return;
    if (claim()) {
        build_tables();
        kcp_rs_cpu_detect();
        publish();
        return;
    }
    /* Another thread is building: the work takes well under a millisecond. */
    while (load_acquire() != 2) pause_briefly();
}
