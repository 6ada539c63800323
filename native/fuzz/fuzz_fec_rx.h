/*
 * The FEC receive side of kcp-go 5.6.1 as io.kcp.fec.FecDecoder implements it, in C, so that
 * fuzz_inbound.c can drive the C Reed-Solomon code the way the Java decoder does: a queue
 * sorted by seqid (duplicates dropped, at most 3 * (ds+ps) shards, 60 s expiry), a group at
 * seqid - seqid % (ds+ps), and kcp_rs_reconstruct_data_buf over the group's slots, max_len
 * apart, once ds of its shards are queued. No autotune: the harness asks for shape changes
 * itself, and they pass the decoder's token bucket (two in a row, then one per second) or are
 * refused. As in the decoder, codecs are created when a group first needs rebuilding and kept
 * for the last three shapes, and each queued shard holds exactly its bytes. The group buffer is
 * exactly the span of each rebuild (the decoder borrows one per thread that may be larger), so
 * that any read or write past the group shows.
 *
 * Included by fuzz_inbound.c only (each .c file in native/fuzz is a fuzz target of its own).
 */
#ifndef FUZZ_FEC_RX_H
#define FUZZ_FEC_RX_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kcp/rs.h"
#include "test_support.h"

#define FEC_MAX_DATAGRAM 1500 /* FecPacket.MTU_LIMIT: longest FEC packet accepted */
#define FEC_HEADER 6          /* seqid, flag */
#define FEC_HEADER_PLUS2 8    /* and a data shard's size field */
#define FEC_TYPE_DATA 0xF1
#define FEC_TYPE_PARITY 0xF2
#define FEC_RX_MULTI 3
#define FEC_EXPIRE_MS 60000
#define FEC_SHAPE_BURST 2          /* FecDecoder.SHAPE_CHANGE_BURST */
#define FEC_SHAPE_INTERVAL_MS 1000 /* FecDecoder.SHAPE_CHANGE_INTERVAL_MS */
#define FEC_CODECS 3               /* CodecCache.CAPACITY */
#define FEC_MAX_DS 20 /* the shapes the harness uses */
#define FEC_MAX_PS 10
#define FEC_MAX_N (FEC_MAX_DS + FEC_MAX_PS)
/* The queue exceeds its limit by one at most, and only until the end of fec_rx_decode. */
#define FEC_RX_CAP (FEC_RX_MULTI * FEC_MAX_N + 1)

typedef struct {
    uint8_t *bytes; /* the FEC packet from its seqid on: exactly len bytes */
    size_t len;
    uint32_t seqid, ts;
    int data;
    int clean; /* the harness's: made by its peer and unchanged on the way */
} fec_entry;

typedef struct {
    int ds, ps, n;
    kcp_rs *codecs[FEC_CODECS]; /* the last shapes rebuilt, most recent first */
    int n_codecs;
    uint64_t codecs_created;
    int shape_tokens; /* the token bucket of shape changes */
    uint32_t shape_tokens_at;
    uint8_t *group; /* the last rebuild's n slots of recovered_len bytes; NULL before one */
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

static void fec_rx_set_shape(fec_rx *d, int ds, int ps) {
    REQUIRE(ds >= 1 && ds <= FEC_MAX_DS && ps >= 1 && ps <= FEC_MAX_PS);
    d->ds = ds;
    d->ps = ps;
    d->n = ds + ps;
}

/* A change of shape as autotune would make it, through FecDecoder's token bucket; queued
 * shards stay. Returns 1 when the shape changed, 0 when refused or already that shape. */
static int fec_rx_retune(fec_rx *d, int ds, int ps, uint32_t now) {
    if (ds == d->ds && ps == d->ps) return 0;
    if (d->shape_tokens < FEC_SHAPE_BURST) {
        uint32_t accrued = (now - d->shape_tokens_at) / FEC_SHAPE_INTERVAL_MS;
        if (accrued >= (uint32_t)(FEC_SHAPE_BURST - d->shape_tokens)) {
            d->shape_tokens = FEC_SHAPE_BURST;
        } else {
            d->shape_tokens += (int)accrued;
            d->shape_tokens_at += accrued * FEC_SHAPE_INTERVAL_MS;
        }
    }
    if (d->shape_tokens == 0) return 0;
    if (d->shape_tokens-- == FEC_SHAPE_BURST) d->shape_tokens_at = now;
    fec_rx_set_shape(d, ds, ps);
    return 1;
}

/* The codec of the current shape, from the last ones used or created (CodecCache.get). */
static kcp_rs *fec_rx_codec(fec_rx *d) {
    int i = 0;
    while (i < d->n_codecs && (kcp_rs_data_shards(d->codecs[i]) != d->ds ||
                               kcp_rs_parity_shards(d->codecs[i]) != d->ps))
        i++;
    kcp_rs *c;
    if (i < d->n_codecs) {
        c = d->codecs[i];
    } else {
        c = kcp_rs_new(d->ds, d->ps);
        REQUIRE(c != NULL);
        d->codecs_created++;
        if (d->n_codecs == FEC_CODECS) kcp_rs_free(d->codecs[--d->n_codecs]);
        i = d->n_codecs++;
    }
    memmove(&d->codecs[1], &d->codecs[0], (size_t)i * sizeof(kcp_rs *));
    d->codecs[0] = c;
    return c;
}

static fec_rx *fec_rx_new(int ds, int ps) {
    fec_rx *d = (fec_rx *)calloc(1, sizeof(*d));
    REQUIRE(d != NULL);
    fec_rx_set_shape(d, ds, ps);
    d->shape_tokens = FEC_SHAPE_BURST;
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
    for (int i = 0; i < d->n_codecs; i++) kcp_rs_free(d->codecs[i]);
    free(d->group);
    free(d);
}

/* Copies the group's shards into their slots, max_len apart (a later seqid with the same slot
 * overwrites, as in kcp-go), zero-pads them to max_len and rebuilds the missing data shards. */
static void fec_rx_rebuild(fec_rx *d, int first, int num, size_t max_len, int clean) {
    kcp_rs *rs = fec_rx_codec(d);
    free(d->group);
    d->group = (uint8_t *)malloc((size_t)d->n * max_len);
    REQUIRE(d->group != NULL);
    for (int i = first; i < first + num; i++) {
        const fec_entry *e = &d->rx[i];
        int slot = (int)(e->seqid % (uint32_t)d->n);
        size_t k = e->len - FEC_HEADER;
        REQUIRE(k <= max_len);
        memcpy(d->group + (size_t)slot * max_len, e->bytes + FEC_HEADER, k);
        d->slot_len[slot] = k;
    }
    int have = 0;
    for (int slot = 0; slot < d->n; slot++) {
        if (!d->present[slot]) continue;
        have++;
        if (d->slot_len[slot] < max_len)
            memset(d->group + (size_t)slot * max_len + d->slot_len[slot], 0,
                   max_len - d->slot_len[slot]);
    }
    int rc = kcp_rs_reconstruct_data_buf(rs, d->group, max_len, max_len, d->present);
    /* Fewer distinct slots than shards happens only when seqids that are not aligned to the
     * shape (hostile ones, near the u32 wrap) share a slot; then the codec must refuse. */
    REQUIRE(rc == (have >= d->ds ? KCP_RS_OK : KCP_RS_ETOOFEW));
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
    } else if (num >= d->ds && max_len >= 1) { /* klauspost rejects empty shards */
        d->recovered_first_seqid = begin;
        fec_rx_rebuild(d, first, num, max_len, clean);
        fec_rx_drop(d, first, num);
    }
}

/* Queues one FEC packet (crypto header removed; from its seqid on, 8 <= len <= 1500) and
 * rebuilds what it can: afterwards recovered[0 .. n_recovered) are the rebuilt data slots. */
static void fec_rx_decode(fec_rx *d, const uint8_t *pkt, size_t len, uint32_t now, int clean) {
    REQUIRE(len >= FEC_HEADER_PLUS2 && len <= FEC_MAX_DATAGRAM);
    uint32_t seqid = rd32(pkt);
    int is_data = rd16(pkt + 4) == FEC_TYPE_DATA;
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
    REQUIRE(d->count < FEC_RX_CAP);
    memmove(&d->rx[at + 1], &d->rx[at], (size_t)(d->count - at) * sizeof(fec_entry));
    fec_entry *e = &d->rx[at];
    e->bytes = (uint8_t *)malloc(len);
    REQUIRE(e->bytes != NULL);
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
