/*
 * The FEC receive side of kcp-go 5.6.1 as io.kcp.fec.FecDecoder implements it, in C, so that
 * fuzz_inbound.c can drive the C Reed-Solomon code the way the Java decoder does: a queue
 * sorted by seqid (duplicates dropped, at most 3 * (ds+ps) shards, 60 s expiry), a group at
 * seqid - seqid % (ds+ps), and kcp_rs_reconstruct_data_buf over the group's slots once ds of
 * its shards are queued. No autotune: the harness changes the shape itself.
 *
 * Included by fuzz_inbound.c only (each .c file in native/fuzz is a fuzz target of its own).
 */
#ifndef FUZZ_FEC_RX_H
#define FUZZ_FEC_RX_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kcp/rs.h"

#define FEC_MAX_DATAGRAM 1500 /* FecPacket.MTU_LIMIT: longest FEC packet accepted */
#define FEC_HEADER 6          /* seqid, flag */
#define FEC_HEADER_PLUS2 8    /* and a data shard's size field */
#define FEC_TYPE_DATA 0xF1
#define FEC_TYPE_PARITY 0xF2
#define FEC_RX_MULTI 3
#define FEC_EXPIRE_MS 60000
#define FEC_MAX_DS 20 /* the shapes the harness uses */
#define FEC_MAX_PS 10
#define FEC_MAX_N (FEC_MAX_DS + FEC_MAX_PS)
/* The queue exceeds its limit by one at most, and only until the end of fec_rx_decode. */
#define FEC_RX_CAP (FEC_RX_MULTI * FEC_MAX_N + 1)

#define FEC_REQUIRE(c)                                                                     \
    do {                                                                                   \
        if (!(c)) abort();                                                                 \
    } while (0)

static uint16_t fec_u16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

static uint32_t fec_u32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

typedef struct {
    uint8_t *bytes; /* the FEC packet from its seqid on: exactly len bytes */
    size_t len;
    uint32_t seqid, ts;
    int data;
    int clean; /* the harness's: made by its peer and unchanged on the way */
} fec_entry;

typedef struct {
    int ds, ps, n;
    kcp_rs *rs;
    size_t stride;  /* slot size: the longest shard */
    uint8_t *group; /* n slots, exactly n * stride bytes */
    uint8_t present[FEC_MAX_N];
    size_t slot_len[FEC_MAX_N];
    fec_entry rx[FEC_RX_CAP];
    int count;
    /* the last decode: data slots rebuilt (in group), their length, and the group they are in */
    int recovered[FEC_MAX_N];
    int n_recovered;
    size_t recovered_len;
    uint32_t recovered_first_seqid;
    int recovered_clean; /* every shard the group was rebuilt from was clean */
    /* kcp-go's counters */
    uint64_t parity_shards, short_shards, too_few;
} fec_rx;

/* Sets the shape (as autotune would); queued shards stay, as in FecDecoder.shape. */
static void fec_rx_shape(fec_rx *d, int ds, int ps) {
    FEC_REQUIRE(ds >= 1 && ds <= FEC_MAX_DS && ps >= 1 && ps <= FEC_MAX_PS);
    kcp_rs_free(d->rs);
    d->rs = kcp_rs_new(ds, ps);
    FEC_REQUIRE(d->rs != NULL);
    d->ds = ds;
    d->ps = ps;
    d->n = ds + ps;
    free(d->group);
    d->group = (uint8_t *)malloc((size_t)d->n * d->stride);
    FEC_REQUIRE(d->group != NULL);
}

static fec_rx *fec_rx_new(int ds, int ps) {
    fec_rx *d = (fec_rx *)calloc(1, sizeof(*d));
    FEC_REQUIRE(d != NULL);
    d->stride = FEC_MAX_DATAGRAM - FEC_HEADER;
    fec_rx_shape(d, ds, ps);
    return d;
}

/* Frees rx[first .. first+k) and closes the gap. */
static void fec_rx_drop(fec_rx *d, int first, int k) {
    if (k <= 0) return;
    for (int i = first; i < first + k; i++) free(d->rx[i].bytes);
    memmove(&d->rx[first], &d->rx[first + k], (size_t)(d->count - first - k) * sizeof(fec_entry));
    d->count -= k;
}

static void fec_rx_free(fec_rx *d) {
    if (!d) return;
    fec_rx_drop(d, 0, d->count);
    kcp_rs_free(d->rs);
    free(d->group);
    free(d);
}

/* Copies the group's shards into their slots (a later seqid with the same slot overwrites,
 * as in kcp-go), zero-pads them to max_len and rebuilds the missing data shards. */
static void fec_rx_rebuild(fec_rx *d, int first, int num, size_t max_len, int clean) {
    for (int i = first; i < first + num; i++) {
        const fec_entry *e = &d->rx[i];
        int slot = (int)(e->seqid % (uint32_t)d->n);
        size_t k = e->len - FEC_HEADER;
        FEC_REQUIRE(k <= d->stride);
        memcpy(d->group + (size_t)slot * d->stride, e->bytes + FEC_HEADER, k);
        d->slot_len[slot] = k;
    }
    int have = 0;
    for (int slot = 0; slot < d->n; slot++) {
        if (!d->present[slot]) continue;
        have++;
        if (d->slot_len[slot] < max_len)
            memset(d->group + (size_t)slot * d->stride + d->slot_len[slot], 0,
                   max_len - d->slot_len[slot]);
    }
    int rc = kcp_rs_reconstruct_data_buf(d->rs, d->group, d->stride, max_len, d->present);
    /* Fewer distinct slots than shards happens only when seqids that are not aligned to the
     * shape (hostile ones, near the u32 wrap) share a slot; then the codec must refuse. */
    FEC_REQUIRE(rc == (have >= d->ds ? KCP_RS_OK : KCP_RS_ETOOFEW));
    if (rc != KCP_RS_OK) {
        d->too_few++;
        return;
    }
    for (int slot = 0; slot < d->ds; slot++)
        if (!d->present[slot]) d->recovered[d->n_recovered++] = slot;
    d->recovered_len = max_len;
    d->recovered_clean = clean;
}

/* The group [begin, end] (seqids, wrap-safe) among rx[search_begin .. search_end]. */
static void fec_rx_recover(fec_rx *d, int search_begin, int search_end, uint32_t begin,
                           uint32_t end) {
    int num = 0, num_data = 0, first = 0, clean = 1;
    size_t max_len = 0;
    memset(d->present, 0, sizeof(d->present));
    for (int i = search_begin; i <= search_end; i++) {
        const fec_entry *e = &d->rx[i];
        if ((int32_t)(e->seqid - end) > 0) break;
        if ((int32_t)(e->seqid - begin) >= 0) {
            d->present[e->seqid % (uint32_t)d->n] = 1;
            if (num++ == 0) first = i;
            num_data += e->data;
            clean &= e->clean;
            if (e->len - FEC_HEADER > max_len) max_len = e->len - FEC_HEADER;
        }
    }
    if (num_data == d->ds) {
        fec_rx_drop(d, first, num);
    } else if (num >= d->ds) {
        d->recovered_first_seqid = begin;
        fec_rx_rebuild(d, first, num, max_len, clean);
        fec_rx_drop(d, first, num);
    }
}

/* Queues one FEC packet (crypto header removed; from its seqid on, 8 <= len <= 1500) and
 * rebuilds what it can: afterwards recovered[0 .. n_recovered) are the rebuilt data slots. */
static void fec_rx_decode(fec_rx *d, const uint8_t *pkt, size_t len, uint32_t now, int clean) {
    FEC_REQUIRE(len >= FEC_HEADER_PLUS2 && len <= FEC_MAX_DATAGRAM);
    uint32_t seqid = fec_u32(pkt);
    int is_data = fec_u16(pkt + 4) == FEC_TYPE_DATA;
    d->n_recovered = 0;
    if (!is_data) d->parity_shards++;

    int at = 0;
    for (int i = d->count - 1; i >= 0; i--) {
        uint32_t s = d->rx[i].seqid;
        if (s == seqid) return; /* duplicate */
        if ((int32_t)(seqid - s) > 0) {
            at = i + 1;
            break;
        }
    }
    FEC_REQUIRE(d->count < FEC_RX_CAP);
    memmove(&d->rx[at + 1], &d->rx[at], (size_t)(d->count - at) * sizeof(fec_entry));
    fec_entry *e = &d->rx[at];
    e->bytes = (uint8_t *)malloc(len);
    FEC_REQUIRE(e->bytes != NULL);
    memcpy(e->bytes, pkt, len);
    e->len = len;
    e->seqid = seqid;
    e->ts = now;
    e->data = is_data;
    e->clean = clean;
    d->count++;

    int pos = (int)(seqid % (uint32_t)d->n);
    uint32_t begin = seqid - (uint32_t)pos, end = begin + (uint32_t)d->n - 1;
    int search_begin = at - pos > 0 ? at - pos : 0;
    int search_end = search_begin + d->n - 1 < d->count - 1 ? search_begin + d->n - 1 : d->count - 1;
    if (search_end - search_begin + 1 >= d->ds) fec_rx_recover(d, search_begin, search_end, begin, end);

    if (d->count > FEC_RX_MULTI * d->n) {
        if (d->rx[0].data) d->short_shards++;
        fec_rx_drop(d, 0, 1);
    }
    int expired = 0;
    while (expired < d->count && (int32_t)(now - d->rx[expired].ts) > FEC_EXPIRE_MS) expired++;
    fec_rx_drop(d, 0, expired);
}

#endif
