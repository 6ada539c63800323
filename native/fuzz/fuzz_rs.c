/*
 * libFuzzer target for the Reed-Solomon codec: arbitrary shapes, lengths, erasure patterns
 * and kernel paths. Every path must produce the scalar path's bytes, a codeword with at most
 * ps shards lost must come back exactly, and more losses must be refused.
 *
 * Input: [ds sel][ps sel][len lo][len hi][path][mode][erasure bits: ceil((ds+ps)/8) bytes][bytes...]
 * The remaining bytes, repeated as needed, fill the shards.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kcp/rs.h"
#include "test_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fill(uint8_t *dst, size_t n, const uint8_t *src, size_t src_len, size_t phase) {
    for (size_t i = 0; i < n; i++)
        dst[i] = src_len ? (uint8_t)(src[(phase + i) % src_len] + (i / src_len)) : (uint8_t)i;
}

/* Building a codec inverts a ds x ds matrix, which dominates a run under the sanitizers, so
 * codecs are kept per shape (direct mapped, bounded). Their decode-matrix caches then carry
 * state across runs, which also exercises hits and evictions; results never depend on it. */
#define CODECS 512
static struct {
    int ds, ps;
    kcp_rs *rs;
} codecs[CODECS];

static kcp_rs *codec(int ds, int ps) {
    unsigned h = (unsigned)(ds * 257 + ps) % CODECS;
    if (codecs[h].rs && codecs[h].ds == ds && codecs[h].ps == ps) return codecs[h].rs;
    kcp_rs_free(codecs[h].rs);
    codecs[h].ds = ds;
    codecs[h].ps = ps;
    codecs[h].rs = kcp_rs_new(ds, ps);
    return codecs[h].rs;
}

static int rebuild(kcp_rs *rs, uint8_t *buf, size_t stride, size_t len, const uint8_t *present,
                   int data_only, int use_ptrs) {
    if (use_ptrs) {
        uint8_t *shards[KCP_RS_MAX_SHARDS];
        int n = kcp_rs_data_shards(rs) + kcp_rs_parity_shards(rs);
        for (int i = 0; i < n; i++) shards[i] = buf + (size_t)i * stride;
        return data_only ? kcp_rs_reconstruct_data_ptrs(rs, shards, len, present)
                         : kcp_rs_reconstruct_ptrs(rs, shards, len, present);
    }
    return data_only ? kcp_rs_reconstruct_data_buf(rs, buf, stride, len, present)
                     : kcp_rs_reconstruct_buf(rs, buf, stride, len, present);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 6) return 0;
    int mode = data[5];
    int ds = 1 + data[0];
    int ps = data[1] % (257 - ds);
    int n = ds + ps;
    size_t len = 1 + (size_t)(data[2] | data[3] << 8) % 4096;
    /* bounded bytes and bounded scalar multiply work per run */
    while (len > 1 && ((size_t)n * len > (1u << 15) ||
                       (size_t)ds * (size_t)(ps + 1) * len > (1u << 17)))
        len /= 2;
    unsigned avail = kcp_rs_available_paths();
    int path = data[4] % KCP_RS_PATH_COUNT;
    while (!(avail & (1u << path))) path--;
    int data_only = mode & 1, use_ptrs = (mode >> 1) & 1;
    size_t stride = len + ((mode >> 2) & 7) * 5;
    data += 6;
    size = size - 6;
    size_t map_len = (size_t)(n + 7) / 8;
    uint8_t present[KCP_RS_MAX_SHARDS];
    int missing = 0;
    for (int i = 0; i < n; i++) {
        unsigned bit = (size_t)(i / 8) < size ? (data[i / 8] >> (i % 8)) & 1 : 0;
        present[i] = (uint8_t)!bit;
        missing += bit;
    }
    if (size > map_len) {
        data += map_len;
        size -= map_len;
    } else {
        size = 0;
    }

    kcp_rs *rs = codec(ds, ps);
    REQUIRE(rs != NULL && kcp_rs_data_shards(rs) == ds && kcp_rs_parity_shards(rs) == ps);
    size_t total = (size_t)(n - 1) * stride + len;
    uint8_t *code = (uint8_t *)malloc(total);
    uint8_t *work = (uint8_t *)malloc(total);
    uint8_t *ref = (uint8_t *)malloc(total);
    REQUIRE(code && work && ref);

    /* encode: the chosen path against scalar */
    fill(code, total, data, size, 0);
    memcpy(ref, code, total);
    REQUIRE(kcp_rs_set_path(KCP_RS_PATH_SCALAR) == KCP_RS_OK);
    REQUIRE(kcp_rs_encode_buf(rs, ref, stride, len) == KCP_RS_OK);
    REQUIRE(kcp_rs_set_path(path) == KCP_RS_OK);
    REQUIRE(kcp_rs_encode_buf(rs, code, stride, len) == KCP_RS_OK);
    REQUIRE(memcmp(code, ref, total) == 0);
    REQUIRE(kcp_rs_verify_buf(rs, code, stride, len) == 1);

    /* erase and rebuild */
    memcpy(work, code, total);
    for (int i = 0; i < n; i++)
        if (!present[i]) memset(work + (size_t)i * stride, 0x5A ^ i, len);
    int rc = rebuild(rs, work, stride, len, present, data_only, use_ptrs);
    if (missing > ps) {
        REQUIRE(rc == KCP_RS_ETOOFEW);
    } else {
        REQUIRE(rc == KCP_RS_OK);
        for (int i = 0; i < n; i++) {
            const uint8_t *want = (data_only && i >= ds && !present[i]) ? NULL : code;
            if (want) REQUIRE(memcmp(work + (size_t)i * stride, want + (size_t)i * stride, len) == 0);
        }
    }

    /* arbitrary (non-codeword) shards: every path must agree with scalar */
    fill(work, total, data, size, 7);
    memcpy(ref, work, total);
    int rc_path = rebuild(rs, work, stride, len, present, data_only, use_ptrs);
    REQUIRE(kcp_rs_set_path(KCP_RS_PATH_SCALAR) == KCP_RS_OK);
    int rc_scalar = rebuild(rs, ref, stride, len, present, data_only, use_ptrs);
    REQUIRE(rc_path == rc_scalar);
    REQUIRE(memcmp(work, ref, total) == 0);

    free(code);
    free(work);
    free(ref);
    return 0;
}
