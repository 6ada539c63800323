/*
 * libFuzzer target for the Reed-Solomon calls behind io.kcp.kernel.NativeReedSolomon
 * (native/jni/native_reed_solomon.c): reconstruct and reconstruct-data-only with arbitrary
 * present flags, verify and encode, in the buffer form the JNI glue uses and the pointer form.
 *
 * fuzz_rs.c compares the SIMD paths with scalar on codewords. This target checks what rs.h
 * promises for any bytes and any erasure pattern, with an oracle that does not trust the codec:
 *  - reconstruct returns OK or ETOOFEW exactly as the present count says; on ETOOFEW and when
 *    nothing needs rebuilding it writes nothing; it never writes present shards, the gaps
 *    between shards (stride > len, unaligned base) or, data only, the missing parity;
 *  - a rebuilt group agrees with the first ds present shards (klauspost's choice of inputs):
 *    re-encoding its data reproduces those of them that are parity, and the parity a full
 *    rebuild wrote; so the result is right even when the bytes are no codeword;
 *  - on a codeword every lost shard comes back exactly; more than ps lost gives ETOOFEW;
 *  - the scalar path gives the same bytes, and data-only the same data shards as a full rebuild;
 *  - the decode-matrix cache counts exactly one lookup per rebuild that needs a matrix;
 *  - verify says 1 exactly when the parity matches (and 0 after one flipped byte), in both forms;
 *  - bad arguments give EINVAL (NULL for bad shapes) and write nothing.
 * A fresh codec per input keeps runs reproducible; the rounds of one input share it, so cache
 * hits, misses and evictions follow the input.
 *
 * Input: [ds sel][ps sel][len lo][len hi][path][layout][rounds]
 *        then per round [op][erasure bits: ceil((ds+ps)/8) bytes], then bytes to fill shards.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kcp/rs.h"
#include "test_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Byte loops of the harness itself: no coverage tracing (it would be most of the run time). */
#define HARNESS_LOOP __attribute__((no_sanitize("coverage")))

/* Per input: bytes of the group, and ds * n * len bounding the multiply work of a round. Long
 * shards (verify works in slices of 8192 / ps bytes) still fit small shapes. */
#define MAX_BYTES (1u << 15)
#define MAX_WORK (1u << 17)
#define MAX_ROUNDS 8

/* One group of shards in a buffer `total` bytes long: shard i at base + slot(i) * stride.
 * `reversed` (pointer form only) lays the shards out in reverse order, so nothing may assume
 * that shard i + 1 follows shard i. Every byte outside the shards holds a canary. */
typedef struct {
    kcp_rs *rs;
    int ds, ps, n;
    size_t total, base, stride, len;
    int ptrs, reversed;
} group;

static uint8_t *shard(const group *g, uint8_t *mem, int i) {
    int slot = g->reversed ? g->n - 1 - i : i;
    return mem + g->base + (size_t)slot * g->stride;
}

static uint8_t canary(size_t pos) { return (uint8_t)(0xC3 ^ (pos * 7)); }

/* Calls f(pos) for every byte outside the shards: before the first slot, between slots. */
#define FOR_EACH_GAP_BYTE(g, pos, body)                                                     \
    do {                                                                                   \
        for (size_t pos = 0; pos < (g)->base; pos++) body;                                 \
        for (int s_ = 0; s_ + 1 < (g)->n; s_++)                                            \
            for (size_t pos = (g)->base + (size_t)s_ * (g)->stride + (g)->len;             \
                 pos < (g)->base + (size_t)(s_ + 1) * (g)->stride; pos++)                  \
                body;                                                                      \
    } while (0)

HARNESS_LOOP static void put_canaries(const group *g, uint8_t *mem) {
    FOR_EACH_GAP_BYTE(g, pos, mem[pos] = canary(pos));
}

HARNESS_LOOP static void check_canaries(const group *g, const uint8_t *mem) {
    FOR_EACH_GAP_BYTE(g, pos, REQUIRE(mem[pos] == canary(pos)));
}

static void pointers(const group *g, uint8_t *mem, uint8_t **out) {
    for (int i = 0; i < g->n; i++) out[i] = shard(g, mem, i);
}

/* Encodes in the group's form; in buffer layout the other form must give the same bytes. */
static void encode(const group *g, uint8_t *mem, uint8_t *scratch) {
    uint8_t *p[KCP_RS_MAX_SHARDS];
    if (!g->reversed) memcpy(scratch, mem, g->total);
    pointers(g, mem, p);
    if (g->ptrs) {
        REQUIRE(kcp_rs_encode_ptrs(g->rs, p, g->len) == KCP_RS_OK);
    } else {
        REQUIRE(kcp_rs_encode_buf(g->rs, mem + g->base, g->stride, g->len) == KCP_RS_OK);
    }
    if (!g->reversed) {
        pointers(g, scratch, p);
        if (g->ptrs) {
            REQUIRE(kcp_rs_encode_buf(g->rs, scratch + g->base, g->stride, g->len) == KCP_RS_OK);
        } else {
            REQUIRE(kcp_rs_encode_ptrs(g->rs, p, g->len) == KCP_RS_OK);
        }
        REQUIRE(memcmp(scratch, mem, g->total) == 0);
    }
}

/* verify in every form the layout allows; they must agree. */
static int verify(const group *g, const uint8_t *mem) {
    const uint8_t *p[KCP_RS_MAX_SHARDS];
    for (int i = 0; i < g->n; i++) p[i] = shard(g, (uint8_t *)mem, i);
    int r = kcp_rs_verify_ptrs(g->rs, p, g->len);
    REQUIRE(r == 0 || r == 1);
    if (!g->reversed) REQUIRE(kcp_rs_verify_buf(g->rs, mem + g->base, g->stride, g->len) == r);
    return r;
}

static int rebuild(const group *g, uint8_t *mem, const uint8_t *present, int data_only) {
    if (g->ptrs) {
        uint8_t *p[KCP_RS_MAX_SHARDS];
        pointers(g, mem, p);
        return data_only ? kcp_rs_reconstruct_data_ptrs(g->rs, p, g->len, present)
                         : kcp_rs_reconstruct_ptrs(g->rs, p, g->len, present);
    }
    uint8_t *buf = mem + g->base;
    return data_only ? kcp_rs_reconstruct_data_buf(g->rs, buf, g->stride, g->len, present)
                     : kcp_rs_reconstruct_buf(g->rs, buf, g->stride, g->len, present);
}

/* The input's bytes from `phase` on, repeated (with an offset per repetition). */
HARNESS_LOOP static void fill(uint8_t *dst, size_t n, const reader *src, size_t phase) {
    if (!src->n) {
        for (size_t i = 0; i < n; i++) dst[i] = (uint8_t)(phase * 31 + i);
        return;
    }
    size_t at = phase % src->n, lap = phase / src->n;
    for (size_t i = 0; i < n; i++) {
        dst[i] = (uint8_t)(src->p[at] + lap);
        if (++at == src->n) {
            at = 0;
            lap++;
        }
    }
}

static uint64_t lookups(const kcp_rs *rs) {
    uint64_t hits, misses;
    kcp_rs_cache_stats(rs, &hits, &misses);
    return hits + misses;
}

/* Bad arguments: EINVAL, nothing written. */
static void bad_arguments(const group *g, uint8_t *mem, const uint8_t *present) {
    uint8_t *copy = malloc(g->total);
    REQUIRE(copy);
    memcpy(copy, mem, g->total);
    uint8_t *buf = mem + g->base;
    uint8_t *p[KCP_RS_MAX_SHARDS];
    pointers(g, mem, p);
    REQUIRE(kcp_rs_encode_buf(g->rs, buf, g->stride, 0) == KCP_RS_EINVAL);
    REQUIRE(kcp_rs_verify_buf(g->rs, buf, g->stride, 0) == KCP_RS_EINVAL);
    REQUIRE(kcp_rs_reconstruct_buf(g->rs, buf, g->stride, 0, present) == KCP_RS_EINVAL);
    REQUIRE(kcp_rs_reconstruct_data_buf(g->rs, buf, g->stride, 0, present) == KCP_RS_EINVAL);
    if (g->len > 1) { /* stride < len */
        REQUIRE(kcp_rs_encode_buf(g->rs, buf, g->len - 1, g->len) == KCP_RS_EINVAL);
        REQUIRE(kcp_rs_verify_buf(g->rs, buf, g->len - 1, g->len) == KCP_RS_EINVAL);
        REQUIRE(kcp_rs_reconstruct_buf(g->rs, buf, g->len - 1, g->len, present) == KCP_RS_EINVAL);
        REQUIRE(kcp_rs_reconstruct_data_buf(g->rs, buf, g->len - 1, g->len, present) ==
                KCP_RS_EINVAL);
    }
    REQUIRE(kcp_rs_encode_buf(g->rs, NULL, g->stride, g->len) == KCP_RS_EINVAL);
    REQUIRE(kcp_rs_verify_buf(g->rs, NULL, g->stride, g->len) == KCP_RS_EINVAL);
    REQUIRE(kcp_rs_reconstruct_buf(g->rs, NULL, g->stride, g->len, present) == KCP_RS_EINVAL);
    REQUIRE(kcp_rs_reconstruct_buf(g->rs, buf, g->stride, g->len, NULL) == KCP_RS_EINVAL);
    REQUIRE(kcp_rs_reconstruct_data_buf(g->rs, buf, g->stride, g->len, NULL) == KCP_RS_EINVAL);
    REQUIRE(kcp_rs_reconstruct_ptrs(g->rs, p, g->len, NULL) == KCP_RS_EINVAL);
    REQUIRE(kcp_rs_encode_buf(NULL, buf, g->stride, g->len) == KCP_RS_EINVAL);
    REQUIRE(kcp_rs_verify_buf(NULL, buf, g->stride, g->len) == KCP_RS_EINVAL);
    REQUIRE(kcp_rs_reconstruct_buf(NULL, buf, g->stride, g->len, present) == KCP_RS_EINVAL);
    REQUIRE(kcp_rs_reconstruct_data_ptrs(NULL, p, g->len, present) == KCP_RS_EINVAL);
    /* one shard pointer missing */
    int hole = (int)(g->len % (size_t)g->n);
    p[hole] = NULL;
    REQUIRE(kcp_rs_encode_ptrs(g->rs, p, g->len) == KCP_RS_EINVAL);
    REQUIRE(kcp_rs_verify_ptrs(g->rs, (const uint8_t *const *)p, g->len) == KCP_RS_EINVAL);
    REQUIRE(kcp_rs_reconstruct_ptrs(g->rs, p, g->len, present) == KCP_RS_EINVAL);
    REQUIRE(kcp_rs_reconstruct_data_ptrs(g->rs, p, g->len, present) == KCP_RS_EINVAL);
    REQUIRE(kcp_rs_encode_ptrs(g->rs, NULL, g->len) == KCP_RS_EINVAL);
    REQUIRE(memcmp(copy, mem, g->total) == 0);
    free(copy);
}

/* Shapes, parity rows and path selection. */
static void shapes_and_paths(const group *g, uint8_t sel) {
    int bad_ds = (sel & 1) ? -(int)(sel >> 1) : 0;
    REQUIRE(kcp_rs_new(bad_ds, 1) == NULL);
    REQUIRE(kcp_rs_new(1, -1 - (int)(sel >> 1)) == NULL);
    REQUIRE(kcp_rs_new(g->ds, KCP_RS_MAX_SHARDS + 1 - g->ds + (sel >> 1)) == NULL);
    REQUIRE(kcp_rs_data_shards(NULL) == KCP_RS_EINVAL);
    REQUIRE(kcp_rs_parity_shards(NULL) == KCP_RS_EINVAL);

    /* parity row p, column c is parity p of a unit data vector */
    uint8_t row[KCP_RS_MAX_SHARDS];
    REQUIRE(kcp_rs_parity_row(g->rs, -1, row) == KCP_RS_EINVAL);
    REQUIRE(kcp_rs_parity_row(g->rs, g->ps, row) == KCP_RS_EINVAL);
    REQUIRE(kcp_rs_parity_row(NULL, 0, row) == KCP_RS_EINVAL);
    if (g->ps > 0) {
        int p = sel % g->ps, c = (sel >> 3) % g->ds;
        REQUIRE(kcp_rs_parity_row(g->rs, p, NULL) == KCP_RS_EINVAL);
        REQUIRE(kcp_rs_parity_row(g->rs, p, row) == KCP_RS_OK);
        uint8_t unit[KCP_RS_MAX_SHARDS];
        memset(unit, 0, (size_t)g->n);
        unit[c] = 1;
        REQUIRE(kcp_rs_encode_buf(g->rs, unit, 1, 1) == KCP_RS_OK);
        REQUIRE(unit[g->ds + p] == row[c]);
    }

    int path = kcp_rs_path();
    REQUIRE(kcp_rs_set_path(KCP_RS_PATH_COUNT + sel) == KCP_RS_EINVAL);
    REQUIRE(kcp_rs_set_path(-2 - sel) == KCP_RS_EINVAL);
    REQUIRE(kcp_rs_path() == path);
    REQUIRE(strcmp(kcp_rs_path_name(KCP_RS_PATH_COUNT + sel), "unknown") == 0);
    REQUIRE((kcp_rs_available_paths() & 1u) != 0);
}

/* One erasure pattern: fill, (encode), erase, rebuild, check. */
static void round_trip(const group *g, uint8_t op, const uint8_t *bits, size_t nbits,
                       const reader *material, int round_no, int path, uint8_t *mem, uint8_t *orig,
                       uint8_t *before, uint8_t *ref) {
    static const uint8_t VALUES[4] = {1, 0x80, 0xFF, 0x2A}; /* "nonzero = present" */
    int data_only = op & 1, codeword = (op >> 1) & 1, corrupt = (op >> 2) & 1;
    uint8_t present[KCP_RS_MAX_SHARDS];
    int have = 0, have_data = 0;
    for (int i = 0; i < g->n; i++) {
        int lost = (size_t)(i / 8) < nbits ? (bits[i / 8] >> (i % 8)) & 1 : 0;
        present[i] = lost ? 0 : VALUES[(op >> 4 >> (i & 1) * 2) & 3];
        have += !lost;
        have_data += !lost && i < g->ds;
    }
    size_t phase = (size_t)round_no * 977;

    for (int i = 0; i < g->n; i++) fill(shard(g, mem, i), g->len, material, phase + (size_t)i * g->len);
    if (codeword) {
        encode(g, mem, ref);
        REQUIRE(verify(g, mem) == 1);
        if (corrupt && g->ps > 0) {
            size_t at = phase % g->len;
            uint8_t *q = shard(g, mem, g->ds + (int)(phase % (size_t)g->ps)) + at;
            uint8_t x = (uint8_t)(1 + op % 255);
            *q ^= x;
            REQUIRE(verify(g, mem) == 0);
            *q ^= x;
        }
    } else {
        /* verify against parity recomputed on the scalar path */
        memcpy(ref, mem, g->total);
        REQUIRE(kcp_rs_set_path(KCP_RS_PATH_SCALAR) == KCP_RS_OK);
        encode(g, ref, orig);
        REQUIRE(kcp_rs_set_path(path) == KCP_RS_OK);
        int match = 1;
        for (int i = g->ds; i < g->n && match; i++)
            match = memcmp(shard(g, mem, i), shard(g, ref, i), g->len) == 0;
        REQUIRE(verify(g, mem) == match);
    }
    memcpy(orig, mem, g->total);
    for (int i = 0; i < g->n; i++)
        if (!present[i]) memset(shard(g, mem, i), 0x5A ^ i, g->len);
    memcpy(before, mem, g->total);

    uint64_t looked = lookups(g->rs);
    int rc = rebuild(g, mem, present, data_only);
    int nothing_to_do = have == g->n || (data_only && have_data == g->ds);
    if (nothing_to_do) {
        REQUIRE(rc == KCP_RS_OK);
    } else if (have < g->ds) {
        REQUIRE(rc == KCP_RS_ETOOFEW);
    } else {
        REQUIRE(rc == KCP_RS_OK);
    }
    REQUIRE(lookups(g->rs) - looked == (uint64_t)(rc == KCP_RS_OK && have_data < g->ds));
    check_canaries(g, mem);
    if (rc != KCP_RS_OK || nothing_to_do) {
        REQUIRE(memcmp(mem, before, g->total) == 0);
        return;
    }
    for (int i = 0; i < g->n; i++) {
        if (present[i] || (data_only && i >= g->ds))
            REQUIRE(memcmp(shard(g, mem, i), shard(g, before, i), g->len) == 0);
    }
    if (codeword) {
        int last = data_only ? g->ds : g->n;
        for (int i = 0; i < last; i++)
            REQUIRE(memcmp(shard(g, mem, i), shard(g, orig, i), g->len) == 0);
    }

    /* The oracle: parity re-encoded (scalar) from the rebuilt data matches the parity shards
     * among the first ds present ones, and every parity shard a full rebuild wrote. */
    memcpy(ref, mem, g->total);
    REQUIRE(kcp_rs_set_path(KCP_RS_PATH_SCALAR) == KCP_RS_OK);
    encode(g, ref, orig);
    int used = 0;
    for (int i = 0; i < g->n; i++) {
        int input = present[i] && used < g->ds;
        used += present[i] != 0;
        if (i < g->ds) continue;
        if (input || (!present[i] && !data_only))
            REQUIRE(memcmp(shard(g, mem, i), shard(g, ref, i), g->len) == 0);
    }

    /* The scalar path's full rebuild of the same input: same bytes (data shards if data only). */
    memcpy(ref, before, g->total);
    REQUIRE(rebuild(g, ref, present, 0) == KCP_RS_OK);
    REQUIRE(kcp_rs_set_path(path) == KCP_RS_OK);
    int last = data_only ? g->ds : g->n;
    for (int i = 0; i < last; i++)
        REQUIRE(memcmp(shard(g, mem, i), shard(g, ref, i), g->len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    reader r = {data, size};
    uint8_t ds_sel = u8(&r), ps_sel = u8(&r);
    size_t len = u8(&r);
    len = 1 + (len | (size_t)u8(&r) << 8) % 10000;
    uint8_t path_sel = u8(&r), layout = u8(&r);
    int rounds = 1 + u8(&r) % MAX_ROUNDS;

    /* Mostly kcp-go's shapes (small), sometimes large ones up to 256 shards. */
    group g;
    memset(&g, 0, sizeof(g));
    g.ds = ds_sel < 224 ? 1 + ds_sel % 32 : 1 + (ds_sel - 224) * 8;
    g.ps = ps_sel < 224 ? ps_sel % 16 : (ps_sel - 224) * 8;
    if (g.ps > KCP_RS_MAX_SHARDS - g.ds) g.ps = KCP_RS_MAX_SHARDS - g.ds;
    g.n = g.ds + g.ps;
    while (len > 1 && ((size_t)g.n * len > MAX_BYTES || (size_t)g.ds * g.n * len > MAX_WORK))
        len = len * 3 / 4;
    g.len = len;
    g.base = layout & 63;                       /* unaligned starts */
    g.stride = len + (size_t)((layout >> 6) & 3) * 13; /* gaps between shards */
    g.total = g.base + (size_t)(g.n - 1) * g.stride + g.len;

    unsigned avail = kcp_rs_available_paths();
    int path = path_sel % KCP_RS_PATH_COUNT;
    while (!(avail & (1u << path))) path--;
    REQUIRE(kcp_rs_set_path(path) == KCP_RS_OK);

    g.rs = kcp_rs_new(g.ds, g.ps);
    REQUIRE(g.rs && kcp_rs_data_shards(g.rs) == g.ds && kcp_rs_parity_shards(g.rs) == g.ps);
    REQUIRE(lookups(g.rs) == 0);

    /* every buffer exactly as long as the group, so ASan sees any stray access */
    uint8_t *mem = malloc(g.total), *orig = malloc(g.total), *before = malloc(g.total),
            *ref = malloc(g.total);
    REQUIRE(mem && orig && before && ref);
    put_canaries(&g, mem);
    put_canaries(&g, orig);
    put_canaries(&g, before);
    put_canaries(&g, ref);

    /* the round descriptions come first; whatever follows fills the shards */
    size_t nbits = (size_t)(g.n + 7) / 8;
    uint8_t ops[MAX_ROUNDS];
    const uint8_t *bits[MAX_ROUNDS];
    size_t bits_len[MAX_ROUNDS];
    for (int k = 0; k < rounds; k++) {
        ops[k] = u8(&r);
        bits[k] = r.p;
        bits_len[k] = r.n < nbits ? r.n : nbits;
        r.p += bits_len[k];
        r.n -= bits_len[k];
    }

    for (int k = 0; k < rounds; k++) {
        /* the layout form changes per round: buffer, pointers, pointers in reverse order */
        g.ptrs = (ops[k] >> 3) & 1;
        g.reversed = g.ptrs && (ops[k] & 0x40);
        round_trip(&g, ops[k], bits[k], bits_len[k], &r, k, path, mem, orig, before, ref);
    }
    uint8_t all_present[KCP_RS_MAX_SHARDS];
    memset(all_present, 1, sizeof(all_present));
    g.reversed = 0;
    bad_arguments(&g, mem, all_present);
    shapes_and_paths(&g, ops[0]);

    free(mem);
    free(orig);
    free(before);
    free(ref);
    kcp_rs_free(g.rs);
    return 0;
}
