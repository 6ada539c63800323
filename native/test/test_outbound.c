/*
 * ARQ output records to wire datagrams: records come out byte for byte behind their headers;
 * the CRC covers everything after the crypto header; FEC seqids, types and sizes follow kcp-go
 * 5.6.1 (data seqids count up, parity wraps at a multiple of the shard count); parity is the
 * Reed-Solomon code of the group's zero-padded shards and as long as its longest; duplicates
 * are identical copies; a wire sized by the bounds is never too small; bad records and a full
 * wire are refused.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kcp/crc32.h"
#include "kcp/outbound.h"
#include "kcp/rs.h"
#include "test_support.h"

#define MAX_RECORDS 200

typedef struct {
    uint8_t *bytes;
    size_t len;
    int count;
    size_t at[MAX_RECORDS]; /* each datagram's offset */
    uint32_t lens[MAX_RECORDS];
} records;

/* count records of random lengths in [reserve, max], random bytes after the reserve (zeros). */
static void make_records(records *r, int count, int reserve, int max) {
    r->bytes = xmalloc((size_t)count * (size_t)(max + 4));
    r->len = 0;
    r->count = count;
    for (int i = 0; i < count; i++) {
        uint32_t len = (uint32_t)(reserve + (int)rnd_below((size_t)(max - reserve + 1)));
        if (rnd_below(3) == 0) len = (uint32_t)max; /* runs of full datagrams, as bulk sends */
        wr32(r->bytes + r->len, len);
        r->at[i] = r->len + 4;
        r->lens[i] = len;
        memset(r->bytes + r->len + 4, 0, (size_t)reserve);
        fill_random(r->bytes + r->len + 4 + reserve, len - (uint32_t)reserve);
        r->len += 4 + len;
    }
}

typedef struct {
    kcp_wire w;
    size_t *at; /* offset of each datagram */
} wire_buf;

static void wire_alloc(wire_buf *b, size_t cap, int lens_cap) {
    memset(b, 0, sizeof *b);
    b->w.data = xmalloc(cap);
    b->w.cap = cap;
    b->w.lens = xmalloc(sizeof(uint16_t) * (size_t)(lens_cap ? lens_cap : 1));
    b->w.lens_cap = lens_cap;
    b->at = xmalloc(sizeof(size_t) * (size_t)(lens_cap ? lens_cap : 1));
}

static void wire_index(wire_buf *b) {
    size_t at = 0;
    for (int i = 0; i < b->w.count; i++) {
        b->at[i] = at;
        at += b->w.lens[i];
    }
}

static void wire_free(wire_buf *b) {
    free(b->w.data);
    free(b->w.lens);
    free(b->at);
}

static void check_crc(const uint8_t *d, size_t len, int crypto) {
    if (!crypto) return;
    CHECK_AT(rd32(d + 16) == kcp_crc32(d + KCP_CRYPTO_HEADER, len - KCP_CRYPTO_HEADER));
}

/* One shape: encode the records in chunks (as flushes), then check every datagram. */
static void check_shape(int crypto, int ds, int ps, int dup, int max, uint32_t first_seqid) {
    int fec = ds > 0 && ps > 0;
    kcp_outbound *o = kcp_outbound_new(crypto, ds, ps, max);
    CHECK(o != NULL);
    if (!o) return;
    int reserve = kcp_outbound_reserve(o);
    CHECK(reserve == crypto + (fec ? 8 : 0));
    kcp_outbound_set_duplicates(o, dup);
    kcp_outbound_set_next_seqid(o, first_seqid);
    records r;
    int count = 1 + (int)rnd_below(MAX_RECORDS);
    make_records(&r, count, reserve + 2, max);

    wire_buf b;
    int lens_cap = kcp_outbound_datagrams_bound(o, count);
    wire_alloc(&b, kcp_outbound_bytes_bound(o, r.len, count), lens_cap);
    /* in flushes of 1..17 records */
    for (int i = 0; i < count;) {
        int n = 1 + (int)rnd_below(17);
        if (n > count - i) n = count - i;
        size_t from = r.at[i] - 4, to = i + n < count ? r.at[i + n] - 4 : r.len;
        test_at("crypto %d ds %d ps %d dup %d max %d: records %d..%d", crypto, ds, ps, dup, max,
                i, i + n);
        CHECK_AT(kcp_outbound_encode(o, r.bytes + from, to - from, n, &b.w) == 0);
        i += n;
    }
    wire_index(&b);

    /* walk the wire: each record, its copies, and after each group its parity */
    kcp_rs *rs = fec ? kcp_rs_new(ds, ps) : NULL;
    size_t stride = (size_t)max;
    uint8_t *group = fec ? xmalloc((size_t)(ds + ps) * stride) : NULL;
    int in_group = 0;
    size_t group_max = 0;
    uint32_t seqid = first_seqid;
    uint32_t paws = fec ? 0xFFFFFFFFu / (uint32_t)(ds + ps) * (uint32_t)(ds + ps) : 0;
    int k = 0; /* wire datagram */
    for (int i = 0; i < count; i++) {
        test_at("crypto %d ds %d ps %d dup %d: record %d, datagram %d", crypto, ds, ps, dup, i, k);
        const uint8_t *rec = r.bytes + r.at[i];
        size_t len = r.lens[i];
        if (k >= b.w.count) {
            CHECK_AT(0);
            break;
        }
        const uint8_t *d = b.w.data + b.at[k];
        CHECK_AT(b.w.lens[k] == len);
        CHECK_AT(memcmp(d + reserve, rec + reserve, len - (size_t)reserve) == 0);
        CHECK_AT(memcmp(d, rec, 16) == 0 || !crypto); /* the nonce is left to the caller */
        check_crc(d, len, crypto);
        if (fec) {
            CHECK_AT(rd32(d + crypto) == seqid);
            CHECK_AT(rd16(d + crypto + 4) == KCP_FEC_TYPE_DATA);
            CHECK_AT(rd16(d + crypto + 6) == len - (size_t)crypto - 6);
            seqid++;
            uint8_t *slot = group + (size_t)in_group * stride;
            memset(slot, 0, stride);
            memcpy(slot, d + crypto + 6, len - (size_t)crypto - 6);
            if (len > group_max) group_max = len;
            in_group++;
        }
        for (int c = 0; c < dup; c++) {
            k++;
            CHECK_AT(k < b.w.count && b.w.lens[k] == len && memcmp(b.w.data + b.at[k], d, len) == 0);
        }
        k++;
        if (fec && in_group == ds) {
            for (int p = 0; p < ps; p++, k++) {
                test_at("crypto %d ds %d ps %d: parity %d after record %d", crypto, ds, ps, p, i);
                if (k >= b.w.count) {
                    CHECK_AT(0);
                    break;
                }
                const uint8_t *q = b.w.data + b.at[k];
                CHECK_AT(b.w.lens[k] == group_max);
                CHECK_AT(rd32(q + crypto) == seqid);
                CHECK_AT(rd16(q + crypto + 4) == KCP_FEC_TYPE_PARITY);
                check_crc(q, group_max, crypto);
                memcpy(group + (size_t)(ds + p) * stride, q + crypto + 6, group_max - (size_t)crypto - 6);
                seqid = (seqid + 1) % paws;
            }
            CHECK_AT(kcp_rs_verify_buf(rs, group, stride, group_max - (size_t)crypto - 6) == 1);
            in_group = 0;
            group_max = 0;
        }
    }
    CHECK(k == b.w.count);
    if (fec) CHECK(kcp_outbound_next_seqid(o) == seqid);
    CHECK(b.w.count <= lens_cap);

    kcp_rs_free(rs);
    free(group);
    wire_free(&b);
    free(r.bytes);
    kcp_outbound_free(o);
}

static void test_refusals(void) {
    CHECK(kcp_outbound_new(16, 0, 0, 1500) == NULL);       /* a header of neither 0 nor 20 */
    CHECK(kcp_outbound_new(20, 200, 57, 1500) == NULL);    /* 257 shards */
    CHECK(kcp_outbound_new(20, 10, 3, 27) == NULL);        /* no room for the headers */
    CHECK(kcp_outbound_new(0, 0, 0, 65536) == NULL);
    kcp_outbound *o = kcp_outbound_new(20, 10, 3, 1500);
    CHECK(o != NULL && kcp_outbound_reserve(o) == 28);
    if (!o) return;
    uint8_t rec[4 + 1500];
    memset(rec, 0, sizeof rec);
    wire_buf b;
    wire_alloc(&b, 64 * 1024, 64);

    wr32(rec, 100);
    CHECK(kcp_outbound_encode(o, rec, 3, 1, &b.w) == -1);        /* no length */
    CHECK(kcp_outbound_encode(o, rec, 50, 1, &b.w) == -1);       /* runs past the end */
    wr32(rec, 27);
    CHECK(kcp_outbound_encode(o, rec, 31, 1, &b.w) == -1);       /* shorter than the reserve */
    wr32(rec, 1501);
    CHECK(kcp_outbound_encode(o, rec, sizeof rec, 1, &b.w) == -1); /* longer than the maximum */
    wr32(rec, 0xFFFFFFFFu);
    CHECK(kcp_outbound_encode(o, rec, sizeof rec, 1, &b.w) == -1);
    CHECK(b.w.count == 0 && b.w.len == 0);

    wr32(rec, 1000);
    b.w.cap = 999;
    CHECK(kcp_outbound_encode(o, rec, 1004, 1, &b.w) == -2);     /* no room in the wire */
    b.w.cap = 64 * 1024;
    b.w.lens_cap = 0;
    CHECK(kcp_outbound_encode(o, rec, 1004, 1, &b.w) == -2);     /* no room for a length */
    CHECK(b.w.count == 0 && b.w.len == 0);
    wire_free(&b);
    kcp_outbound_free(o);
    kcp_outbound_free(NULL);
}

int main(void) {
    rnd_seed(20261203);
    test_refusals();
    const int max[] = {1500, 1400, 300};
    for (int round = 0; round < 3; round++) {
        for (int crypto = 0; crypto <= 20; crypto += 20) {
            check_shape(crypto, 0, 0, 0, max[round], 0);
            check_shape(crypto, 0, 0, 2, max[round], 0);
            check_shape(crypto, 10, 3, 0, max[round], 0);
            check_shape(crypto, 10, 3, 1, max[round], 0);
            check_shape(crypto, 1, 1, 0, max[round], 0);
            check_shape(crypto, 3, 0, 0, max[round], 0); /* no parity: no FEC, as in kcp-go */
            check_shape(crypto, 200, 56, 0, max[round], 0);
            /* near the wrap: 13 shards wrap at 0xFFFFFFF7, on a parity increment */
            check_shape(crypto, 10, 3, 0, max[round], 0xFFFFFFF7u - 30);
        }
    }
    return test_finish("test_outbound");
}
