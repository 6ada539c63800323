/*
 * libFuzzer target for the inbound path of a session, as far as it is C: random configurations
 * and random datagrams through
 *
 *     CRC32 check (crypto header) -> FEC demux -> FEC queue + kcp_rs_reconstruct_data_buf
 *       -> kcp_arq_input (data shards as regular, rebuilt ones as not regular) -> recv
 *
 * with the Java glue (FecInput, FecDecoder, the session's packet input) mirrored in C here and
 * in fuzz_fec_rx.h. The input first picks a configuration: crypto header on/off, FEC off or
 * ds 1..20 / ps 1..10, mtu, stream mode, windows, nodelay, ack-nodelay, clock and seqid start.
 * Then it is a program of operations: a peer (a second ARQ behind a kcp-go FEC encoder,
 * fuzz_fec_tx.h) sends messages; its datagrams wait in a small network that the input drops,
 * duplicates, reorders and corrupts; raw datagrams (optionally with a valid FEC header, conv
 * or CRC) are injected; the receiver flushes, reads, sends, answers the peer, and time moves.
 *
 * Checked besides the sanitizers (abort on violation):
 *  - return codes stay in their documented ranges; input from the peer is accepted (0);
 *  - a corrupted datagram never passes the CRC;
 *  - a group rebuilt from the peer's shards gives back exactly the data shards it sent;
 *  - the receiver's output records are well-formed KCP (length <= mtu, reserved prefix zero,
 *    segments that parse, the right conv, known commands) and the peer accepts them;
 *  - recv never returns more than its buffer and agrees with peek_size; ARQ fields stay
 *    consistent (wait_snd, snd_buf = snd_nxt - snd_una, queues within the windows, mss,
 *    snd_una and rcv_nxt only move forward, rto within bounds);
 *  - as long as nothing but the peer's (uncorrupted or CRC-rejected) datagrams arrived, the
 *    bytes received are exactly the bytes sent, and in message mode the message lengths too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_fec_rx.h"
#include "fuzz_fec_tx.h"
#include "kcp/arq.h"
#include "kcp/crc32.h"
#include "kcp/rs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CRYPTO_HEADER 20 /* nonce 16, crc32 4 */
#define NONCE 16
#define MAX_OPS 1024
#define NET_CAP 256             /* datagrams in flight */
#define SEND_BUDGET (256u << 10) /* bytes the peer and the receiver may send per input */
#define MAX_MESSAGES 8192
#define OUTPUT_LIMIT (1u << 20)

/* kcptun's normal, fast, fast2, fast3 */
static const int PROFILES[4][4] = {{0, 40, 2, 1}, {0, 30, 2, 1}, {1, 20, 2, 1}, {1, 10, 2, 1}};

/* The byte at offset i of the peer's stream. */
static uint8_t stream_byte(uint64_t i) { return (uint8_t)((i * 0x9E3779B97F4A7C15ull) >> 56); }

/* ---- the harness state ---- */

typedef struct {
    uint8_t *bytes;
    size_t len;
    int clean;
} packet;

typedef struct {
    /* configuration */
    uint32_t conv;
    int crypto, fec, stream, ack_nodelay;
    int mtu, header; /* header: crypto + FEC bytes in front of the KCP bytes */
    uint32_t now;
    /* the receiver and its inbound path */
    kcp_arq *a;
    fec_rx *rx; /* NULL until FEC is on or the first FEC packet arrives */
    /* the peer */
    kcp_arq *b;
    fec_tx *tx; /* NULL without FEC */
    uint32_t nonce;
    /* the network: a FIFO of datagrams (ring) */
    packet net[NET_CAP];
    int net_head, net_count;
    /* stream check */
    int tainted;
    uint64_t sent, received;
    uint32_t msg_len[MAX_MESSAGES];
    uint32_t msg_head, msg_count;
    uint32_t budget;
    /* output records of A already checked */
    uint32_t checked_len, checked_count;
    /* monotonic fields */
    uint32_t snd_una, rcv_nxt;
} harness;

/* ---- the network ---- */

static void net_push(harness *h, const uint8_t *dg, size_t len, int clean) {
    if (h->net_count == NET_CAP) { /* full: the oldest is lost */
        free(h->net[h->net_head].bytes);
        h->net_head = (h->net_head + 1) % NET_CAP;
        h->net_count--;
    }
    packet *p = &h->net[(h->net_head + h->net_count) % NET_CAP];
    p->bytes = malloc(len ? len : 1);
    REQUIRE(p->bytes != NULL);
    if (len) memcpy(p->bytes, dg, len);
    p->len = len;
    p->clean = clean;
    h->net_count++;
}

/* Takes the packet at position i of the FIFO out (caller frees). */
static packet net_take(harness *h, int i) {
    int at = (h->net_head + i) % NET_CAP;
    packet p = h->net[at];
    for (int k = i; k > 0; k--) /* close the gap from the front */
        h->net[(h->net_head + k) % NET_CAP] = h->net[(h->net_head + k - 1) % NET_CAP];
    h->net_head = (h->net_head + 1) % NET_CAP;
    h->net_count--;
    return p;
}

/* The peer's crypto header: a nonce (unchecked) and the CRC32 of everything after it. */
static void seal(harness *h, uint8_t *dg, size_t len) {
    if (!h->crypto) return;
    for (int i = 0; i < NONCE; i++) dg[i] = (uint8_t)(h->nonce * 31 + (uint32_t)i * 7);
    h->nonce++;
    wr32(dg + NONCE, kcp_crc32(dg + CRYPTO_HEADER, len - CRYPTO_HEADER));
}

static void emit_sealed(void *ctx, uint8_t *dg, size_t len) {
    harness *h = (harness *)ctx;
    seal(h, dg, len);
    net_push(h, dg, len, 1);
}

/* ---- checks on the receiver ---- */


/* The records A produced since the last check: the arq.h record layout, and KCP inside. */
static void check_output(harness *h) {
    kcp_arq_output *o = kcp_arq_output_area(h->a);
    REQUIRE(!o->oom);
    REQUIRE(o->len <= o->cap);
    REQUIRE(o->count >= h->checked_count && o->len >= h->checked_len);
    uint32_t off = h->checked_len;
    uint32_t mss = (uint32_t)kcp_arq_field(h->a, KCP_F_MSS);
    uint32_t rcv_wnd = (uint32_t)kcp_arq_field(h->a, KCP_F_RCV_WND);
    for (uint32_t i = h->checked_count; i < o->count; i++) {
        REQUIRE(o->len - off >= 4);
        uint32_t len = rd32(o->data + off);
        REQUIRE(len <= o->len - off - 4);
        REQUIRE(len <= (uint32_t)h->mtu);
        REQUIRE(len >= (uint32_t)h->header + KCP_OVERHEAD); /* never an empty datagram */
        const uint8_t *rec = o->data + off + 4;
        for (int b = 0; b < h->header; b++) REQUIRE(rec[b] == 0);
        uint32_t at = (uint32_t)h->header;
        while (at < len) {
            REQUIRE(len - at >= KCP_OVERHEAD);
            const uint8_t *s = rec + at;
            uint32_t slen = rd32(s + 20);
            REQUIRE(rd32(s) == h->conv);
            REQUIRE(s[4] >= 81 && s[4] <= 84);
            REQUIRE(s[4] == 81 ? slen <= mss : slen == 0);
            REQUIRE(!(s[4] == 81 && h->stream && s[5] != 0));
            REQUIRE(rd16(s + 6) <= rcv_wnd);
            REQUIRE(slen <= len - at - KCP_OVERHEAD);
            at += KCP_OVERHEAD + slen;
        }
        off += 4 + len;
    }
    REQUIRE(off == o->len);
    h->checked_len = o->len;
    h->checked_count = o->count;
}

static void clear_output(harness *h) {
    kcp_arq_output *o = kcp_arq_output_area(h->a);
    o->len = 0;
    o->count = 0;
    h->checked_len = 0;
    h->checked_count = 0;
}

static void check_state(harness *h) {
    const kcp_arq *a = h->a;
    int64_t snd_queue = kcp_arq_field(a, KCP_F_SND_QUEUE), snd_buf = kcp_arq_field(a, KCP_F_SND_BUF);
    uint32_t una = (uint32_t)kcp_arq_field(a, KCP_F_SND_UNA), nxt = (uint32_t)kcp_arq_field(a, KCP_F_SND_NXT);
    uint32_t rcv_nxt = (uint32_t)kcp_arq_field(a, KCP_F_RCV_NXT);
    int64_t rcv_wnd = kcp_arq_field(a, KCP_F_RCV_WND);
    REQUIRE(kcp_arq_wait_snd(a) == snd_queue + snd_buf);
    REQUIRE(snd_buf == (int64_t)(uint32_t)(nxt - una)); /* acked segments stay until una passes */
    REQUIRE(kcp_arq_field(a, KCP_F_RCV_QUEUE) <= rcv_wnd);
    REQUIRE(kcp_arq_field(a, KCP_F_RCV_BUF) <= rcv_wnd);
    REQUIRE(kcp_arq_field(a, KCP_F_MSS) == h->mtu - KCP_OVERHEAD - h->header);
    int64_t rto = kcp_arq_field(a, KCP_F_RX_RTO);
    REQUIRE(rto >= kcp_arq_field(a, KCP_F_RX_MINRTO) && rto <= 60000);
    REQUIRE((int32_t)(una - h->snd_una) >= 0);
    REQUIRE((int32_t)(rcv_nxt - h->rcv_nxt) >= 0);
    REQUIRE(kcp_arq_peek_size(a) >= -1);
    h->snd_una = una;
    h->rcv_nxt = rcv_nxt;
}

/* ---- the inbound path ---- */

static void arq_input(harness *h, const uint8_t *kcp, size_t len, int regular, int clean) {
    int rc = kcp_arq_input(h->a, kcp, len, regular, h->ack_nodelay, h->now);
    REQUIRE(rc >= -3 && rc <= 0); /* -4 is out of memory */
    if (len < KCP_OVERHEAD) REQUIRE(rc == -1);
    if (clean) REQUIRE(rc == 0);
}

enum { IN_SHORT, IN_CSUM, IN_FEC_BAD, IN_FEC, IN_KCP };

/* One datagram as the session's packet input handles it (kcp-go's packetInput and kcpInput,
 * Java's FecInput). `dg` is exactly `len` bytes, so reads past the end are caught. */
static int inbound(harness *h, const uint8_t *dg, size_t len, int clean) {
    if (h->crypto) {
        if (len < CRYPTO_HEADER) return IN_SHORT;
        if (kcp_crc32(dg + CRYPTO_HEADER, len - CRYPTO_HEADER) != rd32(dg + NONCE)) return IN_CSUM;
        dg += CRYPTO_HEADER;
        len -= CRYPTO_HEADER;
    }
    if (len < KCP_OVERHEAD) return IN_SHORT;
    uint16_t flag = rd16(dg + 4);
    if (flag != FEC_TYPE_DATA && flag != FEC_TYPE_PARITY) {
        arq_input(h, dg, len, 1, clean);
        return IN_KCP;
    }
    if (!h->rx) h->rx = fec_rx_new(1, 1); /* FEC off here, but the peer uses it */
    if (len > FEC_MAX_DATAGRAM) return IN_FEC_BAD;
    fec_rx *rx = h->rx;
    fec_rx_decode(rx, dg, len, h->now, clean);
    REQUIRE(rx->count <= FEC_RX_MULTI * FEC_MAX_N);
    if (flag == FEC_TYPE_DATA) arq_input(h, dg + FEC_HEADER_PLUS2, len - FEC_HEADER_PLUS2, 1, clean);

    /* The rebuilt shards are the peer's exactly when the group came from it untouched. */
    int checkable = rx->recovered_clean && h->tx && rx->ds == h->tx->ds && rx->ps == h->tx->ps;
    for (int i = 0; i < rx->n_recovered; i++) {
        int slot = rx->recovered[i];
        size_t rlen = rx->recovered_len;
        const uint8_t *r = rx->group + (size_t)slot * rlen;
        if (checkable) {
            const fec_sent *s = fec_tx_sent(h->tx, rx->recovered_first_seqid + (uint32_t)slot);
            if (s) {
                REQUIRE(s->len <= rlen);
                REQUIRE(memcmp(r, s->bytes, s->len) == 0);
                for (size_t k = s->len; k < rlen; k++) REQUIRE(r[k] == 0);
            }
        }
        size_t sz = rlen >= 2 ? rd16(r) : 0;
        if (sz < 2 || sz > rlen) {
            REQUIRE(!checkable); /* the peer's size fields are right */
            continue;
        }
        /* a copy of exactly the KCP bytes, so over-reads show */
        uint8_t *kcp = malloc(sz - 2 ? sz - 2 : 1);
        REQUIRE(kcp != NULL);
        memcpy(kcp, r + 2, sz - 2);
        arq_input(h, kcp, sz - 2, 0, checkable);
        free(kcp);
    }
    return IN_FEC;
}

/* ---- the peer ---- */

/* B's output records become datagrams: crypto header room and FEC header room are B's reserved
 * bytes, so each record is a datagram skeleton. */
static void peer_output(harness *h) {
    kcp_arq_output *o = kcp_arq_output_area(h->b);
    REQUIRE(!o->oom);
    uint32_t off = 0;
    for (uint32_t i = 0; i < o->count; i++) {
        uint32_t len = rd32(o->data + off);
        REQUIRE(len <= (uint32_t)h->mtu && len >= (uint32_t)h->header + KCP_OVERHEAD);
        uint8_t *dg = o->data + off + 4;
        if (h->tx) {
            fec_tx_encode(h->tx, dg, len, emit_sealed, h);
        } else {
            emit_sealed(h, dg, len);
        }
        off += 4 + len;
    }
    o->len = 0;
    o->count = 0;
}

static void peer_send(harness *h, reader *r) {
    uint8_t how = u8(r);
    size_t mss = (size_t)kcp_arq_field(h->b, KCP_F_MSS);
    size_t len;
    switch (how & 3) {
        case 0: len = 1 + (size_t)u8(r); break;
        case 1: len = 1 + (size_t)u16(r) % 4096; break;
        case 2: len = mss * (1 + (how >> 2) % 8) + (u8(r) % 3) - 1; break; /* fragment edges */
        default: len = mss * (1 + (how >> 2)) + u8(r) % mss; break;     /* up to 65 fragments */
    }
    if (len > mss * 200) len = mss * 200; /* never -2 (more than 255 fragments) */
    if (len > h->budget) len = h->budget;
    if (len == 0 || h->msg_count == MAX_MESSAGES) return;
    uint8_t *src = malloc(len);
    REQUIRE(src != NULL);
    for (size_t i = 0; i < len; i++) src[i] = stream_byte(h->sent + i);
    REQUIRE(kcp_arq_send(h->b, src, len) == 0);
    free(src);
    h->sent += len;
    h->budget -= (uint32_t)len;
    h->msg_len[(h->msg_head + h->msg_count) % MAX_MESSAGES] = (uint32_t)len;
    h->msg_count++;
}

/* A's records to B (reserved bytes removed, some lost), then B answers. */
static void talk_to_peer(harness *h, uint8_t drop) {
    kcp_arq_output *o = kcp_arq_output_area(h->a);
    uint32_t off = 0;
    for (uint32_t i = 0; i < o->count; i++) {
        uint32_t len = rd32(o->data + off);
        if (!((drop >> (i % 8)) & 1)) {
            size_t body = len - (uint32_t)h->header;
            uint8_t *kcp = malloc(body);
            REQUIRE(kcp != NULL);
            memcpy(kcp, o->data + off + 4 + h->header, body);
            REQUIRE(kcp_arq_input(h->b, kcp, body, 1, 0, h->now) == 0);
            free(kcp);
        }
        off += 4 + len;
    }
    clear_output(h);
    kcp_arq_flush(h->b, h->now);
    peer_output(h);
    /* B's application reads everything: its window never closes */
    uint8_t sink[4096];
    while (kcp_arq_peek_size(h->b) >= 0 && (size_t)kcp_arq_peek_size(h->b) <= sizeof(sink))
        REQUIRE(kcp_arq_recv(h->b, sink, sizeof(sink)) >= 0);
    if (kcp_arq_peek_size(h->b) > (int)sizeof(sink)) {
        size_t n = (size_t)kcp_arq_peek_size(h->b);
        uint8_t *big = malloc(n);
        REQUIRE(big != NULL);
        REQUIRE(kcp_arq_recv(h->b, big, n) == (int)n);
        free(big);
    }
}

/* ---- the receiver's application ---- */

static void app_recv(harness *h, uint8_t how) {
    int peek = kcp_arq_peek_size(h->a);
    size_t cap;
    switch (how & 3) {
        case 0: cap = peek > 0 ? (size_t)peek : 0; break;
        case 1: cap = peek > 0 ? (size_t)peek - 1 : 0; break;
        case 2: cap = (size_t)(how >> 2) * 61; break;
        default: cap = peek > 0 ? (size_t)peek + (how >> 2) : 1; break;
    }
    uint8_t *dst = malloc(cap ? cap : 1); /* exactly cap bytes: ASan sees any write beyond */
    REQUIRE(dst != NULL);
    int rc = kcp_arq_recv(h->a, dst, cap);
    if (peek < 0) {
        REQUIRE(rc == -1);
    } else if ((size_t)peek > cap) {
        REQUIRE(rc == -2);
    } else {
        REQUIRE(rc == peek);
    }
    if (rc >= 0 && !h->tainted) {
        REQUIRE(h->received + (uint64_t)rc <= h->sent);
        for (int i = 0; i < rc; i++) REQUIRE(dst[i] == stream_byte(h->received + (uint64_t)i));
        if (!h->stream) {
            REQUIRE(h->msg_count > 0 && h->msg_len[h->msg_head] == (uint32_t)rc);
            h->msg_head = (h->msg_head + 1) % MAX_MESSAGES;
            h->msg_count--;
        }
    }
    if (rc >= 0) h->received += (uint64_t)rc;
    free(dst);
}

static void app_send(harness *h, reader *r) {
    size_t len = 1 + (size_t)u16(r) % 8192;
    if (len > h->budget) return;
    uint8_t *src = malloc(len);
    REQUIRE(src != NULL);
    memset(src, 0x6B, len);
    int rc = kcp_arq_send(h->a, src, len);
    REQUIRE(rc == 0 || rc == -2);
    free(src);
    h->budget -= (uint32_t)len;
}

/* ---- operations ---- */

/* Delivers up to 8 datagrams from the network, as the input says: some lost, one corrupted,
 * one duplicated, taken from the back instead of the front (reordering). */
static void deliver(harness *h, reader *r) {
    uint8_t how = u8(r);
    int count = 1 + (how & 7);
    uint8_t drop = (how & 8) ? u8(r) : 0;
    int corrupt_at = (how & 16) ? (int)(u8(r) % 8) : -1;
    uint8_t corrupt_pos = (how & 16) ? u8(r) : 0, corrupt_xor = (how & 16) ? (uint8_t)(u8(r) | 1) : 0;
    int dup = (how & 32) != 0;
    int from_back = (how & 64) != 0;
    for (int i = 0; i < count && h->net_count > 0; i++) {
        packet p = net_take(h, from_back ? h->net_count - 1 : 0);
        if ((drop >> i) & 1) {
            free(p.bytes);
            continue;
        }
        int corrupted = 0;
        if (i == corrupt_at && p.len > 0) {
            size_t pos = (size_t)corrupt_pos * p.len / 256;
            p.bytes[pos] ^= corrupt_xor;
            corrupted = !(h->crypto && pos < NONCE); /* the nonce is not checked */
        }
        int clean = p.clean && !corrupted;
        if (corrupted && !h->crypto) h->tainted = 1;
        int rc = inbound(h, p.bytes, p.len, clean);
        if (corrupted && h->crypto) REQUIRE(rc == IN_CSUM); /* CRC32 finds every 1-byte error */
        if (clean && h->crypto) REQUIRE(rc != IN_CSUM && rc != IN_SHORT);
        if (dup && i == 0) inbound(h, p.bytes, p.len, clean);
        free(p.bytes);
    }
}

/* A datagram from the input, optionally made to look right: FEC header, conv, CRC. */
static void inject(harness *h, reader *r) {
    uint8_t mode = u8(r);
    size_t len = u16(r) % 1600;
    if (len > r->n) len = r->n;
    uint8_t *dg = malloc(len ? len : 1);
    REQUIRE(dg != NULL);
    if (len) memcpy(dg, r->p, len);
    r->p += len;
    r->n -= len;
    h->tainted = 1;

    size_t off = h->crypto ? CRYPTO_HEADER : 0;
    int kind = mode & 3; /* 0 as is, 1 FEC data, 2 FEC parity, 3 plain KCP */
    size_t kcp_at = off + (kind == 1 ? FEC_HEADER_PLUS2 : 0);
    if ((kind == 1 || kind == 2) && len >= off + FEC_HEADER_PLUS2) {
        uint8_t *f = dg + off;
        if (mode & 4) { /* a seqid near the peer's, so it mixes with real groups */
            uint32_t base = h->tx ? h->tx->next : 0;
            wr32(f, base + (uint32_t)(int32_t)(int8_t)u8(r));
        }
        f[4] = kind == 1 ? FEC_TYPE_DATA : FEC_TYPE_PARITY;
        f[5] = 0;
        if (kind == 1 && (mode & 8)) { /* a size field that counts itself and the rest */
            size_t sz = len - off - FEC_HEADER;
            f[6] = (uint8_t)sz;
            f[7] = (uint8_t)(sz >> 8);
        }
    }
    if ((mode & 16) && kind != 2) { /* the receiver's conv in every segment */
        for (size_t at = kcp_at; at + KCP_OVERHEAD <= len;) {
            wr32(dg + at, h->conv);
            if (kind == 3 && dg[at + 4] < 81) dg[at + 4] = (uint8_t)(81 + dg[at + 4] % 4);
            uint64_t next = (uint64_t)at + KCP_OVERHEAD + rd32(dg + at + 20);
            if (next > len) break;
            at = (size_t)next;
        }
    }
    if (h->crypto && (mode & 32) && len >= CRYPTO_HEADER)
        wr32(dg + NONCE, kcp_crc32(dg + CRYPTO_HEADER, len - CRYPTO_HEADER));
    inbound(h, dg, len, 0);
    free(dg);
}

static uint32_t tick(reader *r, uint32_t now) {
    uint8_t t = u8(r);
    if (t < 200) return now + t;
    if (t < 250) return now + (uint32_t)(t - 199) * 1000u;
    if (t < 254) return now + 60000u + u16(r) * 16u; /* past the FEC expiry */
    return now + u32(r);
}

static void flush_a(harness *h) {
    uint32_t wait = kcp_arq_flush(h->a, h->now);
    REQUIRE((int64_t)wait <= kcp_arq_field(h->a, KCP_F_INTERVAL));
}

/* ---- configuration ---- */

static int configure(harness *h, reader *r) {
    uint8_t flags = u8(r);
    int ds = 1 + u8(r) % FEC_MAX_DS, ps = 1 + u8(r) % FEC_MAX_PS;
    uint16_t mtu_sel = u16(r);
    uint8_t wnd_flags = u8(r), snd_sel = u8(r), rcv_sel = u8(r);
    h->crypto = flags & 1;
    h->fec = (flags >> 1) & 1;
    h->stream = (flags >> 2) & 1;
    h->ack_nodelay = (flags >> 3) & 1;
    h->conv = (flags & 128) ? u32(r) : 0x7aa6ad5au;
    h->now = (wnd_flags & 4) ? u32(r) : 0xfffff000u; /* near the wrap by default */
    h->header = (h->crypto ? CRYPTO_HEADER : 0) + (h->fec ? FEC_HEADER_PLUS2 : 0);
    int min_mtu = h->header + KCP_OVERHEAD + 1 > 50 ? h->header + KCP_OVERHEAD + 1 : 50;
    h->mtu = min_mtu + mtu_sel % (FEC_MAX_DATAGRAM + 1 - min_mtu);

    h->a = kcp_arq_create(h->conv);
    h->b = kcp_arq_create(h->conv);
    if (!h->a || !h->b) return 0;
    REQUIRE(kcp_arq_set_mtu(h->a, h->mtu) == 0 && kcp_arq_reserve_bytes(h->a, h->header) == 0);
    REQUIRE(kcp_arq_set_mtu(h->b, h->mtu) == 0 && kcp_arq_reserve_bytes(h->b, h->header) == 0);
    kcp_arq_wndsize(h->a, 1 + snd_sel % 64 * ((wnd_flags & 1) ? 16 : 1),
                    1 + rcv_sel % 64 * ((wnd_flags & 2) ? 16 : 1));
    if (flags & 16) {
        const int *p = PROFILES[(flags >> 5) & 3];
        kcp_arq_nodelay(h->a, p[0], p[1], p[2], p[3]);
    }
    kcp_arq_set_stream(h->a, h->stream);
    kcp_arq_nodelay(h->b, 1, 10, 2, 1);
    kcp_arq_wndsize(h->b, 128, 128);
    kcp_arq_set_stream(h->b, h->stream);

    if (h->fec) {
        uint32_t n = (uint32_t)(ds + ps), paws = 0xFFFFFFFFu / n * n, first;
        switch ((wnd_flags >> 3) & 3) {
            case 0: first = 0; break;
            case 1: first = paws - n * (1 + u8(r) % 4); break; /* wraps soon */
            default: first = u32(r) % (paws / n) * n; break;
        }
        h->tx = fec_tx_new(ds, ps, (size_t)(h->crypto ? CRYPTO_HEADER : 0), first);
        h->rx = fec_rx_new(ds, ps);
    }
    h->snd_una = (uint32_t)kcp_arq_field(h->a, KCP_F_SND_UNA);
    h->rcv_nxt = (uint32_t)kcp_arq_field(h->a, KCP_F_RCV_NXT);
    h->budget = SEND_BUDGET;
    return 1;
}

static void teardown(harness *h) {
    while (h->net_count > 0) free(net_take(h, 0).bytes);
    fec_rx_free(h->rx);
    fec_tx_free(h->tx);
    kcp_arq_destroy(h->a);
    kcp_arq_destroy(h->b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    reader r = {data, size};
    static harness h; /* large; zeroed per input */
    memset(&h, 0, sizeof(h));
    if (!configure(&h, &r)) {
        teardown(&h);
        return 0;
    }
    for (int op = 0; op < MAX_OPS && r.n > 0; op++) {
        uint8_t code = u8(&r);
        switch (code & 15) {
            case 0: case 1: /* the peer sends and flushes */
                peer_send(&h, &r);
                kcp_arq_flush(h.b, h.now);
                peer_output(&h);
                break;
            case 2: case 3: case 4: deliver(&h, &r); break;
            case 5: inject(&h, &r); break;
            case 6: app_recv(&h, u8(&r)); break;
            case 7: app_send(&h, &r); break;
            case 8: flush_a(&h); break;
            case 9: talk_to_peer(&h, u8(&r)); break;
            case 10: h.now = tick(&r, h.now); break;
            case 11: { /* the peer's shape as autotune would see it, or a wrong one */
                uint8_t s = u8(&r);
                int ds = 1 + s % FEC_MAX_DS, ps = 1 + (s >> 5) % FEC_MAX_PS;
                if (!h.rx) h.rx = fec_rx_new(1, 1);
                fec_rx_retune(h.rx, ds, ps, h.now); /* or refused by the token bucket */
                if (!h.tx || h.rx->ds != h.tx->ds || h.rx->ps != h.tx->ps) h.tainted = 1;
                break;
            }
            case 12: kcp_arq_flush_acks(h.a, h.now); break;
            case 13: /* the peer's timer: retransmissions */
                kcp_arq_flush(h.b, h.now);
                peer_output(&h);
                break;
            case 14: /* everything in flight, in order */
                while (h.net_count > 0) {
                    packet p = net_take(&h, 0);
                    inbound(&h, p.bytes, p.len, p.clean);
                    free(p.bytes);
                }
                break;
            default: /* time passes, both timers fire, and A's output reaches B */
                h.now = tick(&r, h.now);
                flush_a(&h);
                check_output(&h);
                talk_to_peer(&h, 0);
                break;
        }
        check_output(&h);
        check_state(&h);
        if (kcp_arq_output_area(h.a)->len > OUTPUT_LIMIT) clear_output(&h);
    }
    teardown(&h);
    return 0;
}
