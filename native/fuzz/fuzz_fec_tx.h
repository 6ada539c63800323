/*
 * kcp-go 5.6.1's FEC encoder (docs/wire.md, "FEC (Reed-Solomon)") for fuzz_inbound.c's peer: every datagram becomes a
 * data shard (seqid, 0xF1, size = 2 + KCP bytes); after ds of them come ps parity shards, RS
 * over the data shards from their size field on, zero-padded to the longest. seqid wraps at
 * paws, a multiple of ds+ps, so groups stay aligned. It also remembers the recent data shards
 * (from the size field on), so the harness can check what the receiver rebuilds.
 *
 * Included by fuzz_inbound.c only.
 */
#ifndef FUZZ_FEC_TX_H
#define FUZZ_FEC_TX_H

#include "fuzz_fec_rx.h"

#define FEC_HISTORY 1024 /* data shards remembered, by seqid % FEC_HISTORY */

typedef struct {
    uint8_t *bytes; /* from the size field on */
    size_t len;
    uint32_t seqid;
} fec_sent;

typedef struct {
    int ds, ps, n;
    kcp_rs *rs;
    size_t offset; /* the FEC header's position in a datagram: after the crypto header */
    uint32_t next, paws;
    int count;
    size_t max_len;   /* longest data shard of the group so far, from the size field on */
    size_t stride;    /* slot size in group */
    uint8_t *group;   /* n slots: the data shards from the size field on, then parity */
    size_t shard_len[FEC_MAX_DS];
    fec_sent history[FEC_HISTORY];
} fec_tx;

typedef void (*fec_emit_fn)(void *ctx, uint8_t *datagram, size_t len);

static fec_tx *fec_tx_new(int ds, int ps, size_t offset, uint32_t first_seqid) {
    fec_tx *t = (fec_tx *)calloc(1, sizeof(*t));
    REQUIRE(t != NULL);
    t->ds = ds;
    t->ps = ps;
    t->n = ds + ps;
    t->rs = kcp_rs_new(ds, ps);
    REQUIRE(t->rs != NULL);
    t->offset = offset;
    t->paws = 0xFFFFFFFFu / (uint32_t)t->n * (uint32_t)t->n;
    t->next = first_seqid % t->paws;
    t->stride = FEC_MAX_DATAGRAM;
    t->group = (uint8_t *)malloc((size_t)t->n * t->stride);
    REQUIRE(t->group != NULL);
    return t;
}

static void fec_tx_free(fec_tx *t) {
    if (!t) return;
    for (int i = 0; i < FEC_HISTORY; i++) free(t->history[i].bytes);
    kcp_rs_free(t->rs);
    free(t->group);
    free(t);
}

/* The data shard with this seqid as sent, from its size field on; NULL if forgotten. */
static const fec_sent *fec_tx_sent(const fec_tx *t, uint32_t seqid) {
    const fec_sent *s = &t->history[seqid % FEC_HISTORY];
    return s->bytes && s->seqid == seqid ? s : NULL;
}

static uint32_t fec_tx_seqid(fec_tx *t, int wrap) {
    uint32_t s = t->next;
    t->next = wrap ? (t->next + 1) % t->paws : t->next + 1; /* 5.6.1 wraps on parity only */
    return s;
}

/* `dg` (len bytes, its FEC header room at offset zero) becomes a data shard and is emitted;
 * the parity shards follow when it completes a group. */
static void fec_tx_encode(fec_tx *t, uint8_t *dg, size_t len, fec_emit_fn emit, void *ctx) {
    REQUIRE(len >= t->offset + FEC_HEADER_PLUS2 && len - t->offset <= FEC_MAX_DATAGRAM);
    uint8_t *h = dg + t->offset;
    uint32_t seqid = fec_tx_seqid(t, 0);
    size_t body = len - t->offset - FEC_HEADER; /* size field and KCP bytes */
    h[0] = (uint8_t)seqid;
    h[1] = (uint8_t)(seqid >> 8);
    h[2] = (uint8_t)(seqid >> 16);
    h[3] = (uint8_t)(seqid >> 24);
    h[4] = FEC_TYPE_DATA;
    h[5] = 0;
    h[6] = (uint8_t)body;
    h[7] = (uint8_t)(body >> 8);

    fec_sent *s = &t->history[seqid % FEC_HISTORY];
    free(s->bytes);
    s->bytes = (uint8_t *)malloc(body);
    REQUIRE(s->bytes != NULL);
    memcpy(s->bytes, h + FEC_HEADER, body);
    s->len = body;
    s->seqid = seqid;

    memcpy(t->group + (size_t)t->count * t->stride, h + FEC_HEADER, body);
    t->shard_len[t->count] = body;
    if (body > t->max_len) t->max_len = body;
    t->count++;
    emit(ctx, dg, len);
    if (t->count < t->ds) return;

    size_t l = t->max_len;
    for (int i = 0; i < t->ds; i++)
        memset(t->group + (size_t)i * t->stride + t->shard_len[i], 0, l - t->shard_len[i]);
    REQUIRE(kcp_rs_encode_buf(t->rs, t->group, t->stride, l) == KCP_RS_OK);
    REQUIRE(kcp_rs_verify_buf(t->rs, t->group, t->stride, l) == 1);
    for (int p = 0; p < t->ps; p++) {
        size_t plen = t->offset + FEC_HEADER + l;
        uint8_t *pd = (uint8_t *)calloc(1, plen);
        REQUIRE(pd != NULL);
        uint32_t ps = fec_tx_seqid(t, 1);
        uint8_t *ph = pd + t->offset;
        ph[0] = (uint8_t)ps;
        ph[1] = (uint8_t)(ps >> 8);
        ph[2] = (uint8_t)(ps >> 16);
        ph[3] = (uint8_t)(ps >> 24);
        ph[4] = FEC_TYPE_PARITY;
        ph[5] = 0;
        memcpy(ph + FEC_HEADER, t->group + (size_t)(t->ds + p) * t->stride, l);
        emit(ctx, pd, plen);
        free(pd);
    }
    t->count = 0;
    t->max_len = 0;
}

#endif
