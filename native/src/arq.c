/*
 * The KCP ARQ state machine, kcp-go 5.6.1 semantics (docs/arq-kernel.md lists the few
 * deliberate differences). Mirrors io.kcp.arq.JavaArq statement for statement where it matters:
 * the differential test compares the two byte for byte.
 */
#include "kcp/arq.h"

#include <stdlib.h>
#include <string.h>

enum {
    CMD_PUSH = 81, CMD_ACK = 82, CMD_WASK = 83, CMD_WINS = 84,
    ASK_SEND = 1, ASK_TELL = 2,
    RTO_NDL = 30, RTO_MIN = 100, RTO_DEF = 200, RTO_MAX = 60000,
    WND_SND = 32, WND_RCV = 32, MTU_DEF = 1400, INTERVAL = 100, DEADLINK = 20,
    THRESH_INIT = 2, THRESH_MIN = 2, PROBE_INIT = 500, PROBE_LIMIT = 120000,
    /* in flight until the peer has spoken: half the window it is assumed to have (kcp-go's
     * default receive window), so our first flush cannot fill a new peer's queue */
    INITIAL_FLIGHT = WND_RCV / 2,
    /* released buffers kept for reuse (see "segment buffers") */
    POOL_MAX = 1024, POOL_KEEP = 16, POOL_KEEP_BYTES = 64 * 1024
};

enum { C_OUT, C_IN, C_RETRANS, C_FAST_RETRANS, C_EARLY_RETRANS, C_LOST, C_REPEAT, C_COUNT };

typedef struct seg {
    uint32_t conv, ts, sn, una, rto, xmit, resendts, fastack, acked;
    uint32_t len, cap;
    uint16_t wnd;
    uint8_t cmd, frg;
    uint8_t *data;
} seg;

/* An array deque: segments live at items[head .. head+size). */
typedef struct seg_queue {
    seg *items;
    uint32_t head, size, cap;
} seg_queue;

typedef struct ack_item {
    uint32_t sn, ts;
} ack_item;

typedef struct pooled {
    uint8_t *data;
    uint32_t cap;
} pooled;

struct kcp_arq {
    kcp_arq_output out; /* first, so its address is stable and easy to find */
    uint32_t conv, mtu, mss, state;
    uint32_t snd_una, snd_nxt, rcv_nxt, ssthresh;
    int32_t rx_rttvar, rx_srtt;
    uint32_t rx_rto, rx_minrto;
    uint32_t snd_wnd, rcv_wnd, rmt_wnd, rmt_wnd_known, cwnd, probe;
    uint32_t interval, nodelay, ts_probe, probe_wait, dead_link, incr;
    int32_t fastresend, nocwnd, stream;
    uint32_t ack_clocking; /* 1: an input that leaves a datagram's worth of ACKs pending sends them */
    uint32_t reserved;
    seg_queue snd_queue, rcv_queue, snd_buf, rcv_buf;
    ack_item *acks;
    uint32_t ack_count, ack_cap;
    uint64_t counters[C_COUNT];
    pooled pool[POOL_MAX]; /* released segment buffers, oldest first, reused before malloc */
    uint32_t pool_size;
    uint32_t pool_taken, pool_ts; /* buffers taken since the pool was last trimmed, and when */
    uint64_t pool_bytes; /* sum of the pooled capacities */
    uint64_t data_bytes; /* sum of the capacities the queued segments hold */
    uint32_t dg_start, dg_len; /* the datagram a flush is building: record offset, bytes so far */
};

/* ---- small helpers ---- */

static int32_t timediff(uint32_t later, uint32_t earlier) { return (int32_t)(later - earlier); }
static uint32_t umin(uint32_t a, uint32_t b) { return a <= b ? a : b; }
static uint32_t umax(uint32_t a, uint32_t b) { return a >= b ? a : b; }

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static uint32_t get32(const uint8_t *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* ---- segment buffers ----
 *
 * A segment holds a buffer of `want` bytes, where want is its payload length when received
 * (none at all for an empty one) and max(length, mss) when queued by send (so stream-mode
 * appends need no copy). A buffer comes from the pool when one there holds want to 2 * want
 * bytes (the newest such), else from malloc at exactly `want`: a segment never holds more than
 * twice its need. Released buffers go back to the pool (at most POOL_MAX, the oldest dropped
 * first). Once an interval, a flush trims the pool, oldest first, to the number of buffers
 * taken since the last trim or, when fewer were taken, to POOL_KEEP buffers and
 * POOL_KEEP_BYTES: a busy instance keeps what one interval uses, an idle one next to nothing.
 * io.kcp.arq.SegmentPool is the same pool: the differential test compares DATA_BYTES and
 * POOL_BYTES. */

static void pool_remove(kcp_arq *kcp, uint32_t i) {
    kcp->pool_bytes -= kcp->pool[i].cap;
    kcp->pool_size--;
    memmove(kcp->pool + i, kcp->pool + i + 1, (size_t)(kcp->pool_size - i) * sizeof(pooled));
}

static void pool_drop_oldest(kcp_arq *kcp) {
    free(kcp->pool[0].data);
    pool_remove(kcp, 0);
}

static void pool_trim(kcp_arq *kcp, uint32_t now) {
    if (now - kcp->pool_ts < kcp->interval) return; /* unsigned: a clock that went back trims */
    while (kcp->pool_size > kcp->pool_taken &&
           (kcp->pool_size > POOL_KEEP || kcp->pool_bytes > POOL_KEEP_BYTES)) {
        pool_drop_oldest(kcp);
    }
    kcp->pool_taken = 0;
    kcp->pool_ts = now;
}

/* NULL with *cap 0 for want 0, and when out of memory. */
static uint8_t *buf_get(kcp_arq *kcp, uint32_t want, uint32_t *cap) {
    *cap = 0;
    if (want == 0) return NULL;
    kcp->pool_taken++;
    for (uint32_t i = kcp->pool_size; i-- > 0;) {
        pooled p = kcp->pool[i];
        if (p.cap >= want && p.cap <= 2 * (uint64_t)want) {
            pool_remove(kcp, i);
            kcp->data_bytes += p.cap;
            *cap = p.cap;
            return p.data;
        }
    }
    uint8_t *data = malloc(want);
    if (!data) return NULL;
    kcp->data_bytes += want;
    *cap = want;
    return data;
}

static void seg_release(kcp_arq *kcp, seg *s) {
    if (s->data) {
        kcp->data_bytes -= s->cap;
        if (kcp->pool_size == POOL_MAX) pool_drop_oldest(kcp);
        kcp->pool[kcp->pool_size].data = s->data;
        kcp->pool[kcp->pool_size].cap = s->cap;
        kcp->pool_size++;
        kcp->pool_bytes += s->cap;
    }
    s->data = NULL;
    s->cap = 0;
    s->len = 0;
}

/* ---- segment queues ---- */

static seg *q_at(seg_queue *q, uint32_t i) { return &q->items[q->head + i]; }

/* Makes room for one more segment at the tail. */
static int q_reserve(seg_queue *q) {
    if (q->head + q->size < q->cap) return 1;
    if (q->head > 0) {
        memmove(q->items, q->items + q->head, (size_t)q->size * sizeof(seg));
        q->head = 0;
        if (q->size < q->cap) return 1;
    }
    uint32_t cap = q->cap ? q->cap * 2 : 16;
    seg *items = realloc(q->items, (size_t)cap * sizeof(seg));
    if (!items) return 0;
    q->items = items;
    q->cap = cap;
    return 1;
}

static int q_push(seg_queue *q, const seg *s) {
    if (!q_reserve(q)) return 0;
    q->items[q->head + q->size++] = *s;
    return 1;
}

static int q_insert(seg_queue *q, uint32_t idx, const seg *s) {
    if (!q_reserve(q)) return 0;
    seg *at = q_at(q, idx);
    memmove(at + 1, at, (size_t)(q->size - idx) * sizeof(seg));
    *at = *s;
    q->size++;
    return 1;
}

static void q_drop_front(seg_queue *q, uint32_t n) {
    q->head += n;
    q->size -= n;
    if (q->size == 0) q->head = 0;
}

static void q_free(kcp_arq *kcp, seg_queue *q) {
    for (uint32_t i = 0; i < q->size; i++) seg_release(kcp, q_at(q, i));
    free(q->items);
    memset(q, 0, sizeof(*q));
}

/* ---- output records ---- */

static int out_reserve(kcp_arq *kcp, size_t extra) {
    kcp_arq_output *o = &kcp->out;
    if (o->oom) return 0;
    size_t need = (size_t)o->len + extra;
    if (need <= o->cap) return 1;
    size_t cap = o->cap ? o->cap : 4096;
    while (cap < need) cap *= 2;
    if (cap > UINT32_MAX) {
        o->oom = 1;
        return 0;
    }
    uint8_t *data = realloc(o->data, cap);
    if (!data) {
        o->oom = 1;
        return 0;
    }
    o->data = data;
    o->cap = (uint32_t)cap;
    return 1;
}

/* Opens a datagram: length placeholder, then the reserved (zeroed) header room. */
static int dg_begin(kcp_arq *kcp) {
    if (!out_reserve(kcp, 4 + (size_t)kcp->reserved)) return 0;
    kcp->dg_start = kcp->out.len;
    memset(kcp->out.data + kcp->out.len, 0, 4 + (size_t)kcp->reserved);
    kcp->out.len += 4 + kcp->reserved;
    kcp->dg_len = kcp->reserved;
    return 1;
}

/* Closes the open datagram as a record. */
static void dg_emit(kcp_arq *kcp) {
    put32(kcp->out.data + kcp->dg_start, kcp->dg_len);
    kcp->out.count++;
}

/* kcp-go's makeSpace: emit the datagram if `space` more bytes would exceed the mtu, then make
 * sure the output area can take them. */
static int make_space(kcp_arq *kcp, uint32_t space) {
    if ((uint64_t)kcp->dg_len + space > kcp->mtu) {
        dg_emit(kcp);
        if (!dg_begin(kcp)) return 0;
    }
    return out_reserve(kcp, space);
}

/* kcp-go's flushBuffer: emit the datagram if it holds more than the reserved bytes. */
static void dg_end(kcp_arq *kcp) {
    if (kcp->dg_len > kcp->reserved) {
        dg_emit(kcp);
    } else {
        kcp->out.len = kcp->dg_start;
    }
}

/* Encodes a segment header (plus `len` data bytes from `data`) into the open datagram. */
static void encode(kcp_arq *kcp, const seg *s, const uint8_t *data, uint32_t len) {
    uint8_t *p = kcp->out.data + kcp->out.len;
    put32(p, s->conv);
    p[4] = s->cmd;
    p[5] = s->frg;
    put16(p + 6, s->wnd);
    put32(p + 8, s->ts);
    put32(p + 12, s->sn);
    put32(p + 16, s->una);
    put32(p + 20, len);
    if (len) memcpy(p + 24, data, len);
    kcp->out.len += 24 + len;
    kcp->dg_len += 24 + len;
    kcp->counters[C_OUT]++;
}

/* ---- lifecycle and settings ---- */

kcp_arq *kcp_arq_create(uint32_t conv) {
    kcp_arq *kcp = calloc(1, sizeof(*kcp));
    if (!kcp) return NULL;
    kcp->conv = conv;
    kcp->snd_wnd = WND_SND;
    kcp->rcv_wnd = WND_RCV;
    kcp->rmt_wnd = WND_RCV;
    kcp->mtu = MTU_DEF;
    kcp->mss = kcp->mtu - KCP_OVERHEAD;
    kcp->rx_rto = RTO_DEF;
    kcp->rx_minrto = RTO_MIN;
    kcp->interval = INTERVAL;
    kcp->ssthresh = THRESH_INIT;
    kcp->dead_link = DEADLINK;
    return kcp;
}

void kcp_arq_destroy(kcp_arq *kcp) {
    if (!kcp) return;
    q_free(kcp, &kcp->snd_queue);
    q_free(kcp, &kcp->rcv_queue);
    q_free(kcp, &kcp->snd_buf);
    q_free(kcp, &kcp->rcv_buf);
    for (uint32_t i = 0; i < kcp->pool_size; i++) free(kcp->pool[i].data);
    free(kcp->acks);
    free(kcp->out.data);
    free(kcp);
}

kcp_arq_output *kcp_arq_output_area(kcp_arq *kcp) { return &kcp->out; }

int kcp_arq_set_mtu(kcp_arq *kcp, int mtu) {
    if (mtu < 50 || kcp->reserved >= (uint32_t)mtu - KCP_OVERHEAD) return -1;
    kcp->mtu = (uint32_t)mtu;
    kcp->mss = kcp->mtu - KCP_OVERHEAD - kcp->reserved;
    return 0;
}

int kcp_arq_reserve_bytes(kcp_arq *kcp, int n) {
    if (n < 0 || (int64_t)n >= (int64_t)kcp->mtu - KCP_OVERHEAD) return -1;
    kcp->reserved = (uint32_t)n;
    kcp->mss = kcp->mtu - KCP_OVERHEAD - kcp->reserved;
    return 0;
}

void kcp_arq_nodelay(kcp_arq *kcp, int nodelay, int interval, int resend, int nc) {
    if (nodelay >= 0) {
        kcp->nodelay = (uint32_t)nodelay;
        kcp->rx_minrto = nodelay != 0 ? RTO_NDL : RTO_MIN;
    }
    if (interval >= 0) {
        if (interval > 5000) interval = 5000;
        else if (interval < 10) interval = 10;
        kcp->interval = (uint32_t)interval;
    }
    if (resend >= 0) kcp->fastresend = resend;
    if (nc >= 0) kcp->nocwnd = nc;
}

void kcp_arq_set_minrto(kcp_arq *kcp, int minrto) {
    if (minrto > 0) kcp->rx_minrto = (uint32_t)minrto;
}

void kcp_arq_wndsize(kcp_arq *kcp, int snd_wnd, int rcv_wnd) {
    if (snd_wnd > 0) kcp->snd_wnd = (uint32_t)snd_wnd;
    if (rcv_wnd > 0) kcp->rcv_wnd = (uint32_t)rcv_wnd;
}

void kcp_arq_set_stream(kcp_arq *kcp, int on) { kcp->stream = on ? 1 : 0; }

void kcp_arq_set_ack_clocking(kcp_arq *kcp, int on) { kcp->ack_clocking = on ? 1 : 0; }

int kcp_arq_wait_snd(const kcp_arq *kcp) { return (int)(kcp->snd_buf.size + kcp->snd_queue.size); }

/* ---- user side: send, recv, peek ---- */

int kcp_arq_send(kcp_arq *kcp, const uint8_t *data, size_t len) {
    if (len == 0) return -1;

    /* stream mode: top up the last queued segment first */
    if (kcp->stream != 0 && kcp->snd_queue.size > 0) {
        seg *last = q_at(&kcp->snd_queue, kcp->snd_queue.size - 1);
        if (last->len < kcp->mss) {
            uint32_t extend = kcp->mss - last->len;
            if (len < extend) extend = (uint32_t)len;
            if (last->cap < last->len + extend) { /* the mss grew since it was queued */
                uint8_t *grown = realloc(last->data, kcp->mss);
                if (!grown) return -3;
                kcp->data_bytes += kcp->mss - last->cap;
                last->data = grown;
                last->cap = kcp->mss;
            }
            memcpy(last->data + last->len, data, extend);
            last->len += extend;
            data += extend;
            len -= extend;
        }
        if (len == 0) return 0;
    }

    size_t count = len <= kcp->mss ? 1 : (len + kcp->mss - 1) / kcp->mss;
    if (count > KCP_MAX_FRAGMENTS) return -2;

    for (size_t i = 0; i < count; i++) {
        uint32_t size = len > kcp->mss ? kcp->mss : (uint32_t)len;
        seg s;
        memset(&s, 0, sizeof(s));
        s.data = buf_get(kcp, umax(size, kcp->mss), &s.cap);
        if (!s.data) return -3;
        memcpy(s.data, data, size);
        s.len = size;
        s.frg = kcp->stream == 0 ? (uint8_t)(count - i - 1) : 0;
        if (!q_push(&kcp->snd_queue, &s)) {
            seg_release(kcp, &s);
            return -3;
        }
        data += size;
        len -= size;
    }
    return 0;
}

int kcp_arq_peek_size(const kcp_arq *kcp) {
    const seg_queue *q = &kcp->rcv_queue;
    if (q->size == 0) return -1;
    const seg *first = &q->items[q->head];
    if (first->frg == 0) return (int)first->len;
    /* u8 arithmetic as in kcp-go: frg 255 wraps to 0 and the check passes */
    if (q->size < (uint8_t)(first->frg + 1)) return -1;
    int64_t length = 0;
    for (uint32_t k = 0; k < q->size; k++) {
        const seg *s = &q->items[q->head + k];
        length += s->len;
        if (s->frg == 0) break;
    }
    return length > INT32_MAX ? INT32_MAX : (int)length;
}

/* Moves in-order segments from rcv_buf to rcv_queue while the receive window has room. */
static void move_ready(kcp_arq *kcp) {
    uint32_t count = 0;
    for (uint32_t k = 0; k < kcp->rcv_buf.size; k++) {
        seg *s = q_at(&kcp->rcv_buf, k);
        if (s->sn == kcp->rcv_nxt && (uint64_t)kcp->rcv_queue.size + count < kcp->rcv_wnd) {
            kcp->rcv_nxt++;
            count++;
        } else {
            break;
        }
    }
    for (uint32_t k = 0; k < count; k++) {
        /* cannot fail: q_push only grows when full, and we stop on failure below */
        if (!q_push(&kcp->rcv_queue, q_at(&kcp->rcv_buf, k))) {
            /* out of memory: keep the rest in rcv_buf and undo their rcv_nxt advance */
            for (uint32_t j = k; j < count; j++) kcp->rcv_nxt--;
            count = k;
            kcp->out.oom = 1;
            break;
        }
    }
    if (count) q_drop_front(&kcp->rcv_buf, count);
}

int kcp_arq_recv(kcp_arq *kcp, uint8_t *dst, size_t cap) {
    int peeksize = kcp_arq_peek_size(kcp);
    if (peeksize < 0) return -1;
    if ((size_t)peeksize > cap) return -2;

    int fast_recover = kcp->rcv_queue.size >= kcp->rcv_wnd;

    uint32_t count = 0;
    size_t n = 0;
    for (uint32_t k = 0; k < kcp->rcv_queue.size; k++) {
        seg *s = q_at(&kcp->rcv_queue, k);
        if (s->len) memcpy(dst + n, s->data, s->len);
        n += s->len;
        count++;
        uint8_t frg = s->frg;
        seg_release(kcp, s);
        if (frg == 0) break;
    }
    if (count) q_drop_front(&kcp->rcv_queue, count);

    move_ready(kcp);

    if (kcp->rcv_queue.size < kcp->rcv_wnd && fast_recover) kcp->probe |= ASK_TELL;
    return (int)n;
}

/* ---- input ---- */

/* int32 arithmetic that wraps like Go's instead of overflowing (hostile timestamps) */
static int32_t wadd(int32_t a, int32_t b) { return (int32_t)((uint32_t)a + (uint32_t)b); }
static int32_t wsub(int32_t a, int32_t b) { return (int32_t)((uint32_t)a - (uint32_t)b); }

static void update_ack(kcp_arq *kcp, int32_t rtt) {
    if (kcp->rx_srtt == 0) {
        kcp->rx_srtt = rtt;
        kcp->rx_rttvar = rtt >> 1;
    } else {
        int32_t delta = wsub(rtt, kcp->rx_srtt);
        kcp->rx_srtt = wadd(kcp->rx_srtt, delta >> 3);
        if (delta < 0) delta = wsub(0, delta);
        if (rtt < wsub(kcp->rx_srtt, kcp->rx_rttvar)) {
            /* a sample below the expected range weighs 8x less */
            kcp->rx_rttvar = wadd(kcp->rx_rttvar, wsub(delta, kcp->rx_rttvar) >> 5);
        } else {
            kcp->rx_rttvar = wadd(kcp->rx_rttvar, wsub(delta, kcp->rx_rttvar) >> 2);
        }
    }
    uint32_t rto = (uint32_t)kcp->rx_srtt + umax(kcp->interval, (uint32_t)kcp->rx_rttvar << 2);
    kcp->rx_rto = umin(umax(kcp->rx_minrto, rto), RTO_MAX);
}

static void shrink_buf(kcp_arq *kcp) {
    kcp->snd_una = kcp->snd_buf.size ? q_at(&kcp->snd_buf, 0)->sn : kcp->snd_nxt;
}

static void parse_ack(kcp_arq *kcp, uint32_t sn) {
    if (timediff(sn, kcp->snd_una) < 0 || timediff(sn, kcp->snd_nxt) >= 0) return;
    for (uint32_t k = 0; k < kcp->snd_buf.size; k++) {
        seg *s = q_at(&kcp->snd_buf, k);
        if (sn == s->sn) {
            /* marked and released, but kept until una passes it (no shifting of snd_buf) */
            s->acked = 1;
            seg_release(kcp, s);
            break;
        }
        if (timediff(sn, s->sn) < 0) break;
    }
}

static void parse_fastack(kcp_arq *kcp, uint32_t sn, uint32_t ts) {
    if (timediff(sn, kcp->snd_una) < 0 || timediff(sn, kcp->snd_nxt) >= 0) return;
    for (uint32_t k = 0; k < kcp->snd_buf.size; k++) {
        seg *s = q_at(&kcp->snd_buf, k);
        if (timediff(sn, s->sn) < 0) break;
        if (sn != s->sn && timediff(s->ts, ts) <= 0) s->fastack++;
    }
}

static uint32_t parse_una(kcp_arq *kcp, uint32_t una) {
    uint32_t count = 0;
    for (uint32_t k = 0; k < kcp->snd_buf.size; k++) {
        seg *s = q_at(&kcp->snd_buf, k);
        if (timediff(una, s->sn) > 0) {
            seg_release(kcp, s);
            count++;
        } else {
            break;
        }
    }
    if (count) q_drop_front(&kcp->snd_buf, count);
    return count;
}

static int ack_push(kcp_arq *kcp, uint32_t sn, uint32_t ts) {
    if (kcp->ack_count == kcp->ack_cap) {
        uint32_t cap = kcp->ack_cap ? kcp->ack_cap * 2 : 64;
        ack_item *acks = realloc(kcp->acks, (size_t)cap * sizeof(ack_item));
        if (!acks) return 0;
        kcp->acks = acks;
        kcp->ack_cap = cap;
    }
    kcp->acks[kcp->ack_count].sn = sn;
    kcp->acks[kcp->ack_count].ts = ts;
    kcp->ack_count++;
    return 1;
}

/* Stores a new in-window PUSH segment (copying its data). Returns 1 if it was a repeat,
 * 0 if stored, -1 when out of memory. */
static int parse_data(kcp_arq *kcp, const seg *in, const uint8_t *data) {
    uint32_t sn = in->sn;
    if (timediff(sn, kcp->rcv_nxt + kcp->rcv_wnd) >= 0 || timediff(sn, kcp->rcv_nxt) < 0) return 1;

    uint32_t insert_idx = 0;
    int repeat = 0;
    for (uint32_t i = kcp->rcv_buf.size; i-- > 0;) {
        seg *s = q_at(&kcp->rcv_buf, i);
        if (s->sn == sn) {
            repeat = 1;
            break;
        }
        if (timediff(sn, s->sn) > 0) {
            insert_idx = i + 1;
            break;
        }
    }

    if (!repeat) {
        seg copy = *in;
        copy.data = buf_get(kcp, in->len, &copy.cap); /* exactly what the payload needs */
        if (in->len && !copy.data) return -1;
        if (in->len) memcpy(copy.data, data, in->len);
        if (!q_insert(&kcp->rcv_buf, insert_idx, &copy)) {
            seg_release(kcp, &copy);
            return -1;
        }
    }
    move_ready(kcp);
    return repeat;
}

static uint32_t flush(kcp_arq *kcp, uint32_t now, int ack_only);

int kcp_arq_input(kcp_arq *kcp, const uint8_t *data, size_t len, int regular, int ack_nodelay,
                  uint32_t now) {
    uint32_t prev_una = kcp->snd_una;
    if (len < KCP_OVERHEAD) return -1;

    uint32_t latest = 0;
    int flag = 0, window_slides = 0;
    uint64_t in_segs = 0;

    while (len >= KCP_OVERHEAD) {
        uint32_t conv = get32(data);
        if (conv != kcp->conv) return -1;
        seg s;
        memset(&s, 0, sizeof(s));
        s.conv = conv;
        s.cmd = data[4];
        s.frg = data[5];
        s.wnd = get16(data + 6);
        s.ts = get32(data + 8);
        s.sn = get32(data + 12);
        s.una = get32(data + 16);
        s.len = get32(data + 20);
        data += KCP_OVERHEAD;
        len -= KCP_OVERHEAD;
        if ((uint64_t)len < s.len) return -2;
        if (s.cmd != CMD_PUSH && s.cmd != CMD_ACK && s.cmd != CMD_WASK && s.cmd != CMD_WINS) return -3;

        if (regular) { /* only trust window updates from regular packets */
            kcp->rmt_wnd = s.wnd;
            kcp->rmt_wnd_known = 1;
        }
        if (parse_una(kcp, s.una) > 0) window_slides = 1;
        shrink_buf(kcp);

        if (s.cmd == CMD_ACK) {
            parse_ack(kcp, s.sn);
            parse_fastack(kcp, s.sn, s.ts);
            flag |= 1;
            latest = s.ts;
        } else if (s.cmd == CMD_PUSH) {
            int repeat = 1;
            if (timediff(s.sn, kcp->rcv_nxt + kcp->rcv_wnd) < 0) {
                if (kcp->ack_count >= KCP_ACK_LIMIT) { /* a flood: send what is pending first */
                    flush(kcp, now, 1);
                    if (kcp->out.oom) return -4;
                }
                if (!ack_push(kcp, s.sn, s.ts)) return -4;
                if (timediff(s.sn, kcp->rcv_nxt) >= 0) {
                    repeat = parse_data(kcp, &s, data);
                    if (repeat < 0) return -4;
                }
            }
            if (regular && repeat) kcp->counters[C_REPEAT]++;
        } else if (s.cmd == CMD_WASK) {
            kcp->probe |= ASK_TELL; /* answer with WINS in the next flush */
        }
        in_segs++;
        data += s.len;
        len -= s.len;
    }
    kcp->counters[C_IN] += in_segs;

    /* one RTT sample per input, from the latest ACK; never from FEC-recovered packets */
    if (flag && regular && timediff(now, latest) >= 0) update_ack(kcp, timediff(now, latest));

    if (kcp->nocwnd == 0 && timediff(kcp->snd_una, prev_una) > 0 && kcp->cwnd < kcp->rmt_wnd) {
        uint32_t mss = kcp->mss;
        if (kcp->cwnd < kcp->ssthresh) {
            kcp->cwnd++;
            kcp->incr += mss;
        } else {
            if (kcp->incr < mss) kcp->incr = mss;
            kcp->incr += (mss * mss) / kcp->incr + (mss / 16);
            if ((kcp->cwnd + 1) * mss <= kcp->incr) {
                kcp->cwnd = mss > 0 ? (kcp->incr + mss - 1) / mss : kcp->incr + mss - 1;
            }
        }
        if (kcp->cwnd > kcp->rmt_wnd) {
            kcp->cwnd = kcp->rmt_wnd;
            kcp->incr = kcp->rmt_wnd * mss;
        }
    }

    if (window_slides) {
        flush(kcp, now, 0);
    } else if (ack_nodelay && kcp->ack_count > 0) {
        flush(kcp, now, 1);
    } else if (kcp->ack_clocking &&
               kcp->ack_count >= KCP_ACK_CLOCK_THRESHOLD(kcp->mtu, kcp->reserved)) {
        /* ACK clocking (later kcp-go releases): a datagram's worth of ACKs leaves now, not at
         * the next flush, so a sender whose window is full hears from us within one RTT */
        flush(kcp, now, 1);
    }
    return kcp->out.oom ? -4 : 0;
}

/* ---- flush ---- */

static uint16_t wnd_unused(const kcp_arq *kcp) {
    if (kcp->rcv_queue.size < kcp->rcv_wnd) return (uint16_t)(kcp->rcv_wnd - kcp->rcv_queue.size);
    return 0;
}

static void update_probe(kcp_arq *kcp, uint32_t now) {
    if (kcp->rmt_wnd != 0) {
        kcp->ts_probe = 0;
        kcp->probe_wait = 0;
        return;
    }
    if (kcp->probe_wait == 0) {
        /* like a persist timer: one RTO, at least an interval, at most PROBE_INIT */
        kcp->probe_wait = umin(umax(kcp->rx_rto, kcp->interval), PROBE_INIT);
        kcp->ts_probe = now + kcp->probe_wait;
    } else if (timediff(now, kcp->ts_probe) >= 0) {
        kcp->probe_wait += kcp->probe_wait / 2;
        if (kcp->probe_wait > PROBE_LIMIT) kcp->probe_wait = PROBE_LIMIT;
        kcp->ts_probe = now + kcp->probe_wait;
        kcp->probe |= ASK_SEND;
    }
}

static uint32_t flush(kcp_arq *kcp, uint32_t now, int ack_only) {
    pool_trim(kcp, now);

    seg hdr;
    memset(&hdr, 0, sizeof(hdr));
    hdr.conv = kcp->conv;
    hdr.cmd = CMD_ACK;
    hdr.wnd = wnd_unused(kcp);
    hdr.una = kcp->rcv_nxt;

    if (!dg_begin(kcp)) return kcp->interval;

    for (uint32_t i = 0; i < kcp->ack_count; i++) {
        if (!make_space(kcp, KCP_OVERHEAD)) return kcp->interval;
        /* skip acks below rcv_nxt (bufferbloat jitter), but always send the last one */
        if (timediff(kcp->acks[i].sn, kcp->rcv_nxt) >= 0 || i == kcp->ack_count - 1) {
            hdr.sn = kcp->acks[i].sn;
            hdr.ts = kcp->acks[i].ts;
            encode(kcp, &hdr, NULL, 0);
        }
    }
    kcp->ack_count = 0;

    if (ack_only) {
        dg_end(kcp);
        return kcp->interval;
    }

    update_probe(kcp, now);
    if (kcp->probe & ASK_SEND) {
        hdr.cmd = CMD_WASK;
        if (!make_space(kcp, KCP_OVERHEAD)) return kcp->interval;
        encode(kcp, &hdr, NULL, 0);
    }
    if (kcp->probe & ASK_TELL) {
        hdr.cmd = CMD_WINS;
        if (!make_space(kcp, KCP_OVERHEAD)) return kcp->interval;
        encode(kcp, &hdr, NULL, 0);
    }
    kcp->probe = 0;

    uint32_t cwnd = umin(kcp->snd_wnd, kcp->rmt_wnd);
    if (!kcp->rmt_wnd_known) cwnd = umin(cwnd, INITIAL_FLIGHT);
    if (kcp->nocwnd == 0) cwnd = umin(kcp->cwnd, cwnd);

    /* move queued segments into the send window */
    uint32_t new_segs = 0;
    while (kcp->snd_queue.size > 0 && timediff(kcp->snd_nxt, kcp->snd_una + cwnd) < 0) {
        seg s = *q_at(&kcp->snd_queue, 0);
        s.conv = kcp->conv;
        s.cmd = CMD_PUSH;
        s.sn = kcp->snd_nxt;
        if (!q_push(&kcp->snd_buf, &s)) {
            kcp->out.oom = 1;
            break;
        }
        q_drop_front(&kcp->snd_queue, 1);
        kcp->snd_nxt++;
        new_segs++;
    }

    uint32_t resent = kcp->fastresend > 0 ? (uint32_t)kcp->fastresend : 0xffffffffu;
    uint32_t current = now;
    uint64_t change = 0, lost = 0, fast = 0, early = 0;
    int32_t minrto = (int32_t)kcp->interval;

    for (uint32_t k = 0; k < kcp->snd_buf.size; k++) {
        seg *s = q_at(&kcp->snd_buf, k);
        int needsend = 0;
        if (s->acked == 1) continue;
        if (s->xmit == 0) { /* first transmission */
            needsend = 1;
            s->rto = kcp->rx_rto;
            s->resendts = current + s->rto;
        } else if (s->fastack >= resent) { /* fast retransmit */
            needsend = 1;
            s->fastack = 0;
            s->rto = kcp->rx_rto;
            s->resendts = current + s->rto;
            change++;
            fast++;
        } else if (s->fastack > 0 && new_segs == 0) { /* early retransmit */
            needsend = 1;
            s->fastack = 0;
            s->rto = kcp->rx_rto;
            s->resendts = current + s->rto;
            change++;
            early++;
        } else if (timediff(current, s->resendts) >= 0) { /* retransmission timeout */
            needsend = 1;
            s->rto += kcp->nodelay == 0 ? kcp->rx_rto : kcp->rx_rto / 2;
            s->fastack = 0;
            s->resendts = current + s->rto;
            lost++;
        }

        if (needsend) {
            s->xmit++;
            s->ts = current;
            s->wnd = hdr.wnd;
            s->una = hdr.una;
            if (!make_space(kcp, KCP_OVERHEAD + s->len)) return kcp->interval;
            encode(kcp, s, s->data, s->len);
            if (s->xmit >= kcp->dead_link) kcp->state = 0xFFFFFFFFu;
        }

        int32_t rto = timediff(s->resendts, current);
        if (rto > 0 && rto < minrto) minrto = rto;
    }

    dg_end(kcp);

    kcp->counters[C_LOST] += lost;
    kcp->counters[C_FAST_RETRANS] += fast;
    kcp->counters[C_EARLY_RETRANS] += early;
    kcp->counters[C_RETRANS] += lost + fast + early;

    if (kcp->nocwnd == 0) {
        if (change > 0) { /* rate halving, RFC 6937 */
            uint32_t inflight = kcp->snd_nxt - kcp->snd_una;
            kcp->ssthresh = inflight / 2;
            if (kcp->ssthresh < THRESH_MIN) kcp->ssthresh = THRESH_MIN;
            kcp->cwnd = kcp->ssthresh + resent;
            kcp->incr = kcp->cwnd * kcp->mss;
        }
        if (lost > 0) { /* RFC 5681 */
            kcp->ssthresh = cwnd / 2;
            if (kcp->ssthresh < THRESH_MIN) kcp->ssthresh = THRESH_MIN;
            kcp->cwnd = 1;
            kcp->incr = kcp->mss;
        }
        if (kcp->cwnd < 1) {
            kcp->cwnd = 1;
            kcp->incr = kcp->mss;
        }
    }
    return (uint32_t)minrto;
}

uint32_t kcp_arq_flush(kcp_arq *kcp, uint32_t now) { return flush(kcp, now, 0); }

void kcp_arq_flush_acks(kcp_arq *kcp, uint32_t now) { flush(kcp, now, 1); }

/* ---- observation ---- */

int64_t kcp_arq_field(const kcp_arq *kcp, int field) {
    switch (field) {
    case KCP_F_CONV: return kcp->conv;
    case KCP_F_MTU: return kcp->mtu;
    case KCP_F_MSS: return kcp->mss;
    case KCP_F_STATE: return kcp->state;
    case KCP_F_SND_UNA: return kcp->snd_una;
    case KCP_F_SND_NXT: return kcp->snd_nxt;
    case KCP_F_RCV_NXT: return kcp->rcv_nxt;
    case KCP_F_SSTHRESH: return kcp->ssthresh;
    case KCP_F_RX_RTTVAR: return kcp->rx_rttvar;
    case KCP_F_RX_SRTT: return kcp->rx_srtt;
    case KCP_F_RX_RTO: return kcp->rx_rto;
    case KCP_F_RX_MINRTO: return kcp->rx_minrto;
    case KCP_F_SND_WND: return kcp->snd_wnd;
    case KCP_F_RCV_WND: return kcp->rcv_wnd;
    case KCP_F_RMT_WND: return kcp->rmt_wnd;
    case KCP_F_RMT_WND_KNOWN: return kcp->rmt_wnd_known;
    case KCP_F_CWND: return kcp->cwnd;
    case KCP_F_PROBE: return kcp->probe;
    case KCP_F_INTERVAL: return kcp->interval;
    case KCP_F_NODELAY: return kcp->nodelay;
    case KCP_F_TS_PROBE: return kcp->ts_probe;
    case KCP_F_PROBE_WAIT: return kcp->probe_wait;
    case KCP_F_DEAD_LINK: return kcp->dead_link;
    case KCP_F_INCR: return kcp->incr;
    case KCP_F_FASTRESEND: return kcp->fastresend;
    case KCP_F_NOCWND: return kcp->nocwnd;
    case KCP_F_STREAM: return kcp->stream;
    case KCP_F_ACK_CLOCKING: return kcp->ack_clocking;
    case KCP_F_RESERVED: return kcp->reserved;
    case KCP_F_SND_QUEUE: return kcp->snd_queue.size;
    case KCP_F_RCV_QUEUE: return kcp->rcv_queue.size;
    case KCP_F_SND_BUF: return kcp->snd_buf.size;
    case KCP_F_RCV_BUF: return kcp->rcv_buf.size;
    case KCP_F_ACKLIST: return kcp->ack_count;
    case KCP_F_DATA_BYTES: return (int64_t)kcp->data_bytes;
    case KCP_F_POOL_BYTES: return (int64_t)kcp->pool_bytes;
    case KCP_F_OUT_SEGS: return (int64_t)kcp->counters[C_OUT];
    case KCP_F_IN_SEGS: return (int64_t)kcp->counters[C_IN];
    case KCP_F_RETRANS_SEGS: return (int64_t)kcp->counters[C_RETRANS];
    case KCP_F_FAST_RETRANS_SEGS: return (int64_t)kcp->counters[C_FAST_RETRANS];
    case KCP_F_EARLY_RETRANS_SEGS: return (int64_t)kcp->counters[C_EARLY_RETRANS];
    case KCP_F_LOST_SEGS: return (int64_t)kcp->counters[C_LOST];
    case KCP_F_REPEAT_SEGS: return (int64_t)kcp->counters[C_REPEAT];
    default: return -1;
    }
}

/* DIGEST: the definition both kernels share (docs/arq-kernel.md). */
static uint64_t mix(uint64_t h, uint32_t v) { return (h ^ v) * 0x100000001b3ULL; }

static uint64_t digest_queue(uint64_t h, const seg_queue *q) {
    h = mix(h, q->size);
    for (uint32_t k = 0; k < q->size; k++) {
        const seg *s = &q->items[q->head + k];
        uint32_t fields[] = {s->conv, s->cmd, s->frg, s->wnd, s->ts, s->sn, s->una,
                             s->rto, s->xmit, s->resendts, s->fastack, s->acked, s->len};
        for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) h = mix(h, fields[i]);
        for (uint32_t i = 0; i < s->len; i++) h = mix(h, s->data[i]);
    }
    return h;
}

uint64_t kcp_arq_digest(const kcp_arq *kcp) {
    uint64_t h = 0xcbf29ce484222325ULL;
    h = digest_queue(h, &kcp->snd_queue);
    h = digest_queue(h, &kcp->snd_buf);
    h = digest_queue(h, &kcp->rcv_queue);
    h = digest_queue(h, &kcp->rcv_buf);
    h = mix(h, kcp->ack_count);
    for (uint32_t i = 0; i < kcp->ack_count; i++) {
        h = mix(h, kcp->acks[i].sn);
        h = mix(h, kcp->acks[i].ts);
    }
    return h;
}
