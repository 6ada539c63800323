/*
 * libFuzzer target for batched UDP sends and receives: arbitrary lengths (runs, shorter tails,
 * empty and oversized datagrams) sent over loopback with and without GSO, and received with
 * recvmmsg, one datagram at a time or with GRO's coalesced messages. The sender must read
 * exactly the bytes it was given (ASan sees the batch as one exact allocation), and every
 * datagram it reports sent must arrive whole and in order. Runs are checked against their
 * definition.
 *
 * Input: [flags: bit 0 GSO, bit 1 GRO, bit 2 recv() per datagram][count]
 * [then per datagram: len lo, len hi][bytes...], lengths mod 3000; the remaining bytes,
 * repeated, fill the datagrams.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kcp/udp.h"
#include "test_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_runs(const uint16_t *lens, int count, int max_segments, int max_bytes) {
    for (int i = 0; i < count;) {
        int n = kcp_udp_run_length(lens + i, count - i, max_segments, max_bytes);
        REQUIRE(n >= 1 && n <= count - i);
        if (n > 1) {
            REQUIRE(n <= max_segments);
            long total = 0;
            for (int k = 0; k < n; k++) total += lens[i + k];
            REQUIRE(total <= max_bytes);
            for (int k = 1; k < n - 1; k++) REQUIRE(lens[i + k] == lens[i]);
            REQUIRE(lens[i + n - 1] <= lens[i] && lens[i + n - 1] > 0);
        }
        i += n;
    }
}

#if defined(__linux__)
#include "udp_pair.h"

static udp_pair pair;
static int pair_ready;
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    reader r = {data, size};
    int mode = u8(&r);
    int flags = mode & KCP_UDP_GSO;
    int count = u8(&r) % 80;
    uint16_t lens[80];
    size_t total = 0;
    for (int i = 0; i < count; i++) {
        lens[i] = (uint16_t)(u16(&r) % 3000);
        total += lens[i];
    }
    check_runs(lens, count, KCP_UDP_MAX_SEGMENTS, KCP_UDP_MAX_RUN_BYTES);
    check_runs(lens, count, 1 + (int)(total % 7), (int)(total % 5000));
#if defined(__linux__)
    if (!pair_ready) {
        REQUIRE(udp_pair_open(&pair, AF_INET));
        pair_ready = 1;
    }
    /* GRO is decided when a datagram is queued, and its cut reported only while GRO is on:
     * set before sending. recv() per datagram cannot cut coalesced messages: GRO off. */
    /* a kernel without UDP GRO (before 5.0) refuses the option: then every message is one datagram */
    int gro_set = kcp_udp_set_gro(pair.receiver, (mode & 6) == 2);
    REQUIRE(gro_set == 0 || gro_set == -ENOPROTOOPT);
    uint8_t *batch = xmalloc(total);
    for (size_t i = 0; i < total; i++) batch[i] = r.n ? r.p[i % r.n] : (uint8_t)i;
    int error = 1;
    int sent = kcp_udp_send(pair.sender, batch, lens, count, pair.address, pair.address_len, &flags, &error);
    REQUIRE(sent >= 0 && sent <= count);
    REQUIRE((sent == count) == (error == 0));
    if (mode & 4) {
        static uint8_t buf[4096];
        size_t at = 0;
        for (int i = 0; i < sent; i++) {
            int got = udp_pair_receive(&pair, buf, sizeof buf);
            REQUIRE(got == lens[i]);
            REQUIRE(memcmp(buf, batch + at, lens[i]) == 0);
            at += lens[i];
        }
    } else {
        uint8_t *got = xmalloc(total + 1);
        uint16_t got_lens[80];
        size_t sent_bytes = 0;
        for (int i = 0; i < sent; i++) sent_bytes += lens[i];
        REQUIRE(udp_pair_receive_batch(&pair, sent, got, total + 1, got_lens) == sent);
        for (int i = 0; i < sent; i++) REQUIRE(got_lens[i] == lens[i]);
        REQUIRE(memcmp(got, batch, sent_bytes) == 0);
        free(got);
    }
    free(batch);
#endif
    return 0;
}
