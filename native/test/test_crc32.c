/*
 * CRC-32 tests: known vectors, every available path against a bit-at-a-time reference over
 * all lengths up to a few kilobytes at every alignment, chained updates, the path switch.
 *
 *   test_crc32              run the tests (exit status 0 = pass)
 *   test_crc32 bench        ns per call and GB/s per path at a few sizes (not a test)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kcp/crc32.h"
#include "test_support.h"

/* The definition, one bit at a time: shares nothing with the code under test. */
static uint32_t reference(const uint8_t *p, size_t len) {
    uint32_t s = 0xFFFFFFFFu;
    for (size_t i = 0; i < len; i++) {
        s ^= p[i];
        for (int b = 0; b < 8; b++) s = (s & 1) ? (s >> 1) ^ 0xEDB88320u : s >> 1;
    }
    return ~s;
}

static int paths[KCP_CRC32_PATH_COUNT], n_paths;

static void collect_paths(void) {
    unsigned avail = kcp_crc32_available_paths();
    printf("paths:");
    for (int p = 0; p < KCP_CRC32_PATH_COUNT; p++) {
        if (avail & (1u << p)) {
            paths[n_paths++] = p;
            printf(" %s", kcp_crc32_path_name(p));
        }
    }
    printf(" (auto = %s)\n", kcp_crc32_path_name(kcp_crc32_path()));
}

static void use_path(int p) {
    if (kcp_crc32_set_path(p) != 0 || kcp_crc32_path() != p) {
        fprintf(stderr, "cannot select path %d\n", p);
        exit(1);
    }
}

static void test_vectors(void) {
    static const struct {
        const char *text;
        uint32_t crc;
    } v[] = {
        {"", 0x00000000u},
        {"a", 0xE8B7BE43u},
        {"abc", 0x352441C2u},
        {"123456789", 0xCBF43926u}, /* the catalogue check value of CRC-32/ISO-HDLC */
        {"The quick brown fox jumps over the lazy dog", 0x414FA339u},
    };
    for (int k = 0; k < n_paths; k++) {
        use_path(paths[k]);
        for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
            test_at("path %s, \"%s\"", kcp_crc32_path_name(paths[k]),
                     v[i].text);
            CHECK_AT(kcp_crc32(v[i].text, strlen(v[i].text)) == v[i].crc);
            CHECK_AT(reference((const uint8_t *)v[i].text, strlen(v[i].text)) == v[i].crc);
        }
        /* Long runs of one byte value through the folding loops. */
        size_t big = 1u << 20;
        uint8_t *buf = (uint8_t *)xmalloc(big);
        memset(buf, 0, big);
        test_at("path %s, 1 MiB of 0x00", kcp_crc32_path_name(paths[k]));
        CHECK_AT(kcp_crc32(buf, big) == reference(buf, big));
        memset(buf, 0xFF, big);
        test_at("path %s, 1 MiB of 0xFF", kcp_crc32_path_name(paths[k]));
        CHECK_AT(kcp_crc32(buf, big) == reference(buf, big));
        free(buf);
    }
    test_at("NULL with length 0");
    CHECK_AT(kcp_crc32(NULL, 0) == 0);
    CHECK_AT(kcp_crc32_update(0x12345678u, NULL, 0) == 0x12345678u);
}

/* Every length up to MAX_LEN at every alignment up to 63, each buffer ending exactly where its
 * allocation ends, so ASan sees any read past the end. */
#define MAX_LEN 2100
#define ALIGNS 64

static void test_all_lengths(void) {
    uint8_t *data = (uint8_t *)xmalloc(MAX_LEN);
    for (size_t i = 0; i < MAX_LEN; i++) data[i] = (uint8_t)rnd();
    for (size_t len = 0; len <= MAX_LEN; len++) {
        uint32_t want = reference(data, len);
        uint8_t *buf = (uint8_t *)xmalloc(ALIGNS + len);
        for (int k = 0; k < n_paths; k++) {
            use_path(paths[k]);
            /* All alignments for short inputs, a spread of them for longer ones. */
            int step = len < 300 ? 1 : 7;
            for (int a = 0; a < ALIGNS; a += step) {
                memcpy(buf + a, data, len);
                test_at("path %s, len %zu, align %d",
                         kcp_crc32_path_name(paths[k]), len, a);
                CHECK_AT(kcp_crc32(buf + a, len) == want);
            }
        }
        free(buf);
    }
    free(data);
}

static void test_random_chained(void) {
    for (int round = 0; round < 2000; round++) {
        size_t len = (size_t)(rnd() % 20000);
        if (round % 10 == 0) len = (size_t)(rnd() % 300000);
        uint8_t *buf = (uint8_t *)xmalloc(len);
        for (size_t i = 0; i < len; i++) buf[i] = (uint8_t)rnd();
        uint32_t want = reference(buf, len);
        size_t cut = len ? (size_t)(rnd() % (len + 1)) : 0;
        for (int k = 0; k < n_paths; k++) {
            use_path(paths[k]);
            test_at("path %s, round %d, len %zu, cut %zu",
                     kcp_crc32_path_name(paths[k]), round, len, cut);
            CHECK_AT(kcp_crc32(buf, len) == want);
            CHECK_AT(kcp_crc32_update(kcp_crc32(buf, cut), buf + cut, len - cut) == want);
        }
        free(buf);
    }
}

/* The shared CPU probe against the compiler runtime's own (x86-64, GCC); elsewhere only the
 * table path exists. */
static void test_detection(void) {
    test_at("detection");
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
    __builtin_cpu_init();
    int pclmul = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
    int vpclmul = pclmul && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("vpclmulqdq");
    unsigned want = 1u | (unsigned)pclmul << KCP_CRC32_PATH_PCLMUL |
                    (unsigned)vpclmul << KCP_CRC32_PATH_VPCLMUL;
    CHECK_AT(kcp_crc32_available_paths() == want);
#elif !defined(__x86_64__) && !defined(_M_X64)
    CHECK_AT(kcp_crc32_available_paths() == 1u << KCP_CRC32_PATH_TABLE);
#endif
}

static void test_path_switch(void) {
    test_at("path switch");
    unsigned avail = kcp_crc32_available_paths();
    CHECK_AT(avail & (1u << KCP_CRC32_PATH_TABLE));
    CHECK_AT(kcp_crc32_set_path(-2) == -1);
    CHECK_AT(kcp_crc32_set_path(KCP_CRC32_PATH_COUNT) == -1);
    CHECK_AT(kcp_crc32_set_path(31) == -1);
    for (int p = 0; p < KCP_CRC32_PATH_COUNT; p++) {
        if (!(avail & (1u << p))) {
            int before = kcp_crc32_path();
            CHECK_AT(kcp_crc32_set_path(p) == -1);
            CHECK_AT(kcp_crc32_path() == before);
        }
    }
    CHECK_AT(kcp_crc32_set_path(KCP_CRC32_PATH_AUTO) == 0);
    int best = 0;
    for (int p = 0; p < KCP_CRC32_PATH_COUNT; p++) {
        if (avail & (1u << p)) best = p;
    }
    CHECK_AT(kcp_crc32_path() == best);
    CHECK_AT(strcmp(kcp_crc32_path_name(KCP_CRC32_PATH_TABLE), "table") == 0);
    CHECK_AT(strcmp(kcp_crc32_path_name(99), "unknown") == 0);
}

/* ---- bench mode ---- */

/* ns per call, best of five ~0.1 s runs. */
static double bench_one(const uint8_t *buf, size_t len) {
    volatile uint32_t sink = 0;
    long iters = 1;
    double best = 1e30;
    for (;;) {
        double t0 = now_sec();
        for (long i = 0; i < iters; i++) sink ^= kcp_crc32(buf, len);
        double t = now_sec() - t0;
        if (t > 0.02) {
            iters = (long)((double)iters * 0.1 / t) + 1;
            break;
        }
        iters *= 4;
    }
    for (int run = 0; run < 5; run++) {
        double t0 = now_sec();
        for (long i = 0; i < iters; i++) sink ^= kcp_crc32(buf, len);
        double ns = (now_sec() - t0) * 1e9 / (double)iters;
        if (ns < best) best = ns;
    }
    (void)sink;
    return best;
}

static int bench(void) {
    static const size_t sizes[] = {16, 24, 32, 48, 64, 128, 256, 512, 1400, 4096, 65536};
    size_t n = sizeof sizes / sizeof sizes[0];
    uint8_t *buf = (uint8_t *)xmalloc(65536);
    for (size_t i = 0; i < 65536; i++) buf[i] = (uint8_t)rnd();
    printf("CRC-32, ns per call (GB/s), best of 5\n%-8s", "path");
    for (size_t i = 0; i < n; i++) printf(" %16zu", sizes[i]);
    printf("\n");
    for (int k = 0; k < n_paths; k++) {
        use_path(paths[k]);
        printf("%-8s", kcp_crc32_path_name(paths[k]));
        for (size_t i = 0; i < n; i++) {
            double ns = bench_one(buf, sizes[i]);
            printf(" %8.1f (%5.2f)", ns, (double)sizes[i] / ns);
        }
        printf("\n");
    }
    free(buf);
    return 0;
}

int main(int argc, char **argv) {
    collect_paths();
    if (argc >= 2 && strcmp(argv[1], "bench") == 0) return bench();
    if (argc >= 3 && strcmp(argv[1], "seed") == 0) rnd_seed(strtoull(argv[2], NULL, 0));
    printf("seed 0x%llx\n", (unsigned long long)*rnd_state());

    test_detection();
    test_path_switch();
    test_vectors();
    test_all_lengths();
    test_random_chained();
    kcp_crc32_set_path(KCP_CRC32_PATH_AUTO);

    return test_finish("test_crc32");
}
