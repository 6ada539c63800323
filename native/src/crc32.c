/* CRC-32 (IEEE): the slicing-by-8 table path, one-time setup, and the run-time path choice. */
#include "crc32_internal.h"

#if defined(_MSC_VER) && !defined(__clang__)
#include <intrin.h>
#include <windows.h>
#endif

#define POLY 0xEDB88320u /* x^32 + x^26 + ... + 1, bit-reversed */

/* t[0] is the classic byte-at-a-time table; t[k][b] is the state change of byte b followed
 * by k zero bytes, so eight bytes are eight independent lookups XORed together. */
static uint32_t t[8][256];

static void build_tables(void) {
    for (uint32_t b = 0; b < 256; b++) {
        uint32_t c = b;
        for (int i = 0; i < 8; i++) c = (c >> 1) ^ (POLY & (0u - (c & 1u)));
        t[0][b] = c;
    }
    for (int k = 1; k < 8; k++) {
        for (int b = 0; b < 256; b++) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xFF];
    }
}

/* Little-endian load from bytes: one mov on x86 and ARM, correct on big-endian hosts too. */
static uint32_t load_le32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint32_t kcp_crc32_table(uint32_t s, const uint8_t *p, size_t len) {
    while (len >= 8) {
        uint32_t a = s ^ load_le32(p), b = load_le32(p + 4);
        s = t[7][a & 0xFF] ^ t[6][(a >> 8) & 0xFF] ^ t[5][(a >> 16) & 0xFF] ^ t[4][a >> 24] ^
            t[3][b & 0xFF] ^ t[2][(b >> 8) & 0xFF] ^ t[1][(b >> 16) & 0xFF] ^ t[0][b >> 24];
        p += 8;
        len -= 8;
    }
    while (len--) s = (s >> 8) ^ t[0][(s ^ *p++) & 0xFF];
    return s;
}

/* ---- one-time setup: tables and CPU detection ------------------------------------------ */

static unsigned available = 1u << KCP_CRC32_PATH_TABLE;
static int best_path = KCP_CRC32_PATH_TABLE;
static volatile int active_path = KCP_CRC32_PATH_TABLE;
/* 0 = not started, 1 = a thread is building, 2 = ready. */
static volatile long init_state;

#if defined(_MSC_VER) && !defined(__clang__)
static long load_acquire(void) { return _InterlockedOr(&init_state, 0); }
static int claim(void) { return _InterlockedCompareExchange(&init_state, 1, 0) == 0; }
static void publish(void) { _InterlockedExchange(&init_state, 2); }
static void wait_briefly(void) { SwitchToThread(); }
static int get_active(void) { return active_path; }
static void set_active(int p) { active_path = p; }
#else
static long load_acquire(void) { return __atomic_load_n(&init_state, __ATOMIC_ACQUIRE); }
static int claim(void) {
    long expected = 0;
    return __atomic_compare_exchange_n(&init_state, &expected, 1, 0, __ATOMIC_ACQ_REL,
                                       __ATOMIC_ACQUIRE);
}
static void publish(void) { __atomic_store_n(&init_state, 2, __ATOMIC_RELEASE); }
static void wait_briefly(void) {}
/* Read on every call and writable from any thread. */
static int get_active(void) { return __atomic_load_n(&active_path, __ATOMIC_RELAXED); }
static void set_active(int p) { __atomic_store_n(&active_path, p, __ATOMIC_RELAXED); }
#endif

static void init(void) {
    if (load_acquire() == 2) return;
    if (claim()) {
        build_tables();
        unsigned cpu = kcp_cpu_features();
        if (cpu & KCP_CPU_PCLMUL) available |= 1u << KCP_CRC32_PATH_PCLMUL;
        if ((cpu & KCP_CPU_PCLMUL) && (cpu & KCP_CPU_AVX2) && (cpu & KCP_CPU_VPCLMUL))
            available |= 1u << KCP_CRC32_PATH_VPCLMUL;
        for (int p = KCP_CRC32_PATH_COUNT - 1; p >= 0; p--) {
            if (available & (1u << p)) {
                best_path = p;
                break;
            }
        }
        set_active(best_path);
        publish();
        return;
    }
    /* Another thread is building: the work takes microseconds. */
    while (load_acquire() != 2) wait_briefly();
}

/* ---- public API ------------------------------------------------------------------------ */

uint32_t kcp_crc32_update(uint32_t crc, const void *buf, size_t len) {
    if (len == 0) return crc;
    init();
    const uint8_t *p = (const uint8_t *)buf;
    uint32_t s = ~crc;
#if KCP_X86_64
    int path = get_active();
    size_t bulk = 0;
    if (path == KCP_CRC32_PATH_VPCLMUL && len >= KCP_CRC32_VPCLMUL_MIN) {
        bulk = len & ~(size_t)15;
        s = kcp_crc32_vpclmul(s, p, bulk);
    } else if (path >= KCP_CRC32_PATH_PCLMUL && len >= KCP_CRC32_PCLMUL_MIN) {
        bulk = len & ~(size_t)15;
        s = kcp_crc32_pclmul(s, p, bulk);
    }
    p += bulk;
    len -= bulk;
#endif
    return ~kcp_crc32_table(s, p, len);
}

uint32_t kcp_crc32(const void *buf, size_t len) { return kcp_crc32_update(0, buf, len); }

unsigned kcp_crc32_available_paths(void) {
    init();
    return available;
}

int kcp_crc32_set_path(int path) {
    init();
    if (path == KCP_CRC32_PATH_AUTO) path = best_path;
    if (path < 0 || path >= KCP_CRC32_PATH_COUNT || !(available & (1u << path))) return -1;
    set_active(path);
    return 0;
}

int kcp_crc32_path(void) {
    init();
    return get_active();
}

const char *kcp_crc32_path_name(int path) {
    switch (path) {
    case KCP_CRC32_PATH_TABLE:
        return "table";
    case KCP_CRC32_PATH_PCLMUL:
        return "pclmul";
    case KCP_CRC32_PATH_VPCLMUL:
        return "vpclmul";
    default:
        return "unknown";
    }
}
