/*
 * libFuzzer target for the ARQ kernel (native/include/kcp/arq.h).
 *
 * The input is a small program. The first bytes configure an instance A (conv, clock, mtu,
 * reserve, windows, nodelay, stream, ACK clocking) and a peer B with the same conv; the rest is a sequence
 * of operations on A: feed a datagram (length-prefixed, optionally with its conv fields patched
 * so it gets past the conv check), a flood of PUSHes, send, recv, flush, flush ACKs,
 * reconfigure, and a loopback round in which A's output goes to B and B's output comes back
 * (or A hears itself).
 * That exchange drives A into states that raw bytes alone rarely reach.
 *
 * Besides the sanitizers, every step checks what the header promises: the output records fill
 * the area exactly, their reserved prefix is zero, recv never writes past `cap` (the buffer is
 * allocated to exactly `cap` bytes) and returns the peeked size, wait_snd agrees with the queue
 * fields, the ACK list stays within its limit (and, with ACK clocking on, below one datagram's worth
 * after an input that succeeded), empty queues hold no buffers.
 */
#include "kcp/arq.h"
#include "test_support.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_OPS 2048
#define MAX_DATAGRAM 4096
#define SEND_BUDGET (1u << 20) /* bytes queued per input, so one run stays fast */

static const int RESERVES[4] = {0, 8, 20, 28};
/* kcptun's normal, fast, fast2, fast3 */
static const int PROFILES[4][4] = {{0, 40, 2, 1}, {0, 30, 2, 1}, {1, 20, 2, 1}, {1, 10, 2, 1}};

/* Checks the output area against the header's promises. */
static void check_output(kcp_arq *k) {
    const kcp_arq_output *o = kcp_arq_output_area(k);
    int reserved = (int)kcp_arq_field(k, KCP_F_RESERVED);
    uint32_t off = 0;
    if (o->oom) abort();
    if (o->len > o->cap) abort();
    for (uint32_t i = 0; i < o->count; i++) {
        if (o->len - off < 4) abort();
        uint32_t len = rd32(o->data + off);
        if (len > o->len - off - 4) abort();
        if (len < (uint32_t)reserved) abort();
        for (int b = 0; b < reserved; b++) {
            if (o->data[off + 4 + b] != 0) abort();
        }
        off += 4 + len;
    }
    if (off != o->len) abort();
}

static void check_state(const kcp_arq *k) {
    int64_t waiting = kcp_arq_field(k, KCP_F_SND_QUEUE) + kcp_arq_field(k, KCP_F_SND_BUF);
    if (waiting != kcp_arq_wait_snd(k)) abort();
    if (kcp_arq_peek_size(k) < -1) abort();
    if (kcp_arq_field(k, KCP_F_ACKLIST) > KCP_ACK_LIMIT) abort();
    if (kcp_arq_field(k, KCP_F_RMT_WND_KNOWN) > 1) abort();
    if (kcp_arq_field(k, KCP_F_ACK_CLOCKING) > 1) abort();
    if (waiting + kcp_arq_field(k, KCP_F_RCV_QUEUE) + kcp_arq_field(k, KCP_F_RCV_BUF) == 0 &&
        kcp_arq_field(k, KCP_F_DATA_BYTES) != 0) abort();
    for (int f = 0; f < KCP_F_COUNT; f++) (void)kcp_arq_field(k, f);
    if (kcp_arq_field(k, KCP_F_COUNT) != -1 || kcp_arq_field(k, -1) != -1) abort();
    if (kcp_arq_field(k, KCP_F_MSS) !=
        kcp_arq_field(k, KCP_F_MTU) - KCP_OVERHEAD - kcp_arq_field(k, KCP_F_RESERVED)) abort();
}

/* After an input that returned 0: with ACK clocking on, fewer ACKs pending than one datagram
 * holds (the input either flushed or stayed below the threshold). */
static void check_clocked(const kcp_arq *k) {
    if (kcp_arq_field(k, KCP_F_ACK_CLOCKING) == 0) return;
    uint32_t mtu = (uint32_t)kcp_arq_field(k, KCP_F_MTU), reserved = (uint32_t)kcp_arq_field(k, KCP_F_RESERVED);
    if (kcp_arq_field(k, KCP_F_ACKLIST) >= KCP_ACK_CLOCK_THRESHOLD(mtu, reserved)) abort();
}

static void clear_output(kcp_arq *k) {
    kcp_arq_output *o = kcp_arq_output_area(k);
    o->len = 0;
    o->count = 0;
}

/* Feeds the records of `from` (reserved prefix removed) to `to`, except those that bit
 * (i % 8) of `drop` loses, then empties `from`. Each datagram is copied to a buffer of exactly
 * its size, so over-reads are caught. */
static void deliver(kcp_arq *from, kcp_arq *to, uint8_t drop, int regular, int ack_nodelay,
                    uint32_t now) {
    kcp_arq_output *o = kcp_arq_output_area(from);
    uint32_t reserved = (uint32_t)kcp_arq_field(from, KCP_F_RESERVED);
    uint32_t off = 0;
    /* `to` may be `from`: take the records out before the input appends new ones */
    size_t total = o->len;
    uint32_t count = o->count;
    uint8_t *copy = malloc(total ? total : 1);
    if (!copy) return;
    if (total) memcpy(copy, o->data, total); /* data may be NULL before the first output */
    clear_output(from);
    for (uint32_t i = 0; i < count; i++) {
        uint32_t len = rd32(copy + off);
        uint32_t body = len - reserved;
        uint8_t *dg = (drop >> (i % 8)) & 1 ? NULL : malloc(body ? body : 1);
        if (dg) {
            memcpy(dg, copy + off + 4 + reserved, body);
            int rc = kcp_arq_input(to, dg, body, regular, ack_nodelay, now);
            if (rc < -4 || rc > 0) abort();
            if (rc == 0) check_clocked(to);
            free(dg);
        }
        off += 4 + len;
    }
    free(copy);
}

static void do_recv(kcp_arq *k, uint8_t how) {
    int peek = kcp_arq_peek_size(k);
    if (peek < -1) abort();
    size_t cap;
    switch (how & 3) {
        case 0: cap = peek > 0 ? (size_t)peek : 0; break;       /* exact */
        case 1: cap = peek > 0 ? (size_t)peek - 1 : 0; break;   /* one short: -2 */
        case 2: cap = (size_t)(how >> 2) * 97; break;           /* arbitrary */
        default: cap = peek > 0 ? (size_t)peek + (how >> 2) : 1; break;
    }
    uint8_t *dst = malloc(cap ? cap : 1);
    if (!dst) return;
    int rc = kcp_arq_recv(k, dst, cap);
    if (peek < 0 && rc != -1) abort();
    if (peek >= 0 && (size_t)peek > cap && rc != -2) abort();
    if (peek >= 0 && (size_t)peek <= cap && rc != peek) abort();
    free(dst);
}

static uint32_t do_send(kcp_arq *k, reader *r, uint32_t *budget) {
    uint8_t how = u8(r);
    int mss = (int)kcp_arq_field(k, KCP_F_MSS);
    size_t len;
    switch (how & 3) {
        case 0: len = u8(r); break;
        case 1: len = u16(r) % 4096; break;
        case 2: len = (size_t)mss * (1 + (how >> 2)) + (u8(r) % 3) - 1; break; /* fragment edges */
        default: len = (size_t)mss * (250 + (how >> 5)) + u8(r); break;         /* 255 and beyond */
    }
    if (len > *budget) len = *budget;
    uint8_t *src = malloc(len ? len : 1);
    if (!src) return 0;
    for (size_t i = 0; i < len; i++) src[i] = (uint8_t)(i * 131 + how);
    int rc = kcp_arq_send(k, src, len);
    if (len == 0 && rc != -1) abort();
    if (rc < -3 || rc > 0) abort();
    free(src);
    *budget -= (uint32_t)len;
    return (uint32_t)len;
}

static void do_config(kcp_arq *k, reader *r) {
    uint8_t what = u8(r);
    switch (what % 7) {
        case 0: kcp_arq_set_mtu(k, (int)(int16_t)u16(r)); break;
        case 1: kcp_arq_reserve_bytes(k, (int)(int8_t)u8(r)); break;
        case 2: {
            const int *p = PROFILES[(what >> 3) & 3];
            if (what & 0x80) kcp_arq_nodelay(k, (int8_t)u8(r), (int16_t)u16(r), (int8_t)u8(r), (int8_t)u8(r));
            else kcp_arq_nodelay(k, p[0], p[1], p[2], p[3]);
            break;
        }
        case 3: kcp_arq_set_minrto(k, (int)(int32_t)u32(r)); break;
        case 4: kcp_arq_wndsize(k, (int)(int16_t)u16(r), (int)(int16_t)u16(r)); break;
        case 6: kcp_arq_set_ack_clocking(k, what & 0x80); break;
        default: kcp_arq_set_stream(k, what & 0x80); break;
    }
}

/* Advances the clock: mostly small steps, sometimes far (past RTO_MAX, across the u32 wrap). */
static uint32_t tick(reader *r, uint32_t now) {
    uint8_t t = u8(r);
    if (t < 200) return now + t;
    if (t < 250) return now + (uint32_t)(t - 199) * 1000u;
    if (t < 254) return now + 60000u + u16(r) * 16u;
    return now + u32(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    reader r = {data, size};
    uint8_t flags = u8(&r);
    uint32_t conv = (flags & 1) ? u32(&r) : 0x7aa6ad5au;
    uint32_t now = (flags & 2) ? u32(&r) : 0xfffff000u; /* near the wrap by default */

    kcp_arq *a = kcp_arq_create(conv);
    kcp_arq *b = kcp_arq_create(conv);
    if (!a || !b) {
        kcp_arq_destroy(a);
        kcp_arq_destroy(b);
        return 0;
    }

    /* A's configuration */
    uint8_t cfg = u8(&r);
    kcp_arq_set_mtu(a, 50 + u16(&r) % 1451);
    kcp_arq_reserve_bytes(a, RESERVES[cfg & 3]);
    kcp_arq_wndsize(a, 1 + u8(&r) % 64 * ((cfg & 4) ? 16 : 1), 1 + u8(&r) % 64 * ((cfg & 8) ? 16 : 1));
    if (cfg & 16) {
        const int *p = PROFILES[(cfg >> 5) & 3];
        kcp_arq_nodelay(a, p[0], p[1], p[2], p[3]);
    }
    kcp_arq_set_stream(a, cfg & 128);
    kcp_arq_set_ack_clocking(a, flags & 16);
    /* the peer: fast and roomy, so loopback rounds make progress */
    kcp_arq_nodelay(b, 1, 10, 2, 1);
    kcp_arq_wndsize(b, 128, 128);
    kcp_arq_set_ack_clocking(b, flags & 32);
    int regular = !(flags & 4);
    int ack_nodelay = (flags & 8) != 0;

    uint32_t budget = SEND_BUDGET;
    for (int op = 0; op < MAX_OPS && r.n > 0; op++) {
        uint8_t code = u8(&r);
        switch (code & 15) {
            case 0: case 1: case 2: case 3: { /* a datagram from the network */
                size_t len = u16(&r) % MAX_DATAGRAM;
                if (len > r.n) len = r.n;
                uint8_t *dg = malloc(len ? len : 1);
                if (!dg) break;
                memcpy(dg, r.p, len);
                r.p += len;
                r.n -= len;
                if (code & 16) { /* patch every segment's conv, following the len fields */
                    for (size_t off = 0; off + KCP_OVERHEAD <= len;) {
                        wr32(dg + off, conv);
                        uint64_t next = (uint64_t)off + KCP_OVERHEAD + rd32(dg + off + 20);
                        if (next > len) break;
                        off = (size_t)next;
                    }
                }
                int rc = kcp_arq_input(a, dg, len, (code & 32) ? !regular : regular,
                                       (code & 64) ? !ack_nodelay : ack_nodelay, now);
                if (rc < -4 || rc > 0) abort();
                if (len < KCP_OVERHEAD && rc != -1) abort();
                if (rc == 0) check_clocked(a);
                free(dg);
                break;
            }
            case 4: case 5: do_send(a, &r, &budget); break;
            case 6: do_recv(a, u8(&r)); break;
            case 7: { /* a flood of PUSHes: more than the ACK list holds between flushes */
                uint32_t n = 1 + u16(&r) % 2048, sn = u32(&r);
                uint16_t wnd = u16(&r);
                uint8_t len = u8(&r) % 8;
                size_t size = (size_t)n * (KCP_OVERHEAD + len);
                uint8_t *dg = calloc(1, size);
                if (!dg) break;
                for (uint32_t i = 0; i < n; i++) {
                    uint8_t *p = dg + (size_t)i * (KCP_OVERHEAD + len);
                    wr32(p, conv);
                    p[4] = 81;
                    p[6] = (uint8_t)wnd;
                    p[7] = (uint8_t)(wnd >> 8);
                    wr32(p + 8, now);
                    wr32(p + 12, sn + i);
                    wr32(p + 16, (uint32_t)kcp_arq_field(a, KCP_F_SND_UNA));
                    wr32(p + 20, len);
                }
                int rc = kcp_arq_input(a, dg, size, regular, ack_nodelay, now);
                if (rc != 0 && rc != -4) abort();
                if (rc == 0) check_clocked(a);
                free(dg);
                break;
            }
            case 8: case 9: {
                uint32_t wait = kcp_arq_flush(a, now);
                if (wait > 5000) abort(); /* at most the interval */
                now = tick(&r, now);
                break;
            }
            case 10: kcp_arq_flush_acks(a, now); break;
            case 11: /* records keep the reserve they were made with: drain them first */
                clear_output(a);
                do_config(a, &r);
                break;
            case 12: case 13: { /* A and B talk: A's output to B, B replies */
                uint8_t drop = u8(&r); /* losses make B ack out of order: fast resend */
                if (code & 16) do_send(b, &r, &budget);
                deliver(a, b, drop, 1, (code & 32) != 0, now);
                kcp_arq_flush(b, now);
                check_output(b);
                now = tick(&r, now);
                deliver(b, a, 0, (code & 64) ? !regular : regular, ack_nodelay, now);
                do_recv(b, 0);
                break;
            }
            case 14: /* A hears its own datagrams */
                deliver(a, a, 0, regular, ack_nodelay, now);
                break;
            default: now = tick(&r, now); break;
        }
        check_output(a);
        check_state(a);
        if ((op & 31) == 31) (void)kcp_arq_digest(a); /* reads all queued data: not every op */
        if (code & 128) clear_output(a);
        if (kcp_arq_output_area(a)->len > (1u << 20)) clear_output(a);
        clear_output(b);
    }

    (void)kcp_arq_digest(a);
    kcp_arq_destroy(a);
    kcp_arq_destroy(b);
    return 0;
}
