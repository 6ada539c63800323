/* The public codec: shapes, argument checks, and which kernel call each operation makes. */
#include <stdlib.h>
#include <string.h>

#include "rs_internal.h"

struct kcp_rs {
    int ds, ps;
    kcp_rs_mat enc; /* the ps parity rows of E */
    kcp_rs_cache *cache;
};

kcp_rs *kcp_rs_new(int ds, int ps) {
    if (ds < 1 || ps < 0 || ds + ps > KCP_RS_MAX_SHARDS) return NULL;
    kcp_rs_init();
    kcp_rs *rs = (kcp_rs *)calloc(1, sizeof(*rs));
    if (!rs) return NULL;
    rs->ds = ds;
    rs->ps = ps;
    rs->enc.rows = ps;
    rs->enc.cols = ds;
    rs->enc.coef = (uint8_t *)malloc((size_t)(ps ? ps : 1) * (size_t)ds);
    rs->cache = kcp_rs_cache_new(ds, ps);
    if (!rs->enc.coef || !rs->cache) {
        kcp_rs_free(rs);
        return NULL;
    }
    kcp_rs_build_parity(ds, ps, rs->enc.coef);
    return rs;
}

void kcp_rs_free(kcp_rs *rs) {
    if (!rs) return;
    free(rs->enc.coef);
    kcp_rs_cache_free(rs->cache);
    free(rs);
}

int kcp_rs_data_shards(const kcp_rs *rs) { return rs ? rs->ds : KCP_RS_EINVAL; }
int kcp_rs_parity_shards(const kcp_rs *rs) { return rs ? rs->ps : KCP_RS_EINVAL; }

int kcp_rs_parity_row(const kcp_rs *rs, int p, uint8_t *dst) {
    if (!rs || !dst || p < 0 || p >= rs->ps) return KCP_RS_EINVAL;
    memcpy(dst, rs->enc.coef + (size_t)p * rs->ds, (size_t)rs->ds);
    return KCP_RS_OK;
}

void kcp_rs_cache_stats(const kcp_rs *rs, uint64_t *hits, uint64_t *misses) {
    if (rs) {
        kcp_rs_cache_counts(rs->cache, hits, misses);
        return;
    }
    if (hits) *hits = 0;
    if (misses) *misses = 0;
}

/* ---- argument checks and the contiguous-buffer form ---- */

static int check_ptrs(const kcp_rs *rs, const uint8_t *const *shards, size_t len) {
    if (!rs || !shards || len == 0) return 0;
    for (int i = 0; i < rs->ds + rs->ps; i++)
        if (!shards[i]) return 0;
    return 1;
}

static int split_buf(const kcp_rs *rs, const uint8_t *buf, size_t stride, size_t len,
                     uint8_t **shards) {
    if (!rs || !buf || len == 0 || stride < len) return 0;
    for (int i = 0; i < rs->ds + rs->ps; i++) shards[i] = (uint8_t *)buf + (size_t)i * stride;
    return 1;
}

/* ---- encode / verify ---- */

int kcp_rs_encode_ptrs(const kcp_rs *rs, uint8_t *const *shards, size_t len) {
    if (!check_ptrs(rs, (const uint8_t *const *)shards, len)) return KCP_RS_EINVAL;
    if (rs->ps > 0)
        kcp_rs_kernel()(&rs->enc, NULL, rs->ps, (const uint8_t *const *)shards,
                        shards + rs->ds, len);
    return KCP_RS_OK;
}

int kcp_rs_encode_buf(const kcp_rs *rs, uint8_t *buf, size_t stride, size_t len) {
    uint8_t *shards[KCP_RS_MAX_SHARDS];
    if (!split_buf(rs, buf, stride, len, shards)) return KCP_RS_EINVAL;
    return kcp_rs_encode_ptrs(rs, shards, len);
}

#define VERIFY_SCRATCH 8192

int kcp_rs_verify_ptrs(const kcp_rs *rs, const uint8_t *const *shards, size_t len) {
    if (!check_ptrs(rs, shards, len)) return KCP_RS_EINVAL;
    if (rs->ps == 0) return 1;
    /* Parity is recomputed column slice by column slice into a fixed scratch area. */
    uint8_t scratch[VERIFY_SCRATCH];
    uint8_t *tmp[KCP_RS_MAX_SHARDS];
    const uint8_t *in[KCP_RS_MAX_SHARDS];
    size_t slice = VERIFY_SCRATCH / (size_t)rs->ps; /* >= 32 */
    if (slice >= 64) slice &= ~(size_t)63;
    kcp_rs_kernel_fn kernel = kcp_rs_kernel();
    for (size_t off = 0; off < len; off += slice) {
        size_t n = len - off < slice ? len - off : slice;
        for (int i = 0; i < rs->ds; i++) in[i] = shards[i] + off;
        for (int p = 0; p < rs->ps; p++) tmp[p] = scratch + (size_t)p * slice;
        kernel(&rs->enc, NULL, rs->ps, in, tmp, n);
        for (int p = 0; p < rs->ps; p++)
            if (memcmp(tmp[p], shards[rs->ds + p] + off, n) != 0) return 0;
    }
    return 1;
}

int kcp_rs_verify_buf(const kcp_rs *rs, const uint8_t *buf, size_t stride, size_t len) {
    uint8_t *shards[KCP_RS_MAX_SHARDS];
    if (!split_buf(rs, buf, stride, len, shards)) return KCP_RS_EINVAL;
    return kcp_rs_verify_ptrs(rs, (const uint8_t *const *)shards, len);
}

/* ---- reconstruct ---- */

static int reconstruct(kcp_rs *rs, uint8_t *const *shards, size_t len, const uint8_t *present,
                       int data_only) {
    if (!check_ptrs(rs, (const uint8_t *const *)shards, len) || !present) return KCP_RS_EINVAL;
    int ds = rs->ds, n = rs->ds + rs->ps;
    int have = 0, have_data = 0;
    for (int i = 0; i < n; i++) {
        if (!present[i]) continue;
        have++;
        if (i < ds) have_data++;
    }
    if (have == n || (data_only && have_data == ds)) return KCP_RS_OK;
    if (have < ds) return KCP_RS_ETOOFEW;
    kcp_rs_kernel_fn kernel = kcp_rs_kernel();

    if (have_data < ds) {
        /* Inputs: the first ds present shards, as klauspost picks them. */
        kcp_rs_key key = {{0, 0, 0, 0}};
        const uint8_t *in[KCP_RS_MAX_SHARDS];
        uint8_t *out[KCP_RS_MAX_SHARDS];
        int n_in = 0, n_out = 0;
        for (int i = 0; i < n && n_in < ds; i++) {
            if (present[i]) {
                key.w[i >> 6] |= (uint64_t)1 << (i & 63);
                in[n_in++] = shards[i];
            } else if (i < ds) {
                out[n_out++] = shards[i];
            }
        }
        const kcp_rs_mat *dec = kcp_rs_cache_get(rs->cache, &key);
        if (!dec) return KCP_RS_ENOMEM;
        kernel(dec, NULL, n_out, in, out, len);
    }
    if (!data_only) {
        /* Missing parity is re-encoded from the (now complete) data shards. */
        int rows[KCP_RS_MAX_SHARDS];
        uint8_t *out[KCP_RS_MAX_SHARDS];
        int n_out = 0;
        for (int p = 0; p < rs->ps; p++) {
            if (present[ds + p]) continue;
            rows[n_out] = p;
            out[n_out++] = shards[ds + p];
        }
        if (n_out > 0) kernel(&rs->enc, rows, n_out, (const uint8_t *const *)shards, out, len);
    }
    return KCP_RS_OK;
}

int kcp_rs_reconstruct_ptrs(kcp_rs *rs, uint8_t *const *shards, size_t len,
                            const uint8_t *present) {
    return reconstruct(rs, shards, len, present, 0);
}

int kcp_rs_reconstruct_data_ptrs(kcp_rs *rs, uint8_t *const *shards, size_t len,
                                 const uint8_t *present) {
    return reconstruct(rs, shards, len, present, 1);
}

int kcp_rs_reconstruct_buf(kcp_rs *rs, uint8_t *buf, size_t stride, size_t len,
                           const uint8_t *present) {
    uint8_t *shards[KCP_RS_MAX_SHARDS];
    if (!split_buf(rs, buf, stride, len, shards)) return KCP_RS_EINVAL;
    return reconstruct(rs, shards, len, present, 0);
}

int kcp_rs_reconstruct_data_buf(kcp_rs *rs, uint8_t *buf, size_t stride, size_t len,
                                const uint8_t *present) {
    uint8_t *shards[KCP_RS_MAX_SHARDS];
    if (!split_buf(rs, buf, stride, len, shards)) return KCP_RS_EINVAL;
    return reconstruct(rs, shards, len, present, 1);
}
