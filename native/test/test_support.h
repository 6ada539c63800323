/*
 * Helpers shared by the C tests (native/test/) and the fuzz targets (native/fuzz/):
 * checks that count failures (tests) or abort (fuzzers), a seeded random source, allocation
 * that cannot fail silently, little-endian byte access, a reader over fuzz input, and a clock
 * for bench modes. Header-only, because every test and every fuzz target is one .c file; all
 * functions are static inline so that a program that uses few of them gets no warnings.
 */
#ifndef KCP_TEST_SUPPORT_H
#define KCP_TEST_SUPPORT_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(_WIN32)
#include <windows.h>
#endif

/* ---- checks in tests: report, count, go on (give up after 20) ---- */

static inline int *test_failure_count(void) {
    static int n;
    return &n;
}

/* What a loop is testing right now, printed with CHECK_AT failures. */
static inline char *test_where(void) {
    static char where[200];
    return where;
}

static inline void test_at(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(test_where(), 200, fmt, ap);
    va_end(ap);
}

static inline void test_fail(const char *file, int line, const char *cond, const char *where) {
    fprintf(stderr, "%s:%d: check failed: %s%s%s%s\n", file, line, cond, where ? " [" : "",
            where ? where : "", where ? "]" : "");
    if (++*test_failure_count() >= 20) exit(1);
}

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        if (!(cond)) test_fail(__FILE__, __LINE__, #cond, NULL);                           \
    } while (0)

#define CHECK_AT(cond)                                                                     \
    do {                                                                                   \
        if (!(cond)) test_fail(__FILE__, __LINE__, #cond, test_where());                   \
    } while (0)

/* The exit status of a test program: 0 when every check passed. */
static inline int test_finish(const char *name) {
    int n = *test_failure_count();
    if (n) {
        fprintf(stderr, "%s: %d failure(s)\n", name, n);
        return 1;
    }
    printf("%s: ok\n", name);
    return 0;
}

/* ---- checks in fuzz targets: abort, so that libFuzzer keeps the input ---- */

#define REQUIRE(c)                                                                         \
    do {                                                                                   \
        if (!(c)) abort();                                                                 \
    } while (0)

/* ---- seeded random source (xorshift64*): the same seed gives the same test ---- */

static inline uint64_t *rnd_state(void) {
    static uint64_t state = 0x9E3779B97F4A7C15ull;
    return &state;
}

static inline void rnd_seed(uint64_t seed) { *rnd_state() = seed | 1; }

static inline uint64_t rnd(void) {
    uint64_t x = *rnd_state();
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *rnd_state() = x;
    return x * 0x2545F4914F6CDD1Dull;
}

static inline size_t rnd_below(size_t n) { return (size_t)(rnd() % n); }

static inline void fill_random(uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++) p[i] = (uint8_t)rnd();
}

static inline void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return p;
}

/* ---- little-endian bytes ---- */

static inline uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

static inline uint32_t rd32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void wr32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* ---- fuzz input: reads past the end give zeros ---- */

typedef struct {
    const uint8_t *p;
    size_t n;
} reader;

static inline uint8_t u8(reader *r) {
    if (r->n == 0) return 0;
    r->n--;
    return *r->p++;
}

/* One read per statement: the order of calls within an expression is unspecified, and the
 * seed scripts depend on it. */
static inline uint16_t u16(reader *r) {
    uint16_t lo = u8(r);
    return (uint16_t)(lo | u8(r) << 8);
}

static inline uint32_t u32(reader *r) {
    uint32_t lo = u16(r);
    return lo | (uint32_t)u16(r) << 16;
}

/* ---- wall clock in seconds, for bench modes ---- */

static inline double now_sec(void) {
#if defined(_WIN32)
    /* msvcrt, which mingw links by default, has no timespec_get. */
    LARGE_INTEGER freq, count;
    QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&count);
    return (double)count.QuadPart / (double)freq.QuadPart;
#else
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
#endif
}

#endif
