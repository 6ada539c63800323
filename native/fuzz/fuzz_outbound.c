/*
 * libFuzzer target for kcp_outbound_encode: arbitrary record bytes (lengths that lie, run past
 * the end, undercut the header room or exceed the maximum) under every encoder shape, into a
 * wire that is either sized by the bounds or arbitrarily small. ASan checks every read and
 * write; the target checks the results: a wire sized by the bounds is never full, the wire
 * never holds more than its room, and a successful call's datagrams are the records' bytes
 * behind their headers, with FEC parity as long as its group's longest datagram.
 *
 * Input: [flags: bit 0 crypto header, bit 1 FEC, bit 2 small wire, bits 3-4 duplicates]
 * [ds][ps][max lo][max hi][wire lo][wire hi][count][records: u32 LE length, bytes...]
 * The records are the rest of the input, passed as they are.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kcp/outbound.h"
#include "test_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    reader r = {data, size};
    int flags = u8(&r);
    int crypto = flags & 1 ? KCP_CRYPTO_HEADER : 0;
    int ds = (flags & 2) ? 1 + u8(&r) % 32 : 0;
    int ps = (flags & 2) ? 1 + u8(&r) % 8 : 0;
    if (!(flags & 2)) {
        u8(&r);
        u8(&r);
    }
    int max = 28 + u16(&r) % 3000;
    size_t small = u16(&r);
    int count = u8(&r);
    int dup = (flags >> 3) & 3;
    kcp_outbound *o = kcp_outbound_new(crypto, ds, ps, max);
    int reserve = crypto + (ds ? KCP_FEC_HEADER : 0);
    if (max < reserve) {
        REQUIRE(o == NULL);
        return 0;
    }
    REQUIRE(o != NULL);
    kcp_outbound_set_duplicates(o, dup);

    /* the records: an exact allocation, so that ASan sees every read past them */
    uint8_t *records = xmalloc(r.n);
    memcpy(records, r.p, r.n);
    size_t records_len = r.n;

    size_t cap = flags & 4 ? small : kcp_outbound_bytes_bound(o, records_len, count);
    int lens_cap = flags & 4 ? (int)(small % 97) : kcp_outbound_datagrams_bound(o, count);
    kcp_wire w = {xmalloc(cap), cap, xmalloc(sizeof(uint16_t) * (size_t)(lens_cap + 1)), lens_cap, 0, 0};
    int rc = kcp_outbound_encode(o, records, records_len, count, &w);
    REQUIRE(rc == 0 || rc == -1 || rc == -2);
    REQUIRE(w.len <= cap && w.count <= lens_cap);
    if (!(flags & 4)) REQUIRE(rc != -2);
    size_t total = 0;
    for (int i = 0; i < w.count; i++) total += w.lens[i];
    REQUIRE(total == w.len);

    if (rc == 0) {
        /* each record, its copies, then after each finished group ps parity datagrams */
        size_t at = 0, out = 0;
        int k = 0, in_group = 0, longest = 0;
        for (int i = 0; i < count; i++) {
            uint32_t len = rd32(records + at);
            at += 4;
            for (int c = 0; c <= dup; c++, k++) {
                REQUIRE(k < w.count && w.lens[k] == len);
                REQUIRE(memcmp(w.data + out + reserve, records + at + reserve, len - (uint32_t)reserve) == 0);
                out += len;
            }
            at += len;
            if (ds) {
                if ((int)len > longest) longest = (int)len;
                if (++in_group == ds) {
                    for (int p = 0; p < ps; p++, k++) {
                        REQUIRE(k < w.count && w.lens[k] == longest);
                        REQUIRE(rd16(w.data + out + crypto + 4) == KCP_FEC_TYPE_PARITY);
                        out += (size_t)longest;
                    }
                    in_group = 0;
                    longest = 0;
                }
            }
        }
        REQUIRE(k == w.count);
    }
    free(w.data);
    free(w.lens);
    free(records);
    kcp_outbound_free(o);
    return 0;
}
