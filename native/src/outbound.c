/* ARQ output records to wire datagrams: FEC data/parity shards and the CRC of the crypto header. */
#include "kcp/outbound.h"

#include <stdlib.h>
#include <string.h>

#include "kcp/crc32.h"
#include "kcp/rs.h"

struct kcp_outbound {
    int crypto_header;
    int reserve;
    int max_datagram;
    int duplicates;
    /* FEC, when data_shards > 0 */
    int data_shards;
    int parity_shards;
    kcp_rs *rs;
    uint32_t next;   /* the next seqid */
    uint32_t paws;   /* seqids wrap here: a multiple of the shard count, so groups stay aligned */
    int shard_count; /* data shards of the group so far */
    int max_size;    /* the group's longest datagram */
    uint8_t *group;  /* data_shards + parity_shards slots of max_datagram bytes */
    int shard_len[KCP_RS_MAX_SHARDS];
};

static void put_u32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void put_u16(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static uint32_t get_u32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

kcp_outbound *kcp_outbound_new(int crypto_header, int data_shards, int parity_shards,
                               int max_datagram) {
    if (crypto_header != 0 && crypto_header != KCP_CRYPTO_HEADER) return NULL;
    int fec = data_shards > 0 && parity_shards > 0;
    if (fec && data_shards + parity_shards > KCP_RS_MAX_SHARDS) return NULL;
    int reserve = crypto_header + (fec ? KCP_FEC_HEADER : 0);
    if (max_datagram < reserve || max_datagram > KCP_OUTBOUND_MAX_DATAGRAM) return NULL;
    kcp_outbound *o = (kcp_outbound *)calloc(1, sizeof *o);
    if (!o) return NULL;
    o->crypto_header = crypto_header;
    o->reserve = reserve;
    o->max_datagram = max_datagram;
    if (fec) {
        int shards = data_shards + parity_shards;
        o->data_shards = data_shards;
        o->parity_shards = parity_shards;
        o->paws = 0xFFFFFFFFu / (uint32_t)shards * (uint32_t)shards;
        o->rs = kcp_rs_new(data_shards, parity_shards);
        o->group = (uint8_t *)calloc((size_t)shards, (size_t)max_datagram);
        if (!o->rs || !o->group) {
            kcp_outbound_free(o);
            return NULL;
        }
    }
    return o;
}

void kcp_outbound_free(kcp_outbound *o) {
    if (!o) return;
    kcp_rs_free(o->rs);
    free(o->group);
    free(o);
}

int kcp_outbound_reserve(const kcp_outbound *o) { return o->reserve; }

void kcp_outbound_set_duplicates(kcp_outbound *o, int n) { o->duplicates = n < 0 ? 0 : n; }

uint32_t kcp_outbound_next_seqid(const kcp_outbound *o) { return o->next; }

void kcp_outbound_set_next_seqid(kcp_outbound *o, uint32_t seqid) { o->next = seqid; }

size_t kcp_outbound_bytes_bound(const kcp_outbound *o, size_t records_len, int count) {
    size_t copies = (size_t)o->duplicates + 1;
    size_t bound = copies * records_len;
    if (o->data_shards > 0) {
        size_t groups = (size_t)count / (size_t)o->data_shards + 1;
        bound += groups * (size_t)o->parity_shards * (size_t)o->max_datagram;
    }
    return bound;
}

int kcp_outbound_datagrams_bound(const kcp_outbound *o, int count) {
    long bound = (long)(o->duplicates + 1) * count;
    if (o->data_shards > 0) bound += (long)(count / o->data_shards + 1) * o->parity_shards;
    return bound > 0x7FFFFFFF ? 0x7FFFFFFF : (int)bound;
}

/* Room at the wire's end for one datagram of len bytes, or NULL. */
static uint8_t *wire_slot(kcp_wire *w, size_t len) {
    if (w->count >= w->lens_cap || w->len > w->cap || len > w->cap - w->len) return NULL;
    return w->data + w->len;
}

static void wire_commit(kcp_wire *w, size_t len) {
    w->lens[w->count++] = (uint16_t)len;
    w->len += len;
}

static void seal(const kcp_outbound *o, uint8_t *datagram, size_t len) {
    if (o->crypto_header == 0) return;
    uint32_t sum = kcp_crc32(datagram + KCP_CRYPTO_HEADER, len - KCP_CRYPTO_HEADER);
    put_u32(datagram + KCP_CRYPTO_HEADER - 4, sum);
}

/* Makes the data shard at d (len bytes, in the wire) part of the group; 1 when it completes it. */
static int add_shard(kcp_outbound *o, uint8_t *d, int len) {
    int h = o->crypto_header;
    int payload = h + 6; /* RS covers the size field and the KCP bytes */
    put_u32(d + h, o->next);
    put_u16(d + h + 4, KCP_FEC_TYPE_DATA);
    put_u16(d + h + 6, (uint32_t)(len - payload));
    o->next++; /* 5.6.1 wraps the seqid only on parity increments */
    uint8_t *slot = o->group + (size_t)o->shard_count * (size_t)o->max_datagram;
    memcpy(slot + payload, d + payload, (size_t)(len - payload));
    o->shard_len[o->shard_count++] = len;
    if (len > o->max_size) o->max_size = len;
    return o->shard_count == o->data_shards;
}

/* Codes the finished group and appends its parity datagrams; 0, or -2 when the wire is full. */
static int emit_parity(kcp_outbound *o, kcp_wire *w) {
    int h = o->crypto_header;
    int payload = h + 6;
    size_t stride = (size_t)o->max_datagram;
    for (int i = 0; i < o->data_shards; i++) {
        uint8_t *slot = o->group + (size_t)i * stride;
        memset(slot + o->shard_len[i], 0, (size_t)(o->max_size - o->shard_len[i]));
    }
    kcp_rs_encode_buf(o->rs, o->group + payload, stride, (size_t)(o->max_size - payload));
    int status = 0;
    for (int p = 0; p < o->parity_shards; p++) {
        uint8_t *slot = o->group + (size_t)(o->data_shards + p) * stride;
        put_u32(slot + h, o->next);
        put_u16(slot + h + 4, KCP_FEC_TYPE_PARITY);
        o->next = (o->next + 1) % o->paws;
        uint8_t *d = status == 0 ? wire_slot(w, (size_t)o->max_size) : NULL;
        if (!d) {
            status = -2; /* the seqids still advance, as if the parity had been lost */
            continue;
        }
        memcpy(d, slot, (size_t)o->max_size);
        seal(o, d, (size_t)o->max_size);
        wire_commit(w, (size_t)o->max_size);
    }
    o->shard_count = 0;
    o->max_size = 0;
    return status;
}

int kcp_outbound_encode(kcp_outbound *o, const uint8_t *records, size_t records_len, int count,
                        kcp_wire *w) {
    size_t at = 0;
    for (int i = 0; i < count; i++) {
        if (records_len - at < 4) return -1;
        uint32_t len = get_u32(records + at);
        at += 4;
        if (len > records_len - at) return -1;
        if (len < (uint32_t)o->reserve || len > (uint32_t)o->max_datagram) return -1;
        uint8_t *d = wire_slot(w, len);
        if (!d) return -2;
        memcpy(d, records + at, len);
        at += len;
        int group_done = o->data_shards > 0 && add_shard(o, d, (int)len);
        seal(o, d, len);
        wire_commit(w, len);
        for (int k = 0; k < o->duplicates; k++) {
            uint8_t *copy = wire_slot(w, len);
            if (!copy) return -2;
            memcpy(copy, d, len);
            wire_commit(w, len);
        }
        if (group_done && emit_parity(o, w) != 0) return -2;
    }
    return 0;
}
