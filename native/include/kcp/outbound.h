/*
 * The sending half of a session after the ARQ, in C: turns the records of an ARQ output area
 * (see arq.h) into wire datagrams, as kcp-go 5.6.1's output does. Per datagram:
 *
 *   - with FEC, the data shard header (seqid, 0xF1, size) and a copy for the group's parity;
 *     after every data_shards datagrams, the group's parity_shards parity datagrams
 *     (seqid, 0xF2), as long as the group's longest datagram, RS-coded from the size field on;
 *   - with a crypto header, the CRC-32 of everything after it at bytes 16..20. The nonce
 *     (bytes 0..16) and the encryption are the caller's: ciphers live in Java.
 *
 * Datagrams are written end to end into the caller's kcp_wire, in sending order: every data
 * datagram 1 + duplicates times (identical copies), parity once. The layout of the headers is
 * docs/wire.md's; io.kcp.wire.OutboundPipeline is the Java twin and gives the same bytes.
 *
 * Nothing here allocates after kcp_outbound_new, and no function calls back into its caller.
 */
#ifndef KCP_OUTBOUND_H
#define KCP_OUTBOUND_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KCP_CRYPTO_HEADER 20   /* 16 bytes of nonce, then the CRC-32 */
#define KCP_FEC_HEADER 8       /* u32 seqid, u16 type, u16 size (data shards) */
#define KCP_FEC_TYPE_DATA 0xF1
#define KCP_FEC_TYPE_PARITY 0xF2
#define KCP_OUTBOUND_MAX_DATAGRAM 65535

typedef struct kcp_outbound kcp_outbound;

/* Where kcp_outbound_encode writes: `count` datagrams of lens[i] bytes laid end to end from
 * data, `len` bytes in all. The caller owns the memory and sets count and len (usually 0). */
typedef struct kcp_wire {
    uint8_t *data;
    size_t cap;     /* bytes at data */
    uint16_t *lens;
    int lens_cap;   /* entries at lens */
    int count;
    size_t len;
} kcp_wire;

/*
 * crypto_header: 0 or KCP_CRYPTO_HEADER. FEC is on when both shard counts are positive
 * (kcp-go's rule), with data_shards + parity_shards <= 256. max_datagram: the longest datagram
 * accepted, header room included (at most KCP_OUTBOUND_MAX_DATAGRAM). NULL when the shape is
 * impossible or memory ran out.
 */
kcp_outbound *kcp_outbound_new(int crypto_header, int data_shards, int parity_shards,
                               int max_datagram);
void kcp_outbound_free(kcp_outbound *o);

/* The bytes the ARQ must keep free at the front of each datagram: crypto_header, plus 8 with FEC. */
int kcp_outbound_reserve(const kcp_outbound *o);

/* Every data datagram goes out n more times (kcp-go's SetDUP); n < 0 is taken as 0. */
void kcp_outbound_set_duplicates(kcp_outbound *o, int n);

/* The seqid the next data shard gets, and a setter (to test the wrap). */
uint32_t kcp_outbound_next_seqid(const kcp_outbound *o);
void kcp_outbound_set_next_seqid(kcp_outbound *o, uint32_t seqid);

/* Upper bounds of what encoding `count` records of `records_len` bytes in all may append:
 * a wire with this much room never makes kcp_outbound_encode return -2. */
size_t kcp_outbound_bytes_bound(const kcp_outbound *o, size_t records_len, int count);
int kcp_outbound_datagrams_bound(const kcp_outbound *o, int count);

/*
 * Appends the wire datagrams of `count` records ([u32 LE length][datagram]) read from
 * records[0, records_len). The records are not modified. Returns 0; -1 when a record runs past
 * records_len or its datagram is shorter than the reserve or longer than max_datagram; -2 when
 * the wire is full. After an error the wire holds the datagrams of the records before the bad
 * one, and an unfinished FEC group may hold part of it: the encoder is then unusable.
 */
int kcp_outbound_encode(kcp_outbound *o, const uint8_t *records, size_t records_len, int count,
                        kcp_wire *wire);

#ifdef __cplusplus
}
#endif

#endif
