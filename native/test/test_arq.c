/* ctest: the C ARQ kernel against kcp-go facts (WIRE.md §2) and a lossy loopback transfer. */
#include "kcp/arq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            failures++;                                                              \
        }                                                                            \
    } while (0)

static uint32_t rd32(const uint8_t *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

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
    /* WIRE.md §2: conv 0x7aa6ad5a, PUSH, wnd 1024, ts 4, sn 0, una 0, "hello kcp" */
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

int main(void) {
    test_wire_example();
    test_errors();
    test_lossy_transfer();
    test_rto_and_dead_link();
    if (failures) {
        fprintf(stderr, "test_arq: %d failures\n", failures);
        return 1;
    }
    printf("test_arq: all checks passed\n");
    return 0;
}
