/*
 * Batched UDP sends: how runs are cut (against a plain reference over every short list of
 * lengths), then real batches over loopback, with and without GSO, on IPv4 and on a dual-stack
 * IPv6 socket: every datagram arrives whole, in order, and nothing else arrives.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kcp/udp.h"
#include "test_support.h"

/* The definition: equal sizes, then at most one shorter but non-empty datagram, within both
 * limits; an empty datagram alone. */
static int reference_run(const uint16_t *lens, int count, int max_segments, int max_bytes) {
    int n = 1;
    long total = lens[0];
    while (n < count && n < max_segments && lens[0] > 0 && lens[n] > 0 && lens[n] <= lens[0]
           && total + lens[n] <= max_bytes
           && lens[n - 1] == lens[0]) {
        total += lens[n];
        n++;
    }
    return n;
}

static void test_run_length(void) {
    /* every list of up to 6 lengths from {0, 1, 2, 3}, under a few limits */
    uint16_t lens[6];
    for (int count = 1; count <= 6; count++) {
        int combos = 1;
        for (int i = 0; i < count; i++) combos *= 4;
        for (int c = 0; c < combos; c++) {
            for (int i = 0, v = c; i < count; i++, v /= 4) lens[i] = (uint16_t)(v % 4);
            for (int segs = 1; segs <= 7; segs += 2) {
                for (int bytes = 0; bytes <= 12; bytes += 3) {
                    test_at("count %d combo %d segs %d bytes %d", count, c, segs, bytes);
                    CHECK_AT(kcp_udp_run_length(lens, count, segs, bytes)
                             == reference_run(lens, count, segs, bytes));
                }
            }
        }
    }
    uint16_t full[100];
    for (int i = 0; i < 100; i++) full[i] = 1400;
    CHECK(kcp_udp_run_length(full, 100, KCP_UDP_MAX_SEGMENTS, KCP_UDP_MAX_RUN_BYTES) == 46);
    CHECK(kcp_udp_run_length(full, 100, KCP_UDP_MAX_SEGMENTS, 1 << 30) == KCP_UDP_MAX_SEGMENTS);
}

#if defined(__linux__)
#include "udp_pair.h"

/* A batch of n datagrams with lengths mostly equal (runs), some shorter, each filled with a
 * pattern that names it; sent with the given flags and received back one by one. */
/* receive_mode: 0 recv() per datagram, 1 kcp_udp_receive, 2 kcp_udp_receive with GRO on */
static int check_batch(udp_pair *p, int n, int flags_in, int receive_mode, const char *label) {
    uint16_t *lens = xmalloc(sizeof *lens * (size_t)n);
    size_t total = 0;
    for (int i = 0; i < n; i++) {
        int r = (int)rnd_below(10);
        lens[i] = (uint16_t)(r < 6 ? 1400 : r < 8 ? rnd_below(1400) : r == 8 ? 0 : rnd_below(2000));
        total += lens[i];
    }
    uint8_t *data = xmalloc(total);
    fill_random(data, total);
    int flags = flags_in, error = 1;
    int sent = kcp_udp_send(p->sender, data, lens, n, p->address, p->address_len, &flags, &error);
    test_at("%s, %d datagrams", label, n);
    CHECK_AT(sent == n);
    CHECK_AT(error == 0);
    if (receive_mode == 0) {
        uint8_t buf[4096];
        size_t at = 0;
        for (int i = 0; i < sent; i++) {
            int got = udp_pair_receive(p, buf, sizeof buf);
            test_at("%s, datagram %d of %d", label, i, n);
            CHECK_AT(got == lens[i]);
            CHECK_AT(got == lens[i] && memcmp(buf, data + at, lens[i]) == 0);
            at += lens[i];
        }
    } else {
        uint8_t *got = xmalloc(total + 1);
        uint16_t *got_lens = xmalloc(sizeof *got_lens * (size_t)n);
        int k = udp_pair_receive_batch(p, sent, got, total + 1, got_lens);
        CHECK_AT(k == sent);
        for (int i = 0; i < k && i < sent; i++) {
            test_at("%s, datagram %d of %d", label, i, n);
            CHECK_AT(got_lens[i] == lens[i]);
        }
        CHECK_AT(k == sent && memcmp(got, data, total) == 0);
        free(got);
        free(got_lens);
    }
    free(lens);
    free(data);
    return flags;
}

static void test_send(int family, const char *name) {
    udp_pair p;
    if (!udp_pair_open(&p, family)) {
        CHECK(family == AF_INET6); /* IPv4 loopback must work; IPv6 may be off here */
        printf("  %s: no socket of that family here\n", name);
        return;
    }
    char label[64];
    int gso_kept = KCP_UDP_GSO;
    int gro = kcp_udp_set_gro(p.receiver, 0) == 0; /* the kernel knows the option */
    printf("  %s: GRO %s\n", name, gro ? "available" : "not available");
    for (int round = 0; round < 20; round++) {
        int n = 1 + (int)rnd_below(200);
        snprintf(label, sizeof label, "%s gso", name);
        gso_kept &= check_batch(&p, n, KCP_UDP_GSO, 0, label);
        snprintf(label, sizeof label, "%s plain", name);
        check_batch(&p, n, 0, 0, label);
        snprintf(label, sizeof label, "%s gso, recvmmsg", name);
        check_batch(&p, n, KCP_UDP_GSO, 1, label);
        if (gro) {
            CHECK(kcp_udp_set_gro(p.receiver, 1) == 0);
            snprintf(label, sizeof label, "%s gso, recvmmsg + gro", name);
            check_batch(&p, n, KCP_UDP_GSO, 2, label);
            snprintf(label, sizeof label, "%s plain, recvmmsg + gro", name);
            check_batch(&p, n, 0, 2, label);
            CHECK(kcp_udp_set_gro(p.receiver, 0) == 0);
        }
    }
    /* nothing waiting: EAGAIN, not an error of the socket */
    {
        uint8_t slot[64];
        struct kcp_udp_message m;
        int error = 0;
        CHECK(kcp_udp_receive(p.receiver, slot, sizeof slot, 1, &m, &error) == 0);
        CHECK(error == -EAGAIN);
        /* a message longer than its slot is cut and says so */
        uint16_t len = 100;
        uint8_t hundred[100];
        memset(hundred, 7, sizeof hundred);
        int flags = 0;
        CHECK(kcp_udp_send(p.sender, hundred, &len, 1, p.address, p.address_len, &flags, &error) == 1);
        CHECK(udp_pair_wait(&p));
        CHECK(kcp_udp_receive(p.receiver, slot, sizeof slot, 1, &m, &error) == 1);
        CHECK(m.length == 64 && (m.flags & KCP_UDP_TRUNCATED) && m.segment == 0 && m.address_length > 0);
    }
    printf("  %s: GSO %s; %ld received messages held several datagrams (GRO)\n", name,
           gso_kept ? "used" : "refused by this kernel (sent without)", *udp_pair_coalesced());
    /* an empty batch sends nothing and is not an error */
    int flags = KCP_UDP_GSO, error = 1;
    CHECK(kcp_udp_send(p.sender, NULL, NULL, 0, p.address, p.address_len, &flags, &error) == 0);
    CHECK(error == 0);
    /* a bad address length is the first datagram's error, and nothing leaves */
    uint16_t one = 10;
    uint8_t ten[10] = {0};
    CHECK(kcp_udp_send(p.sender, ten, &one, 1, p.address, 3, &flags, &error) == 0);
    CHECK(error == -EINVAL);
    /* the addresses this socket cannot reach */
    uint8_t v6[16] = {0};
    v6[15] = 1;
    uint8_t out[KCP_UDP_ADDRESS_SIZE];
    if (family == AF_INET) CHECK(kcp_udp_address(p.sender, v6, 16, 1, 0, out) == -EAFNOSUPPORT);
    CHECK(kcp_udp_address(p.sender, v6, 5, 1, 0, out) == -EINVAL);
    CHECK(kcp_udp_address(p.sender, v6, 16, 70000, 0, out) == -EINVAL);
    int d = kcp_udp_dup(p.sender);
    CHECK(d >= 0 && d != p.sender);
    kcp_udp_close(d);
    udp_pair_close(&p);
}
#endif

int main(void) {
    rnd_seed(20261203);
    test_run_length();
#if defined(__linux__)
    CHECK(kcp_udp_supported() == 1);
    test_send(AF_INET, "IPv4");
    test_send(AF_INET6, "IPv6 dual-stack, IPv4 peer");
#else
    CHECK(kcp_udp_supported() == 0);
    int flags = KCP_UDP_GSO, error = 0;
    CHECK(kcp_udp_send(0, NULL, NULL, 1, NULL, 0, &flags, &error) == 0 && error != 0);
#endif
    return test_finish("test_udp");
}
