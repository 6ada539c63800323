/* ctest: the C ARQ kernel against kcp-go facts (docs/wire.md, "A KCP segment") and a lossy loopback transfer. */
#include "kcp/arq.h"
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Returns the i-th output record (and its length). */
static const uint8_t *record(kcp_arq *k, uint32_t i, uint32_t *len) {
    kcp_arq_output *o = kcp_arq_output_area(k);
    uint32_t off = 0;
    for (uint32_t n = 0; n < o->count; n++) {
        uint32_t l = rd32(o->data + off);
        if (n == i) {
            *len = l;
            return o->data + off + 4;
        }
        off += 4 + l;
    }
    return NULL;
}

static void clear(kcp_arq *k) {
    kcp_arq_output_area(k)->len = 0;
    kcp_arq_output_area(k)->count = 0;
}

static void test_wire_example(void) {
    /* docs/wire.md, "A KCP segment": conv 0x7aa6ad5a, PUSH, wnd 1024, ts 4, sn 0, una 0, "hello kcp" */
    static const uint8_t expected[] = {0x5a, 0xad, 0xa6, 0x7a, 0x51, 0x00, 0x00, 0x04, 0x04, 0x00, 0x00, 0x00,
                                       0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00,
                                       'h',  'e',  'l',  'l',  'o',  ' ',  'k',  'c',  'p'};
    kcp_arq *a = kcp_arq_create(0x7aa6ad5a);
    kcp_arq *b = kcp_arq_create(0x7aa6ad5a);
    kcp_arq_wndsize(a, 1024, 1024);
    kcp_arq_wndsize(b, 1024, 1024);
    kcp_arq_nodelay(a, 1, 10, 2, 1);
    CHECK(kcp_arq_send(a, (const uint8_t *)"hello kcp", 9) == 0);
    kcp_arq_flush(a, 4);
    uint32_t len = 0;
    const uint8_t *dg = record(a, 0, &len);
    CHECK(kcp_arq_output_area(a)->count == 1);
    CHECK(dg && len == sizeof(expected) && memcmp(dg, expected, sizeof(expected)) == 0);

    /* the peer acks it: ACK, ts 4, sn 0, una 1, len 0 */
    CHECK(kcp_arq_input(b, dg, len, 1, 0, 5) == 0);
    kcp_arq_flush(b, 5);
    const uint8_t *ack = record(b, 0, &len);
    CHECK(ack && len == 24 && ack[4] == 82 && rd32(ack + 8) == 4 && rd32(ack + 12) == 0 && rd32(ack + 16) == 1 &&
          rd32(ack + 20) == 0);
    uint8_t buf[64];
    CHECK(kcp_arq_recv(b, buf, sizeof(buf)) == 9 && memcmp(buf, "hello kcp", 9) == 0);

    /* the ack clears the sender's window and yields an RTT sample of 30 ms */
    CHECK(kcp_arq_input(a, ack, len, 1, 0, 34) == 0);
    CHECK(kcp_arq_wait_snd(a) == 0);
    CHECK(kcp_arq_field(a, KCP_F_RX_SRTT) == 30);
    CHECK(kcp_arq_field(a, KCP_F_IN_SEGS) == 1);
    kcp_arq_destroy(a);
    kcp_arq_destroy(b);
}

static void test_errors(void) {
    kcp_arq *k = kcp_arq_create(1);
    uint8_t dg[64] = {0};
    CHECK(kcp_arq_input(k, dg, 10, 1, 0, 0) == -1);          /* short */
    dg[0] = 2;                                                 /* wrong conv */
    CHECK(kcp_arq_input(k, dg, 24, 1, 0, 0) == -1);
    dg[0] = 1;
    dg[4] = 81;
    dg[20] = 100;                                              /* claims 100 bytes, has 0 */
    CHECK(kcp_arq_input(k, dg, 24, 1, 0, 0) == -2);
    dg[4] = 99;
    dg[20] = 0;
    CHECK(kcp_arq_input(k, dg, 24, 1, 0, 0) == -3);           /* unknown command */
    CHECK(kcp_arq_send(k, dg, 0) == -1);
    static uint8_t big[1376 * 256];
    CHECK(kcp_arq_send(k, big, sizeof(big)) == -2);            /* 256 fragments */
    CHECK(kcp_arq_send(k, big, 1376 * 255) == 0);              /* 255 is the limit */
    CHECK(kcp_arq_wait_snd(k) == 255);
    CHECK(kcp_arq_set_mtu(k, 49) == -1);
    CHECK(kcp_arq_reserve_bytes(k, 28) == 0);
    CHECK(kcp_arq_set_mtu(k, 52) == -1);                       /* 52 - 24 leaves nothing after 28 */
    CHECK(kcp_arq_set_mtu(k, 1400) == 0 && kcp_arq_field(k, KCP_F_MSS) == 1348);
    kcp_arq_destroy(k);
}

/* A byte stream through two instances over a link dropping every 7th datagram. */
static void test_lossy_transfer(void) {
    kcp_arq *a = kcp_arq_create(42), *b = kcp_arq_create(42);
    kcp_arq_nodelay(a, 1, 10, 2, 1);
    kcp_arq_nodelay(b, 1, 10, 2, 1);
    kcp_arq_wndsize(a, 128, 128);
    kcp_arq_wndsize(b, 128, 128);
    kcp_arq_reserve_bytes(a, 28);
    kcp_arq_reserve_bytes(b, 28);
    enum { TOTAL = 300000 };
    uint8_t *src = malloc(TOTAL), *dst = malloc(TOTAL);
    for (int i = 0; i < TOTAL; i++) src[i] = (uint8_t)(i * 31 + (i >> 8));
    size_t sent = 0, got = 0;
    uint32_t now = 0xFFFFF000u; /* crosses the u32 wrap */
    unsigned drop = 0;
    for (int step = 0; step < 200000 && got < TOTAL; step++, now += 1) {
        while (sent < TOTAL && kcp_arq_wait_snd(a) < 256) {
            size_t n = TOTAL - sent < 3000 ? TOTAL - sent : 3000;
            CHECK(kcp_arq_send(a, src + sent, n) == 0);
            sent += n;
        }
        kcp_arq *from[2] = {a, b}, *to[2] = {b, a};
        for (int d = 0; d < 2; d++) {
            if (step % 10 == 0) kcp_arq_flush(from[d], now);
            uint32_t len = 0;
            for (uint32_t i = 0; i < kcp_arq_output_area(from[d])->count; i++) {
                const uint8_t *dg = record(from[d], i, &len);
                CHECK(len >= 28 + 24);
                if (++drop % 7 == 0) continue;
                CHECK(kcp_arq_input(to[d], dg + 28, len - 28, 1, 0, now) == 0);
            }
            clear(from[d]);
        }
        int n;
        while ((n = kcp_arq_recv(b, dst + got, TOTAL - got)) > 0) got += (size_t)n;
    }
    CHECK(got == TOTAL && memcmp(src, dst, TOTAL) == 0);
    CHECK(kcp_arq_field(a, KCP_F_RETRANS_SEGS) > 0);
    CHECK(kcp_arq_field(a, KCP_F_STATE) == 0);
    free(src);
    free(dst);
    kcp_arq_destroy(a);
    kcp_arq_destroy(b);
}

/* Nothing acked: rto grows by rx_rto/2 per timeout (nodelay) and the link dies at xmit 20. */
static void test_rto_and_dead_link(void) {
    kcp_arq *k = kcp_arq_create(7);
    kcp_arq_nodelay(k, 1, 10, 0, 1);
    CHECK(kcp_arq_send(k, (const uint8_t *)"x", 1) == 0);
    uint32_t now = 0;
    kcp_arq_flush(k, now);
    CHECK(kcp_arq_field(k, KCP_F_OUT_SEGS) == 1);
    for (int i = 0; i < 100000 && kcp_arq_field(k, KCP_F_STATE) == 0; i++) {
        now += 10;
        kcp_arq_flush(k, now);
    }
    CHECK(kcp_arq_field(k, KCP_F_STATE) == 0xFFFFFFFFu);
    CHECK(kcp_arq_field(k, KCP_F_LOST_SEGS) == 19);
    CHECK(kcp_arq_field(k, KCP_F_RETRANS_SEGS) == 19);
    kcp_arq_destroy(k);
}

/* Appends one segment header (and `len` bytes of `data`) at p; returns the next position. */
static uint8_t *put_seg(uint8_t *p, uint32_t conv, uint8_t cmd, uint16_t wnd, uint32_t ts, uint32_t sn, uint32_t una,
                        const uint8_t *data, uint32_t len) {
    memset(p, 0, 24);
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(conv >> (8 * i));
        p[8 + i] = (uint8_t)(ts >> (8 * i));
        p[12 + i] = (uint8_t)(sn >> (8 * i));
        p[16 + i] = (uint8_t)(una >> (8 * i));
        p[20 + i] = (uint8_t)(len >> (8 * i));
    }
    p[4] = cmd;
    p[6] = (uint8_t)wnd;
    p[7] = (uint8_t)(wnd >> 8);
    if (len) memcpy(p + 24, data, len);
    return p + 24 + len;
}

static int feed_seg(kcp_arq *k, int regular, uint8_t cmd, uint16_t wnd, uint32_t ts, uint32_t sn, uint32_t una,
                    uint32_t now) {
    uint8_t dg[24];
    put_seg(dg, (uint32_t)kcp_arq_field(k, KCP_F_CONV), cmd, wnd, ts, sn, una, NULL, 0);
    return kcp_arq_input(k, dg, sizeof(dg), regular, 0, now);
}

/* Counts the segments with command `cmd` in the output records (reserved 0), then clears. */
static uint32_t drain_count(kcp_arq *k, uint8_t cmd) {
    uint32_t n = 0, len = 0;
    for (uint32_t i = 0; i < kcp_arq_output_area(k)->count; i++) {
        const uint8_t *dg = record(k, i, &len);
        for (uint32_t off = 0; off + 24 <= len; off += 24 + rd32(dg + off + 20)) {
            if (dg[off + 4] == cmd) n++;
        }
    }
    clear(k);
    return n;
}

/* A zero window is probed after one RTO (at least an interval, at most 500 ms), then every
 * 1.5 times longer up to 120 s; the timer resets when the window reopens. */
static void test_zero_window_probe(void) {
    kcp_arq *k = kcp_arq_create(1);
    kcp_arq_nodelay(k, -1, -1, -1, 1); /* interval 100; rto is the default 200 */
    CHECK(feed_seg(k, 1, 84, 0, 0, 0, 0, 1000) == 0);
    CHECK(kcp_arq_field(k, KCP_F_RMT_WND) == 0);
    CHECK(kcp_arq_send(k, (const uint8_t *)"x", 1) == 0);
    kcp_arq_flush(k, 1000);
    CHECK(kcp_arq_output_area(k)->count == 0);
    CHECK(kcp_arq_field(k, KCP_F_PROBE_WAIT) == 200);
    CHECK(kcp_arq_field(k, KCP_F_TS_PROBE) == 1200);
    kcp_arq_flush(k, 1199);
    CHECK(kcp_arq_output_area(k)->count == 0);
    kcp_arq_flush(k, 1200);
    CHECK(drain_count(k, 83) == 1); /* WASK, 200 ms after the zero window (kcp-go 5.6.1: 7 s) */
    static const uint32_t waits[] = {300,   450,   675,   1012,  1518,  2277,  3415,   5122,   7683,  11524,
                                     17286, 25929, 38893, 58339, 87508, 120000, 120000};
    uint32_t now = 1200;
    for (size_t i = 0; i < sizeof(waits) / sizeof(waits[0]); i++) {
        CHECK(kcp_arq_field(k, KCP_F_PROBE_WAIT) == waits[i]);
        now += waits[i];
        CHECK(kcp_arq_field(k, KCP_F_TS_PROBE) == now);
        kcp_arq_flush(k, now - 1);
        CHECK(kcp_arq_output_area(k)->count == 0);
        kcp_arq_flush(k, now);
        CHECK(drain_count(k, 83) == 1);
    }
    CHECK(feed_seg(k, 0, 84, 10, 0, 0, 0, now) == 0); /* FEC-recovered: the window stays shut */
    CHECK(kcp_arq_field(k, KCP_F_RMT_WND) == 0);
    CHECK(feed_seg(k, 1, 84, 10, 0, 0, 0, now) == 0);
    kcp_arq_flush(k, now);
    CHECK(kcp_arq_field(k, KCP_F_PROBE_WAIT) == 0 && kcp_arq_field(k, KCP_F_TS_PROBE) == 0);
    CHECK(drain_count(k, 81) == 1);
    kcp_arq_destroy(k);

    /* the first wait follows the RTO down to the interval, and the interval up to 500 ms */
    k = kcp_arq_create(1);
    kcp_arq_nodelay(k, 1, 10, -1, 1);
    CHECK(feed_seg(k, 1, 82, 0, 99, 0, 0, 100) == 0); /* rtt 1: rto = max(minrto 30, 1 + 10) */
    CHECK(kcp_arq_field(k, KCP_F_RX_RTO) == 30);
    kcp_arq_flush(k, 100);
    CHECK(kcp_arq_field(k, KCP_F_PROBE_WAIT) == 30);
    kcp_arq_set_minrto(k, 5);
    CHECK(feed_seg(k, 1, 82, 0, 100, 0, 0, 100) == 0); /* rtt 0: rto = 0 + 10 */
    CHECK(feed_seg(k, 1, 84, 5, 0, 0, 0, 100) == 0);
    kcp_arq_flush(k, 100);                             /* window open: timer reset */
    CHECK(feed_seg(k, 1, 84, 0, 0, 0, 0, 100) == 0);
    kcp_arq_flush(k, 100);
    CHECK(kcp_arq_field(k, KCP_F_RX_RTO) <= 10 && kcp_arq_field(k, KCP_F_PROBE_WAIT) == 10);
    CHECK(feed_seg(k, 1, 84, 5, 0, 0, 0, 100) == 0);
    kcp_arq_flush(k, 100);
    kcp_arq_nodelay(k, -1, 300, -1, -1);
    CHECK(feed_seg(k, 1, 84, 0, 0, 0, 0, 100) == 0);
    kcp_arq_flush(k, 100);
    CHECK(kcp_arq_field(k, KCP_F_PROBE_WAIT) == 300);
    CHECK(feed_seg(k, 1, 84, 5, 0, 0, 0, 100) == 0);
    kcp_arq_flush(k, 100);
    CHECK(feed_seg(k, 1, 82, 0, 0, 0, 0, 100000) == 0); /* rtt 100 s: rto 60 s */
    CHECK(kcp_arq_field(k, KCP_F_RX_RTO) == 60000);
    kcp_arq_flush(k, 100000);
    CHECK(kcp_arq_field(k, KCP_F_PROBE_WAIT) == 500);
    kcp_arq_destroy(k);
}

/* Until a regular packet has told us the peer's window, at most 16 segments are in flight. */
static void test_initial_flight(void) {
    kcp_arq *k = kcp_arq_create(3);
    kcp_arq_nodelay(k, 1, 10, 2, 1);
    kcp_arq_wndsize(k, 1024, 1024);
    uint8_t msg[100] = {0};
    for (int i = 0; i < 40; i++) CHECK(kcp_arq_send(k, msg, sizeof(msg)) == 0);
    kcp_arq_flush(k, 0);
    CHECK(drain_count(k, 81) == 16);
    CHECK(kcp_arq_field(k, KCP_F_RMT_WND_KNOWN) == 0 && kcp_arq_field(k, KCP_F_SND_NXT) == 16);
    kcp_arq_flush(k, 10);
    CHECK(drain_count(k, 81) == 0);
    /* an FEC-recovered ACK slides the window but does not count as the peer speaking */
    CHECK(feed_seg(k, 0, 82, 1024, 0, 0, 1, 20) == 0);
    CHECK(drain_count(k, 81) == 1 && kcp_arq_field(k, KCP_F_SND_NXT) == 17);
    CHECK(kcp_arq_field(k, KCP_F_RMT_WND_KNOWN) == 0);
    /* the first regular packet lifts the cap */
    CHECK(feed_seg(k, 1, 82, 1024, 0, 1, 2, 30) == 0);
    CHECK(kcp_arq_field(k, KCP_F_RMT_WND_KNOWN) == 1 && kcp_arq_field(k, KCP_F_RMT_WND) == 1024);
    CHECK(drain_count(k, 81) == 23 && kcp_arq_field(k, KCP_F_SND_NXT) == 40);
    kcp_arq_destroy(k);
}

/* More PUSHes than KCP_ACK_LIMIT between two flushes: the pending ACKs go out first. */
static void test_ack_limit(void) {
    kcp_arq *k = kcp_arq_create(5);
    kcp_arq_wndsize(k, 32, 4096);
    enum { N = 2 * KCP_ACK_LIMIT + 100 };
    uint8_t *dg = malloc((size_t)N * 24), *p = dg;
    for (uint32_t sn = 1; sn <= N; sn++) p = put_seg(p, 5, 81, 32, sn, sn, 0, NULL, 0); /* out of order */
    CHECK(kcp_arq_input(k, dg, (size_t)(p - dg), 1, 0, 7) == 0);
    CHECK(kcp_arq_field(k, KCP_F_ACKLIST) == N - 2 * KCP_ACK_LIMIT);
    CHECK(kcp_arq_field(k, KCP_F_OUT_SEGS) == 2 * KCP_ACK_LIMIT);
    CHECK(kcp_arq_field(k, KCP_F_RCV_BUF) == N);
    /* the early ACKs are the first 2048 in order, packed in full datagrams */
    uint32_t len = 0, sn = 1;
    int ordered = 1;
    for (uint32_t i = 0; i < kcp_arq_output_area(k)->count; i++) {
        const uint8_t *d = record(k, i, &len);
        CHECK(len <= 1400);
        for (uint32_t off = 0; off + 24 <= len; off += 24) ordered &= d[off + 4] == 82 && rd32(d + off + 12) == sn++;
    }
    CHECK(ordered && sn == 2 * KCP_ACK_LIMIT + 1);
    clear(k);
    /* a flood of old PUSHes: acked by one entry per limit (only the last is sent) */
    p = dg;
    for (uint32_t i = 0; i < N; i++) p = put_seg(p, 5, 81, 32, 9, 0xFFFFF000u + i, 0, NULL, 0);
    CHECK(kcp_arq_input(k, dg, (size_t)(p - dg), 1, 0, 8) == 0);
    CHECK(kcp_arq_field(k, KCP_F_ACKLIST) <= KCP_ACK_LIMIT);
    CHECK(kcp_arq_field(k, KCP_F_REPEAT_SEGS) == N);
    free(dg);
    kcp_arq_destroy(k);
}

/* Feeds one PUSH (sn, ts = 1000 + sn, una 0, "d") as a regular datagram; 0 on success. */
static int feed_push(kcp_arq *k, uint32_t sn, int ack_nodelay, uint32_t now) {
    uint8_t dg[25];
    put_seg(dg, (uint32_t)kcp_arq_field(k, KCP_F_CONV), 81, 1024, 1000 + sn, sn, 0, (const uint8_t *)"d", 1);
    return kcp_arq_input(k, dg, sizeof(dg), 1, ack_nodelay, now);
}

/* Checks that record `i` holds only ACKs for sn first .. first+n-1 (ts 1000 + sn), each carrying
 * una and wnd, after `reserved` zero bytes. */
static void check_ack_record(kcp_arq *k, uint32_t i, uint32_t reserved, uint32_t first, uint32_t n, uint32_t una,
                             uint16_t wnd) {
    uint32_t len = 0;
    const uint8_t *d = record(k, i, &len);
    CHECK_AT(d && len == reserved + 24 * n);
    if (!d || len != reserved + 24 * n) return;
    for (uint32_t b = 0; b < reserved; b++) CHECK_AT(d[b] == 0);
    for (uint32_t j = 0; j < n; j++) {
        const uint8_t *a = d + reserved + 24 * j;
        CHECK_AT(a[4] == 82 && rd16(a + 6) == wnd && rd32(a + 8) == 1000 + first + j &&
                 rd32(a + 12) == first + j && rd32(a + 16) == una && rd32(a + 20) == 0);
    }
}

/* ACK clocking: once an input leaves (mtu - reserved) / 24 ACKs pending they leave in an ACK-only
 * flush, from the state after the whole datagram; off (the default), nothing leaves before flush.
 * Nothing is read, so the window announced is 1024 - rcv_nxt. */
static void test_ack_clocking(void) {
    kcp_arq *k = kcp_arq_create(9);
    kcp_arq_nodelay(k, 1, 10, 2, 1);
    kcp_arq_wndsize(k, 128, 1024);
    CHECK(KCP_ACK_CLOCK_THRESHOLD(1400, 0) == 58 && KCP_ACK_CLOCK_THRESHOLD(1400, 20) == 57);
    CHECK(kcp_arq_field(k, KCP_F_ACK_CLOCKING) == 0);
    /* off: 100 PUSHes in 100 datagrams, no output until the flush, which sends only the last
     * ACK (kcp-go skips those below rcv_nxt: una covers them) */
    for (uint32_t sn = 0; sn < 100; sn++) CHECK(feed_push(k, sn, 0, 5) == 0);
    CHECK(kcp_arq_output_area(k)->count == 0 && kcp_arq_field(k, KCP_F_ACKLIST) == 100);
    kcp_arq_flush(k, 5);
    test_at("flushed, clocking off");
    check_ack_record(k, 0, 0, 99, 1, 100, 1024 - 100);
    clear(k);

    /* on, sn 100 missing (so every ACK is sent): a queued message and a due WINS stay behind;
     * the 58th PUSH sends 58 ACKs in one full datagram */
    kcp_arq_set_ack_clocking(k, 1);
    CHECK(kcp_arq_field(k, KCP_F_ACK_CLOCKING) == 1);
    CHECK(kcp_arq_send(k, (const uint8_t *)"reply", 5) == 0);
    CHECK(feed_seg(k, 1, 83, 1024, 0, 0, 0, 6) == 0); /* WASK: a WINS is due at the next flush */
    for (uint32_t sn = 101; sn < 158; sn++) CHECK(feed_push(k, sn, 0, 6) == 0);
    CHECK(kcp_arq_output_area(k)->count == 0 && kcp_arq_field(k, KCP_F_ACKLIST) == 57);
    CHECK(feed_push(k, 158, 0, 6) == 0);
    CHECK(kcp_arq_output_area(k)->count == 1 && kcp_arq_field(k, KCP_F_ACKLIST) == 0);
    test_at("clocked, reserved 0");
    check_ack_record(k, 0, 0, 101, 58, 100, 1024 - 100);
    CHECK(kcp_arq_field(k, KCP_F_PROBE) == 2 && kcp_arq_field(k, KCP_F_SND_QUEUE) == 1);
    CHECK(kcp_arq_field(k, KCP_F_OUT_SEGS) == 1 + 58);
    clear(k);
    kcp_arq_flush(k, 7);
    CHECK(drain_count(k, 84) == 1);
    CHECK(kcp_arq_field(k, KCP_F_SND_BUF) == 1);

    /* one datagram of 130 PUSHes: checked after the whole datagram, so all 130 leave, packed
     * 58 + 58 + 14 */
    uint8_t big[130 * 25], *p = big;
    for (uint32_t sn = 159; sn < 289; sn++) p = put_seg(p, 9, 81, 1024, 1000 + sn, sn, 0, (const uint8_t *)"d", 1);
    CHECK(kcp_arq_input(k, big, (size_t)(p - big), 1, 0, 8) == 0);
    CHECK(kcp_arq_output_area(k)->count == 3 && kcp_arq_field(k, KCP_F_ACKLIST) == 0);
    test_at("130 in one datagram");
    check_ack_record(k, 0, 0, 159, 58, 100, 1024 - 100);
    check_ack_record(k, 1, 0, 217, 58, 100, 1024 - 100);
    check_ack_record(k, 2, 0, 275, 14, 100, 1024 - 100);
    clear(k);

    /* the hole fills: one ACK pending is below the threshold */
    CHECK(feed_push(k, 100, 0, 8) == 0);
    CHECK(kcp_arq_output_area(k)->count == 0 && kcp_arq_field(k, KCP_F_RCV_NXT) == 289);
    kcp_arq_flush_acks(k, 8);
    test_at("hole filled");
    check_ack_record(k, 0, 0, 100, 1, 289, 1024 - 289);
    clear(k);

    /* reserved bytes count: with 20 of them, 57 ACKs fill a datagram (sn 289 missing) */
    CHECK(kcp_arq_reserve_bytes(k, 20) == 0);
    for (uint32_t sn = 290; sn < 346; sn++) CHECK(feed_push(k, sn, 0, 9) == 0);
    CHECK(kcp_arq_output_area(k)->count == 0);
    CHECK(feed_push(k, 346, 0, 9) == 0);
    CHECK(kcp_arq_output_area(k)->count == 1);
    test_at("clocked, reserved 20");
    check_ack_record(k, 0, 20, 290, 57, 289, 1024 - 289);
    clear(k);

    /* ack-nodelay flushes every input as before */
    CHECK(feed_push(k, 289, 1, 10) == 0);
    CHECK(kcp_arq_field(k, KCP_F_RCV_NXT) == 347);
    test_at("ack-nodelay");
    check_ack_record(k, 0, 20, 289, 1, 347, 1024 - 347);
    clear(k);

    /* in order, the clocked flush carries one ACK (the rest are below rcv_nxt) and the new una */
    for (uint32_t sn = 347; sn < 403; sn++) CHECK(feed_push(k, sn, 0, 11) == 0);
    CHECK(kcp_arq_output_area(k)->count == 0);
    CHECK(feed_push(k, 403, 0, 11) == 0);
    test_at("clocked, in order");
    check_ack_record(k, 0, 20, 403, 1, 404, 1024 - 404);
    clear(k);

    /* switched off, ACKs wait for the flush again */
    kcp_arq_set_ack_clocking(k, 0);
    for (uint32_t sn = 404; sn < 504; sn++) CHECK(feed_push(k, sn, 0, 12) == 0);
    CHECK(kcp_arq_output_area(k)->count == 0 && kcp_arq_field(k, KCP_F_ACKLIST) == 100);
    kcp_arq_destroy(k);
}

/* Sends `count` segments of `size` bytes at `now` and acks them all at now + 1. */
static void send_all_acked(kcp_arq *k, uint32_t count, uint32_t size, uint32_t now) {
    uint8_t *data = calloc(1, size);
    for (uint32_t i = 0; i < count; i++) CHECK(kcp_arq_send(k, data, size) == 0);
    kcp_arq_flush(k, now);
    CHECK(kcp_arq_field(k, KCP_F_SND_NXT) - kcp_arq_field(k, KCP_F_SND_UNA) == count);
    clear(k);
    CHECK(feed_seg(k, 1, 82, 4096, now, 0, (uint32_t)kcp_arq_field(k, KCP_F_SND_NXT), now + 1) == 0);
    CHECK(kcp_arq_wait_snd(k) == 0);
    clear(k);
    free(data);
}

/* Received segments hold what their payload needs; the pool keeps what an interval uses. */
static void test_buffer_memory(void) {
    kcp_arq *k = kcp_arq_create(9);
    kcp_arq_wndsize(k, 2048, 1024);
    kcp_arq_nodelay(k, 1, 10, 2, 1);
    uint8_t dg[24 + 1400], data[1400];
    memset(data, 7, sizeof(data));
    for (uint32_t sn = 1; sn <= 500; sn++) CHECK(feed_seg(k, 1, 81, 4096, 0, sn, 0, 0) == 0);
    CHECK(kcp_arq_field(k, KCP_F_RCV_BUF) == 500 && kcp_arq_field(k, KCP_F_DATA_BYTES) == 0);
    for (uint32_t sn = 501; sn <= 1000; sn++) {
        uint8_t *end = put_seg(dg, 9, 81, 4096, 0, sn, 0, data, sn % 3);
        CHECK(kcp_arq_input(k, dg, (size_t)(end - dg), 1, 0, 0) == 0);
    }
    CHECK(kcp_arq_field(k, KCP_F_DATA_BYTES) == 499); /* 0, 1 and 2 bytes in turn */
    uint8_t *end = put_seg(dg, 9, 81, 4096, 0, 0, 0, data, 10);
    CHECK(kcp_arq_input(k, dg, (size_t)(end - dg), 1, 0, 0) == 0);
    CHECK(kcp_arq_field(k, KCP_F_RCV_QUEUE) == 1001);
    uint8_t out[64];
    while (kcp_arq_recv(k, out, sizeof(out)) >= 0) {
    }
    CHECK(kcp_arq_field(k, KCP_F_DATA_BYTES) == 0 && kcp_arq_field(k, KCP_F_POOL_BYTES) == 509);
    kcp_arq_flush(k, 5); /* within the interval: kept */
    CHECK(kcp_arq_field(k, KCP_F_POOL_BYTES) == 509);
    kcp_arq_flush(k, 10); /* an interval on: 334 buffers taken since the start, all kept */
    CHECK(kcp_arq_field(k, KCP_F_POOL_BYTES) == 509);
    kcp_arq_flush(k, 20); /* an interval without takes: the newest 16, sizes 1 and 2 in turn */
    CHECK(kcp_arq_field(k, KCP_F_POOL_BYTES) == 8 * (1 + 2));
    clear(k);

    /* a bulk transfer: what the interval took is kept, then dropped once idle */
    send_all_acked(k, 300, 1376, 25);
    CHECK(kcp_arq_field(k, KCP_F_DATA_BYTES) == 0);
    CHECK(kcp_arq_field(k, KCP_F_POOL_BYTES) == 8 * 3 + 300 * 1376);
    kcp_arq_flush(k, 30);
    CHECK(kcp_arq_field(k, KCP_F_POOL_BYTES) == 300 * 1376);
    kcp_arq_flush(k, 40);
    CHECK(kcp_arq_field(k, KCP_F_POOL_BYTES) == 16 * 1376);
    send_all_acked(k, 1100, 1376, 45); /* at most 1024 buffers */
    CHECK(kcp_arq_field(k, KCP_F_POOL_BYTES) == 1024 * 1376);
    kcp_arq_flush(k, 50);
    CHECK(kcp_arq_field(k, KCP_F_POOL_BYTES) == 1024 * 1376);
    kcp_arq_flush(k, 60);
    CHECK(kcp_arq_field(k, KCP_F_POOL_BYTES) == 16 * 1376);
    clear(k);
    /* a received full segment reuses a pooled buffer; a small one gets its own */
    uint32_t rcv = (uint32_t)kcp_arq_field(k, KCP_F_RCV_NXT);
    end = put_seg(dg, 9, 81, 4096, 0, rcv, 0, data, 1376);
    CHECK(kcp_arq_input(k, dg, (size_t)(end - dg), 1, 0, 61) == 0);
    CHECK(kcp_arq_field(k, KCP_F_POOL_BYTES) == 15 * 1376 && kcp_arq_field(k, KCP_F_DATA_BYTES) == 1376);
    end = put_seg(dg, 9, 81, 4096, 0, rcv + 1, 0, data, 100);
    CHECK(kcp_arq_input(k, dg, (size_t)(end - dg), 1, 0, 61) == 0);
    CHECK(kcp_arq_field(k, KCP_F_POOL_BYTES) == 15 * 1376 && kcp_arq_field(k, KCP_F_DATA_BYTES) == 1476);

    /* jumbo buffers: an idle pool keeps at most 64 KiB */
    CHECK(kcp_arq_set_mtu(k, 9000) == 0);
    send_all_acked(k, 20, 8976, 65);
    kcp_arq_flush(k, 70);
    kcp_arq_flush(k, 80);
    CHECK(kcp_arq_field(k, KCP_F_POOL_BYTES) == 7 * 8976);
    kcp_arq_destroy(k);
}

int main(void) {
    test_wire_example();
    test_errors();
    test_lossy_transfer();
    test_rto_and_dead_link();
    test_zero_window_probe();
    test_initial_flight();
    test_ack_limit();
    test_ack_clocking();
    test_buffer_memory();
    return test_finish("test_arq");
}
