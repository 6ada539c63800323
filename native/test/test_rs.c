/*
 * Reed-Solomon codec tests: kcp-go / klauspost vectors, every SIMD path against the scalar
 * one, erasure recovery, error cases, the decode-matrix cache.
 *
 *   test_rs              run the tests (exit status 0 = pass)
 *   test_rs seed N       same with another random seed
 *   test_rs bench [len]  GB/s of data per path for 10+3 encode and reconstruct (not a test)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kcp/rs.h"
#include "test_support.h"

static int paths[KCP_RS_PATH_COUNT], n_paths;

static void collect_paths(void) {
    unsigned avail = kcp_rs_available_paths();
    CHECK(avail & (1u << KCP_RS_PATH_SCALAR));
    for (int p = 0; p < KCP_RS_PATH_COUNT; p++)
        if (avail & (1u << p)) paths[n_paths++] = p;
    printf("paths:");
    for (int i = 0; i < n_paths; i++) printf(" %s", kcp_rs_path_name(paths[i]));
    printf(" (auto = %s)\n", kcp_rs_path_name(kcp_rs_path()));
}

static void use_path(int p) {
    int rc = kcp_rs_set_path(p);
    CHECK(rc == KCP_RS_OK);
    CHECK(kcp_rs_path() == p);
}

static void hex_decode(const char *hex, uint8_t *out, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        CHECK(sscanf(hex + 2 * i, "%2x", &v) == 1);
        out[i] = (uint8_t)v;
    }
}

/* ---- the kcp-go 5.6.1 vector (reedsolomon_10_3 in the spec's vectors file) ---- */

static const char *const VEC_DATA[10] = {
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
    "0104070a0d101316191c1f2225282b2e3134373a3d404346494c4f5255585b5e",
    "02070c11161b20252a2f34393e43484d52575c61666b70757a7f84898e93989d",
    "030a11181f262d343b424950575e656c737a81888f969da4abb2b9c0c7ced5dc",
    "040d161f28313a434c555e677079828b949da6afb8c1cad3dce5eef70009121b",
    "05101b26313c47525d68737e89949faab5c0cbd6e1ecf7020d18232e39444f5a",
    "0613202d3a4754616e7b8895a2afbcc9d6e3f0fd0a1724313e4b5865727f8c99",
    "07162534435261707f8e9dacbbcad9e8f7061524334251606f7e8d9cabbac9d8",
    "08192a3b4c5d6e7f90a1b2c3d4e5f60718293a4b5c6d7e8fa0b1c2d3e4f50617",
    "091c2f4255687b8ea1b4c7daed001326394c5f728598abbed1e4f70a1d304356",
};
static const char *const VEC_PARITY[3] = {
    "0ac99b6c50252780f25c21c97443d5455a84aed49efe900ea154f149f2d25695",
    "0bb9fbef5abfbe71c379a88338d656647ba15d3eb2f85cbf500dc26ad7bd66d4",
    "0c0db91b84fc459c54878b94cb4e7c839cd58e1247fd9a182a90132f91ec1213",
};

static void test_parity_rows(void) {
    static const uint8_t want[3][10] = {
        {129, 150, 175, 184, 210, 196, 254, 232, 3, 2},
        {150, 129, 184, 175, 196, 210, 232, 254, 2, 3},
        {191, 214, 98, 10, 6, 111, 223, 183, 5, 4},
    };
    kcp_rs *rs = kcp_rs_new(10, 3);
    CHECK(rs != NULL);
    if (!rs) return;
    for (int p = 0; p < 3; p++) {
        uint8_t row[10];
        CHECK(kcp_rs_parity_row(rs, p, row) == KCP_RS_OK);
        CHECK(memcmp(row, want[p], 10) == 0);
    }
    uint8_t row[10];
    CHECK(kcp_rs_parity_row(rs, 3, row) == KCP_RS_EINVAL);
    CHECK(kcp_rs_parity_row(rs, -1, row) == KCP_RS_EINVAL);
    kcp_rs_free(rs);

    /* One data shard: every parity shard is a copy (V's column 0 is all ones). */
    rs = kcp_rs_new(1, 4);
    CHECK(rs != NULL);
    for (int p = 0; rs && p < 4; p++) {
        CHECK(kcp_rs_parity_row(rs, p, row) == KCP_RS_OK);
        CHECK(row[0] == 1);
    }
    kcp_rs_free(rs);
}

static void test_vector(void) {
    enum { LEN = 32 };
    uint8_t want[13 * LEN], buf[13 * LEN];
    for (int i = 0; i < 10; i++) hex_decode(VEC_DATA[i], want + i * LEN, LEN);
    for (int p = 0; p < 3; p++) hex_decode(VEC_PARITY[p], want + (10 + p) * LEN, LEN);
    kcp_rs *rs = kcp_rs_new(10, 3);
    CHECK(rs != NULL);
    if (!rs) return;
    for (int k = 0; k < n_paths; k++) {
        use_path(paths[k]);
        test_at("vector, path %s", kcp_rs_path_name(paths[k]));
        memcpy(buf, want, 10 * LEN);
        memset(buf + 10 * LEN, 0xEE, 3 * LEN);
        CHECK_AT(kcp_rs_encode_buf(rs, buf, LEN, LEN) == KCP_RS_OK);
        CHECK_AT(memcmp(buf, want, sizeof want) == 0);
        CHECK_AT(kcp_rs_verify_buf(rs, buf, LEN, LEN) == 1);

        /* lose two data shards and a parity shard */
        uint8_t present[13];
        memset(present, 1, sizeof present);
        present[0] = present[7] = present[11] = 0;
        memset(buf, 0x55, LEN);
        memset(buf + 7 * LEN, 0x55, LEN);
        memset(buf + 11 * LEN, 0x55, LEN);
        CHECK_AT(kcp_rs_reconstruct_buf(rs, buf, LEN, LEN, present) == KCP_RS_OK);
        CHECK_AT(memcmp(buf, want, sizeof want) == 0);

        /* lose three data shards, rebuild data only */
        memset(present, 1, sizeof present);
        present[2] = present[3] = present[9] = 0;
        memset(buf + 2 * LEN, 0, 2 * LEN);
        memset(buf + 9 * LEN, 0, LEN);
        CHECK_AT(kcp_rs_reconstruct_data_buf(rs, buf, LEN, LEN, present) == KCP_RS_OK);
        CHECK_AT(memcmp(buf, want, sizeof want) == 0);
    }
    kcp_rs_free(rs);
}

/* ---- klauspost/reedsolomon (default New(ds, ps)) outputs for other shapes ----
 * Shard i byte j = (i*31 + j*7 + salt*13 + ((i*j) >> 3) + 1) mod 256, 37 bytes per shard.
 * enc: FNV-1a 64 of the parity after Encode (salt 0). Then from fresh shards (salt 1, not a
 * codeword) shard 0 and every shard i with i % 3 == 2 are erased, in index order, until ps
 * are gone: data: hash of the data shards after ReconstructData; all: of every shard after
 * Reconstruct. Inconsistent input pins down which present shards are used. */
static const struct {
    int ds, ps;
    uint64_t enc, data, all;
} KLAUSPOST[] = {
    {1, 1, 0x7290856337f96820ull, 0xc96d91d289f5f758ull, 0xe2e7b86855096e5bull},
    {2, 1, 0xd1aaaa212f9c460eull, 0x820b6ca52c4a5e3bull, 0x728741130ed78dbeull},
    {3, 2, 0x00154eb44e17e1c8ull, 0x299cab4ac692e088ull, 0xd4d4d973a01ee583ull},
    {5, 2, 0x76662ff0a1e7c3a6ull, 0xc5c1d620243e4ba0ull, 0xfe1e589e828784dbull},
    {10, 3, 0x11f1ff130a3dc683ull, 0x879cdafb6bd12ee5ull, 0xe808a18e1bc265ebull},
    {20, 10, 0x94620f763f8b0ff6ull, 0x945b42898dbce47cull, 0xabf915a09ad3a7c6ull},
    {7, 9, 0x5fc0305ba0d3ce5aull, 0xbf219c0f17b8a260ull, 0x8f24ce85ce467f39ull},
    {128, 128, 0x4beed48b609abeffull, 0xa91f7a3b00989b9aull, 0xffe0e20081704984ull},
    {200, 56, 0xaf280b80a1dba622ull, 0xfcc6828fed07f226ull, 0xf6f454849179af2bull},
    {1, 255, 0x622a4e7d41a62346ull, 0xc96d91d289f5f758ull, 0x0973fa120f06f5ecull},
    {255, 1, 0x665c790e8572434dull, 0x2c3739b675b542c8ull, 0x2af136323ce859a5ull},
};

static uint64_t fnv1a(uint64_t h, const uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

#define FNV_INIT 0xcbf29ce484222325ull

static void fill_pattern(uint8_t *buf, int shards, size_t len, int salt) {
    for (int i = 0; i < shards; i++)
        for (size_t j = 0; j < len; j++)
            buf[(size_t)i * len + j] =
                (uint8_t)(i * 31 + (int)j * 7 + salt * 13 + ((i * (int)j) >> 3) + 1);
}

static void test_klauspost_shapes(void) {
    enum { LEN = 37 };
    for (size_t s = 0; s < sizeof KLAUSPOST / sizeof KLAUSPOST[0]; s++) {
        int ds = KLAUSPOST[s].ds, ps = KLAUSPOST[s].ps, n = ds + ps;
        kcp_rs *rs = kcp_rs_new(ds, ps);
        CHECK(rs != NULL);
        if (!rs) continue;
        uint8_t *buf = (uint8_t *)xmalloc((size_t)n * LEN);
        uint8_t present[KCP_RS_MAX_SHARDS];
        for (int k = 0; k < n_paths; k++) {
            use_path(paths[k]);
            test_at("klauspost %d+%d, path %s", ds, ps,
                     kcp_rs_path_name(paths[k]));
            fill_pattern(buf, n, LEN, 0);
            CHECK_AT(kcp_rs_encode_buf(rs, buf, LEN, LEN) == KCP_RS_OK);
            CHECK_AT(fnv1a(FNV_INIT, buf + (size_t)ds * LEN, (size_t)ps * LEN) ==
                     KLAUSPOST[s].enc);

            for (int pass = 0; pass < 2; pass++) {
                fill_pattern(buf, n, LEN, 1);
                int lost = 0;
                for (int i = 0; i < n; i++) {
                    present[i] = 1;
                    if (lost < ps && (i == 0 || i % 3 == 2)) {
                        present[i] = 0;
                        memset(buf + (size_t)i * LEN, 0xA5, LEN);
                        lost++;
                    }
                }
                if (pass == 0) {
                    CHECK_AT(kcp_rs_reconstruct_data_buf(rs, buf, LEN, LEN, present) == 0);
                    CHECK_AT(fnv1a(FNV_INIT, buf, (size_t)ds * LEN) == KLAUSPOST[s].data);
                } else {
                    CHECK_AT(kcp_rs_reconstruct_buf(rs, buf, LEN, LEN, present) == 0);
                    CHECK_AT(fnv1a(FNV_INIT, buf, (size_t)n * LEN) == KLAUSPOST[s].all);
                }
            }
        }
        free(buf);
        kcp_rs_free(rs);
    }
}

/* ---- random differential: every path must give the scalar path's bytes ---- */

typedef struct group {
    int ds, ps, n;
    size_t len, stride, size;
    uint8_t *buf;           /* n shards at stride, gaps filled with a marker */
    uint8_t *shards[KCP_RS_MAX_SHARDS];
    int separate;           /* shards live in their own allocations (the *_ptrs API) */
} group;

static void group_init(group *g, int ds, int ps, size_t len) {
    g->ds = ds;
    g->ps = ps;
    g->n = ds + ps;
    g->len = len;
    g->separate = (int)(rnd() & 1);
    g->stride = len + (rnd() & 1 ? rnd_below(70) : 0);
    /* exactly the span the API may touch, so ASan sees any overrun */
    g->size = (size_t)(g->n - 1) * g->stride + len;
    g->buf = (uint8_t *)xmalloc(g->size);
    memset(g->buf, 0xC3, g->size);
    for (int i = 0; i < g->n; i++) {
        if (g->separate) {
            g->shards[i] = (uint8_t *)xmalloc(len);
        } else {
            g->shards[i] = g->buf + (size_t)i * g->stride;
        }
    }
}

static void group_free(group *g) {
    if (g->separate)
        for (int i = 0; i < g->n; i++) free(g->shards[i]);
    free(g->buf);
}

/* Flat copy of the group's state: n * len shard bytes, plus the whole buffer. */
static void snapshot(const group *g, uint8_t *flat) {
    for (int i = 0; i < g->n; i++) memcpy(flat + (size_t)i * g->len, g->shards[i], g->len);
    memcpy(flat + (size_t)g->n * g->len, g->buf, g->size);
}

static void restore(group *g, const uint8_t *flat) {
    for (int i = 0; i < g->n; i++) memcpy(g->shards[i], flat + (size_t)i * g->len, g->len);
    memcpy(g->buf, flat + (size_t)g->n * g->len, g->size);
}

static size_t snapshot_size(const group *g) { return (size_t)g->n * g->len + g->size; }

static int do_encode(kcp_rs *rs, group *g) {
    return g->separate ? kcp_rs_encode_ptrs(rs, g->shards, g->len)
                       : kcp_rs_encode_buf(rs, g->buf, g->stride, g->len);
}

static int do_verify(kcp_rs *rs, group *g) {
    return g->separate ? kcp_rs_verify_ptrs(rs, (const uint8_t *const *)g->shards, g->len)
                       : kcp_rs_verify_buf(rs, g->buf, g->stride, g->len);
}

static int do_reconstruct(kcp_rs *rs, group *g, const uint8_t *present, int data_only) {
    if (g->separate)
        return data_only ? kcp_rs_reconstruct_data_ptrs(rs, g->shards, g->len, present)
                         : kcp_rs_reconstruct_ptrs(rs, g->shards, g->len, present);
    return data_only ? kcp_rs_reconstruct_data_buf(rs, g->buf, g->stride, g->len, present)
                     : kcp_rs_reconstruct_buf(rs, g->buf, g->stride, g->len, present);
}

/* Marks `lost` random shards missing and overwrites them with garbage. */
static void erase(group *g, int lost, uint8_t *present) {
    memset(present, 1, (size_t)g->n);
    for (int k = 0; k < lost;) {
        int i = (int)rnd_below((size_t)g->n);
        if (!present[i]) continue;
        present[i] = 0;
        fill_random(g->shards[i], g->len);
        k++;
    }
}

static int shard_eq(const group *g, int i, const uint8_t *flat) {
    return memcmp(g->shards[i], flat + (size_t)i * g->len, g->len) == 0;
}

static int buffer_eq(const group *g, const uint8_t *flat) {
    for (int i = 0; i < g->n; i++)
        if (!shard_eq(g, i, flat)) return 0;
    return memcmp(g->buf, flat + (size_t)g->n * g->len, g->size) == 0;
}

/* Bytes between shards (or the whole unused buffer with separate shards) keep the marker. */
static int gaps_intact(const group *g) {
    for (size_t k = 0; k < g->size; k++) {
        if (!g->separate && k % g->stride < g->len) continue;
        if (g->buf[k] != 0xC3) return 0;
    }
    return 1;
}

static void differential_case(int ds, int ps, size_t len) {
    kcp_rs *rs = kcp_rs_new(ds, ps);
    CHECK(rs != NULL);
    if (!rs) return;
    group g;
    group_init(&g, ds, ps, len);
    size_t snap = snapshot_size(&g);
    uint8_t *code = (uint8_t *)xmalloc(snap);   /* encoded by the scalar path */
    uint8_t *erased = (uint8_t *)xmalloc(snap); /* a state with shards missing */
    uint8_t *expect = (uint8_t *)xmalloc(snap);
    uint8_t present[KCP_RS_MAX_SHARDS];

    for (int i = 0; i < ds; i++) fill_random(g.shards[i], len);
    for (int i = ds; i < g.n; i++) memset(g.shards[i], 0x3C, len);
    use_path(KCP_RS_PATH_SCALAR);
    CHECK(do_encode(rs, &g) == KCP_RS_OK);
    snapshot(&g, code);

    int lost = ps ? 1 + (int)rnd_below((size_t)ps) : 0;
    erase(&g, lost, present);
    snapshot(&g, erased);

    for (int k = 0; k < n_paths; k++) {
        use_path(paths[k]);
        test_at("%d+%d len %zu stride %zu %s, path %s, %d lost", ds, ps,
                 len, g.stride, g.separate ? "ptrs" : "buf", kcp_rs_path_name(paths[k]), lost);

        /* encode from data with stale parity */
        restore(&g, code);
        for (int i = ds; i < g.n; i++) memset(g.shards[i], 0x3C, len);
        CHECK_AT(do_encode(rs, &g) == KCP_RS_OK);
        CHECK_AT(buffer_eq(&g, code));
        CHECK_AT(gaps_intact(&g));
        CHECK_AT(do_verify(rs, &g) == 1);
        if (ps > 0) {
            int p = ds + (int)rnd_below((size_t)ps);
            size_t at = rnd_below(len);
            g.shards[p][at] ^= (uint8_t)(1 + rnd_below(255));
            CHECK_AT(do_verify(rs, &g) == 0);
        }

        /* data only: missing data comes back, missing parity keeps its garbage */
        restore(&g, erased);
        CHECK_AT(do_reconstruct(rs, &g, present, 1) == KCP_RS_OK);
        for (int i = 0; i < g.n; i++)
            CHECK_AT(shard_eq(&g, i, i < ds || present[i] ? code : erased));
        CHECK_AT(gaps_intact(&g));

        /* everything */
        restore(&g, erased);
        CHECK_AT(do_reconstruct(rs, &g, present, 0) == KCP_RS_OK);
        CHECK_AT(buffer_eq(&g, code));

        /* one shard too many lost: refused, nothing written */
        {
            uint8_t few[KCP_RS_MAX_SHARDS];
            restore(&g, code);
            erase(&g, ps + 1, few);
            snapshot(&g, expect);
            CHECK_AT(do_reconstruct(rs, &g, few, 0) == KCP_RS_ETOOFEW);
            CHECK_AT(do_reconstruct(rs, &g, few, 1) == KCP_RS_ETOOFEW);
            CHECK_AT(buffer_eq(&g, expect));
        }
    }

    /* Shards that are not a codeword: the rebuilt shards must come from the codeword through
     * the first ds present shards (klauspost's choice), identically on every path; present
     * shards are never written. */
    fill_random(g.buf, g.size);
    for (int i = 0; i < g.n; i++) fill_random(g.shards[i], len);
    erase(&g, lost, present);
    snapshot(&g, erased);
    use_path(KCP_RS_PATH_SCALAR);
    CHECK(do_reconstruct(rs, &g, present, 0) == KCP_RS_OK);
    snapshot(&g, expect);
    {
        uint8_t *cw = (uint8_t *)xmalloc((size_t)g.n * len);
        uint8_t present_cw[KCP_RS_MAX_SHARDS];
        int used = 0;
        for (int i = 0; i < g.n; i++) {
            present_cw[i] = present[i] && used < ds;
            used += present_cw[i];
            memcpy(cw + (size_t)i * len, g.shards[i], len);
        }
        /* the codeword through the used shards, by a fresh encode of the rebuilt data */
        CHECK(kcp_rs_encode_buf(rs, cw, len, len) == KCP_RS_OK);
        for (int i = 0; i < g.n; i++)
            CHECK(shard_eq(&g, i, present[i] && !present_cw[i] ? erased : cw));
        for (int i = 0; i < g.n; i++)
            if (present[i]) CHECK(shard_eq(&g, i, erased));
        free(cw);
    }
    for (int k = 0; k < n_paths; k++) {
        use_path(paths[k]);
        test_at("%d+%d len %zu inconsistent, path %s", ds, ps, len,
                 kcp_rs_path_name(paths[k]));
        restore(&g, erased);
        CHECK_AT(do_reconstruct(rs, &g, present, 0) == KCP_RS_OK);
        CHECK_AT(buffer_eq(&g, expect));
        restore(&g, erased);
        CHECK_AT(do_reconstruct(rs, &g, present, 1) == KCP_RS_OK);
        for (int i = 0; i < ds; i++) CHECK_AT(shard_eq(&g, i, expect));
    }

    free(code);
    free(erased);
    free(expect);
    group_free(&g);
    kcp_rs_free(rs);
}

static size_t random_len(void) {
    static const size_t edges[] = {1,  2,  7,   15,  16,  17,  31,  32,   33,   63,  64,
                                   65, 95, 127, 128, 129, 191, 255, 1400, 1500, 2000, 4099};
    if (rnd() & 1) return edges[rnd_below(sizeof edges / sizeof edges[0])];
    return 1 + rnd_below(2000);
}

static void test_differential(void) {
    static const int fixed[][2] = {{1, 1},  {10, 3}, {20, 10},  {2, 2},   {1, 0},
                                   {3, 0},  {5, 2},  {255, 1},  {1, 255}, {17, 5},
                                   {4, 12}, {64, 64}, {128, 128}};
    int cases = 0;
    for (size_t f = 0; f < sizeof fixed / sizeof fixed[0]; f++) {
        int big = fixed[f][0] * (fixed[f][1] + 1) > 2000;
        int reps = big ? 3 : 12;
        for (int r = 0; r < reps; r++, cases++) {
            size_t len = random_len();
            if (big && len > 300) len = 1 + len % 300;
            differential_case(fixed[f][0], fixed[f][1], len);
        }
    }
    for (int r = 0; r < 150; r++, cases++) {
        int ds = 1 + (int)rnd_below(40), ps = (int)rnd_below(20);
        differential_case(ds, ps, random_len());
    }
    printf("differential: %d cases x %d paths\n", cases, n_paths);
}

/* ---- errors and limits ---- */

static void test_errors(void) {
    CHECK(kcp_rs_new(0, 1) == NULL);
    CHECK(kcp_rs_new(-1, 1) == NULL);
    CHECK(kcp_rs_new(1, -1) == NULL);
    CHECK(kcp_rs_new(200, 57) == NULL);
    CHECK(kcp_rs_new(257, 0) == NULL);
    kcp_rs *r = kcp_rs_new(256, 0);
    CHECK(r != NULL);
    CHECK(kcp_rs_data_shards(r) == 256 && kcp_rs_parity_shards(r) == 0);
    kcp_rs_free(r);
    kcp_rs_free(NULL);
    CHECK(kcp_rs_data_shards(NULL) == KCP_RS_EINVAL);

    kcp_rs *rs = kcp_rs_new(3, 2);
    CHECK(rs != NULL);
    if (!rs) return;
    uint8_t buf[5 * 8] = {0};
    uint8_t present[5] = {1, 1, 1, 1, 1};
    uint8_t *ptrs[5];
    for (int i = 0; i < 5; i++) ptrs[i] = buf + i * 8;
    CHECK(kcp_rs_encode_buf(rs, buf, 8, 0) == KCP_RS_EINVAL);
    CHECK(kcp_rs_encode_buf(rs, buf, 7, 8) == KCP_RS_EINVAL);
    CHECK(kcp_rs_encode_buf(rs, NULL, 8, 8) == KCP_RS_EINVAL);
    CHECK(kcp_rs_encode_buf(NULL, buf, 8, 8) == KCP_RS_EINVAL);
    CHECK(kcp_rs_encode_ptrs(rs, NULL, 8) == KCP_RS_EINVAL);
    CHECK(kcp_rs_verify_buf(rs, buf, 8, 0) == KCP_RS_EINVAL);
    CHECK(kcp_rs_reconstruct_buf(rs, buf, 8, 8, NULL) == KCP_RS_EINVAL);
    CHECK(kcp_rs_reconstruct_data_buf(rs, buf, 4, 8, present) == KCP_RS_EINVAL);
    ptrs[3] = NULL;
    CHECK(kcp_rs_encode_ptrs(rs, ptrs, 8) == KCP_RS_EINVAL);
    CHECK(kcp_rs_reconstruct_ptrs(rs, ptrs, 8, present) == KCP_RS_EINVAL);
    ptrs[3] = buf + 24;
    CHECK(kcp_rs_encode_ptrs(rs, ptrs, 8) == KCP_RS_OK);
    /* all zero data: zero parity, a valid codeword */
    CHECK(kcp_rs_verify_ptrs(rs, (const uint8_t *const *)ptrs, 8) == 1);
    /* nothing missing: a no-op even with ETOOFEW-looking parity flags cleared for data-only */
    uint8_t no_parity[5] = {1, 1, 1, 0, 0};
    buf[33] = 7;
    CHECK(kcp_rs_reconstruct_data_buf(rs, buf, 8, 8, no_parity) == KCP_RS_OK);
    CHECK(buf[33] == 7);
    uint8_t two[5] = {0, 1, 0, 0, 1};
    CHECK(kcp_rs_reconstruct_buf(rs, buf, 8, 8, two) == KCP_RS_ETOOFEW);
    kcp_rs_free(rs);

    /* no parity at all */
    rs = kcp_rs_new(4, 0);
    CHECK(rs != NULL);
    if (rs) {
        uint8_t all[4] = {1, 1, 1, 1}, one_lost[4] = {1, 0, 1, 1};
        CHECK(kcp_rs_encode_buf(rs, buf, 8, 8) == KCP_RS_OK);
        CHECK(kcp_rs_verify_buf(rs, buf, 8, 8) == 1);
        CHECK(kcp_rs_reconstruct_buf(rs, buf, 8, 8, all) == KCP_RS_OK);
        CHECK(kcp_rs_reconstruct_buf(rs, buf, 8, 8, one_lost) == KCP_RS_ETOOFEW);
        kcp_rs_free(rs);
    }

    int before = kcp_rs_path();
    CHECK(kcp_rs_set_path(KCP_RS_PATH_COUNT) == KCP_RS_EINVAL);
    CHECK(kcp_rs_set_path(-2) == KCP_RS_EINVAL);
    for (int p = 0; p < KCP_RS_PATH_COUNT; p++)
        if (!(kcp_rs_available_paths() & (1u << p))) CHECK(kcp_rs_set_path(p) == KCP_RS_EINVAL);
    CHECK(kcp_rs_path() == before);
    CHECK(kcp_rs_set_path(KCP_RS_PATH_AUTO) == KCP_RS_OK);
    CHECK(kcp_rs_path() == paths[n_paths - 1]);
    CHECK(strcmp(kcp_rs_path_name(KCP_RS_PATH_SCALAR), "scalar") == 0);
    CHECK(strcmp(kcp_rs_path_name(KCP_RS_PATH_GFNI512), "gfni512") == 0);
    CHECK(strcmp(kcp_rs_path_name(KCP_RS_PATH_NEON), "neon") == 0);
    CHECK(strcmp(kcp_rs_path_name(99), "unknown") == 0);
}

/* The detection must agree with the compiler runtime's own CPU probe (which also checks
 * that the OS saves the vector state) on x86-64; AArch64 always has NEON and nothing else. */
static void test_detection(void) {
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
    __builtin_cpu_init();
    int avx2 = __builtin_cpu_supports("avx2") != 0;
    int gfni = __builtin_cpu_supports("gfni") != 0;
    int avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
    unsigned want = 1u | (unsigned)avx2 << KCP_RS_PATH_AVX2 |
                    (unsigned)(avx2 && gfni) << KCP_RS_PATH_GFNI256 |
                    (unsigned)(avx512 && gfni) << KCP_RS_PATH_GFNI512;
    CHECK(kcp_rs_available_paths() == want);
#elif defined(__aarch64__)
    CHECK(kcp_rs_available_paths() == (1u << KCP_RS_PATH_SCALAR | 1u << KCP_RS_PATH_NEON));
    CHECK(kcp_rs_path() == KCP_RS_PATH_NEON);
#endif
}

/* ---- decode-matrix cache ---- */

static void test_cache(void) {
    enum { DS = 10, PS = 3, N = 13, LEN = 100 };
    kcp_rs *rs = kcp_rs_new(DS, PS);
    CHECK(rs != NULL);
    if (!rs) return;
    uint8_t code[N * LEN], buf[N * LEN], present[N];
    uint64_t hits, misses;
    fill_random(code, DS * LEN);
    CHECK(kcp_rs_encode_buf(rs, code, LEN, LEN) == KCP_RS_OK);

    kcp_rs_cache_stats(rs, &hits, &misses);
    CHECK(hits == 0 && misses == 0);
    memcpy(buf, code, sizeof buf);
    memset(present, 1, N);
    present[4] = 0;
    memset(buf + 4 * LEN, 0, LEN);
    CHECK(kcp_rs_reconstruct_data_buf(rs, buf, LEN, LEN, present) == KCP_RS_OK);
    kcp_rs_cache_stats(rs, &hits, &misses);
    CHECK(hits == 0 && misses == 1);
    memset(buf + 4 * LEN, 0, LEN);
    CHECK(kcp_rs_reconstruct_data_buf(rs, buf, LEN, LEN, present) == KCP_RS_OK);
    kcp_rs_cache_stats(rs, &hits, &misses);
    CHECK(hits == 1 && misses == 1);
    CHECK(memcmp(buf, code, sizeof buf) == 0);
    /* A lost parity shard after the first ds present ones does not change the inputs. */
    present[12] = 0;
    memset(buf + 4 * LEN, 0, LEN);
    CHECK(kcp_rs_reconstruct_data_buf(rs, buf, LEN, LEN, present) == KCP_RS_OK);
    kcp_rs_cache_stats(rs, &hits, &misses);
    CHECK(hits == 2 && misses == 1);
    /* Nothing lost among data: no lookup at all. */
    memset(present, 1, N);
    present[10] = 0;
    CHECK(kcp_rs_reconstruct_data_buf(rs, buf, LEN, LEN, present) == KCP_RS_OK);
    kcp_rs_cache_stats(rs, &hits, &misses);
    CHECK(hits == 2 && misses == 1);

    /* Every pattern of three losses (286, more than the cache holds), twice over: results
     * stay right while entries are evicted and refilled. */
    uint64_t h0 = hits, m0 = misses;
    int patterns = 0;
    for (int round = 0; round < 2; round++) {
        for (int a = 0; a < N; a++)
            for (int b = a + 1; b < N; b++)
                for (int c = b + 1; c < N; c++) {
                    memcpy(buf, code, sizeof buf);
                    memset(present, 1, N);
                    present[a] = present[b] = present[c] = 0;
                    memset(buf + a * LEN, 0xFF, LEN);
                    memset(buf + b * LEN, 0xFF, LEN);
                    memset(buf + c * LEN, 0xFF, LEN);
                    CHECK(kcp_rs_reconstruct_buf(rs, buf, LEN, LEN, present) == KCP_RS_OK);
                    CHECK(memcmp(buf, code, sizeof buf) == 0);
                    patterns += round == 0;
                }
    }
    kcp_rs_cache_stats(rs, &hits, &misses);
    CHECK(patterns == 286);
    /* patterns losing only parity need no matrix: 1 of the 286 */
    CHECK((hits - h0) + (misses - m0) == 2 * 285);
    CHECK(misses - m0 > 285); /* evictions happened */
    /* the last pattern that needed a matrix, {9, 11, 12}, is still cached */
    memcpy(buf, code, sizeof buf);
    memset(present, 1, N);
    present[9] = present[11] = present[12] = 0;
    memset(buf + 9 * LEN, 0, LEN);
    kcp_rs_cache_stats(rs, &h0, &m0);
    CHECK(kcp_rs_reconstruct_buf(rs, buf, LEN, LEN, present) == KCP_RS_OK);
    kcp_rs_cache_stats(rs, &hits, &misses);
    CHECK(hits == h0 + 1 && misses == m0);
    CHECK(memcmp(buf, code, sizeof buf) == 0);
    kcp_rs_free(rs);
}

/* ---- bench mode ---- */

typedef int (*bench_op)(kcp_rs *rs, uint8_t *buf, size_t len, const uint8_t *present);

static int op_encode(kcp_rs *rs, uint8_t *buf, size_t len, const uint8_t *present) {
    (void)present;
    return kcp_rs_encode_buf(rs, buf, len, len);
}

static int op_rec_data(kcp_rs *rs, uint8_t *buf, size_t len, const uint8_t *present) {
    return kcp_rs_reconstruct_data_buf(rs, buf, len, len, present);
}

static int op_rec_all(kcp_rs *rs, uint8_t *buf, size_t len, const uint8_t *present) {
    return kcp_rs_reconstruct_buf(rs, buf, len, len, present);
}

/* GB/s of data shards processed, best of five ~0.1 s runs. */
static double bench_one(kcp_rs *rs, bench_op op, uint8_t *buf, size_t len,
                        const uint8_t *present) {
    int ds = kcp_rs_data_shards(rs);
    long iters = 1;
    double best = 0;
    for (;;) { /* calibrate */
        double t0 = now_sec();
        for (long i = 0; i < iters; i++) op(rs, buf, len, present);
        double t = now_sec() - t0;
        if (t > 0.02) {
            iters = (long)((double)iters * 0.1 / t) + 1;
            break;
        }
        iters *= 4;
    }
    for (int run = 0; run < 5; run++) {
        double t0 = now_sec();
        for (long i = 0; i < iters; i++) op(rs, buf, len, present);
        double t = now_sec() - t0;
        double gbs = (double)ds * (double)len * (double)iters / t / 1e9;
        if (gbs > best) best = gbs;
    }
    return best;
}

static int bench(size_t len) {
    enum { DS = 10, PS = 3, N = 13 };
    kcp_rs *rs = kcp_rs_new(DS, PS);
    uint8_t *buf = (uint8_t *)xmalloc(N * len);
    fill_random(buf, N * len);
    kcp_rs_encode_buf(rs, buf, len, len);
    uint8_t one[N], three[N], mixed[N];
    memset(one, 1, N);
    memset(three, 1, N);
    memset(mixed, 1, N);
    one[3] = 0;
    three[0] = three[4] = three[9] = 0;
    mixed[2] = mixed[7] = mixed[11] = 0;
    printf("10+3 x %zu bytes, GB/s of data (best of 5)\n", len);
    printf("%-8s %8s %12s %12s %16s\n", "path", "encode", "rec 1 data", "rec 3 data",
           "rec 2d+1p (all)");
    for (int k = 0; k < n_paths; k++) {
        use_path(paths[k]);
        double e = bench_one(rs, op_encode, buf, len, NULL);
        double r1 = bench_one(rs, op_rec_data, buf, len, one);
        double r3 = bench_one(rs, op_rec_data, buf, len, three);
        double ra = bench_one(rs, op_rec_all, buf, len, mixed);
        printf("%-8s %8.2f %12.2f %12.2f %16.2f\n", kcp_rs_path_name(paths[k]), e, r1, r3, ra);
    }
    int ok = kcp_rs_verify_buf(rs, buf, len, len) == 1;
    free(buf);
    kcp_rs_free(rs);
    return ok ? 0 : 1;
}

int main(int argc, char **argv) {
    collect_paths();
    if (argc >= 2 && strcmp(argv[1], "bench") == 0)
        return bench(argc >= 3 ? (size_t)strtoul(argv[2], NULL, 10) : 1400);
    if (argc >= 3 && strcmp(argv[1], "seed") == 0)
        rnd_seed(strtoull(argv[2], NULL, 0));
    printf("seed 0x%llx\n", (unsigned long long)*rnd_state());

    test_detection();
    test_errors();
    test_parity_rows();
    test_vector();
    test_klauspost_shapes();
    test_cache();
    test_differential();
    kcp_rs_set_path(KCP_RS_PATH_AUTO);

    return test_finish("test_rs");
}
