/*
 * The KCP ARQ state machine with kcp-go 5.6.1 semantics.
 *
 * Time is always an argument (`now`, u32 milliseconds, wrapping); the kernel never reads a clock.
 * Every datagram that a flush produces (including the flushes that input and flush_acks run)
 * is appended to the instance's output area as a record:
 *
 *     [u32 LE length][length bytes: `reserved` zero bytes, then KCP segments]
 *
 * The caller drains the records and resets `len` and `count` to zero. The output area is
 * shared memory: the JNI layer lets Java read it, and write the two counters, directly.
 * No function here calls back into its caller.
 */
#ifndef KCP_ARQ_H
#define KCP_ARQ_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The native library's ABI: bumped whenever a signature (ARQ, Reed-Solomon or JNI), the
 * output layout or the field list changes. */
#define KCP_ABI_VERSION 6

#define KCP_OVERHEAD 24
#define KCP_MAX_FRAGMENTS 255
/* Pending ACKs an instance holds; input emits them (an ACK-only flush) before taking more. */
#define KCP_ACK_LIMIT 1024
/* With ACK clocking on, an input that leaves at least this many ACKs pending emits them at once
 * (an ACK-only flush): as many as one datagram holds. Never less than 1. */
#define KCP_ACK_CLOCK_THRESHOLD(mtu, reserved) (((mtu) - (reserved)) / KCP_OVERHEAD)

typedef struct kcp_arq kcp_arq;

/* Fixed layout (read by Java at these byte offsets): data 0, len 8, cap 12, count 16. */
typedef struct kcp_arq_output {
    uint8_t *data;  /* records, see above */
    uint32_t len;   /* bytes of records */
    uint32_t cap;   /* bytes allocated at data */
    uint32_t count; /* number of records */
    uint32_t oom;   /* set when a growth failed: output was truncated, the instance is unusable */
} kcp_arq_output;

/* Observable state, in this order (Java's ArqField mirrors it; the count is checked at load).
 * RMT_WND_KNOWN is 1 once a regular packet has set rmt_wnd; ACK_CLOCKING is 1 while ACK clocking
 * is on; DATA_BYTES are the bytes of the payload buffers the queued segments hold, POOL_BYTES
 * those kept for reuse. */
enum kcp_arq_field {
    KCP_F_CONV, KCP_F_MTU, KCP_F_MSS, KCP_F_STATE,
    KCP_F_SND_UNA, KCP_F_SND_NXT, KCP_F_RCV_NXT, KCP_F_SSTHRESH,
    KCP_F_RX_RTTVAR, KCP_F_RX_SRTT, KCP_F_RX_RTO, KCP_F_RX_MINRTO,
    KCP_F_SND_WND, KCP_F_RCV_WND, KCP_F_RMT_WND, KCP_F_RMT_WND_KNOWN, KCP_F_CWND, KCP_F_PROBE,
    KCP_F_INTERVAL, KCP_F_NODELAY, KCP_F_TS_PROBE, KCP_F_PROBE_WAIT, KCP_F_DEAD_LINK,
    KCP_F_INCR, KCP_F_FASTRESEND, KCP_F_NOCWND, KCP_F_STREAM, KCP_F_ACK_CLOCKING, KCP_F_RESERVED,
    KCP_F_SND_QUEUE, KCP_F_RCV_QUEUE, KCP_F_SND_BUF, KCP_F_RCV_BUF, KCP_F_ACKLIST,
    KCP_F_DATA_BYTES, KCP_F_POOL_BYTES,
    KCP_F_OUT_SEGS, KCP_F_IN_SEGS, KCP_F_RETRANS_SEGS, KCP_F_FAST_RETRANS_SEGS,
    KCP_F_EARLY_RETRANS_SEGS, KCP_F_LOST_SEGS, KCP_F_REPEAT_SEGS,
    KCP_F_COUNT
};

/* NULL when out of memory. */
kcp_arq *kcp_arq_create(uint32_t conv);
void kcp_arq_destroy(kcp_arq *kcp);
kcp_arq_output *kcp_arq_output_area(kcp_arq *kcp);

/* 0 queued; -1 empty; -2 more than 255 fragments; -3 out of memory. In stream mode a leading
 * part may already have been appended to the last queued segment when -2 is returned. */
int kcp_arq_send(kcp_arq *kcp, const uint8_t *data, size_t len);
/* Bytes copied; -1 nothing complete to read; -2 cap smaller than peek_size. */
int kcp_arq_recv(kcp_arq *kcp, uint8_t *dst, size_t cap);
int kcp_arq_peek_size(const kcp_arq *kcp);
/* 0 ok; -1 too short or conv mismatch; -2 truncated segment; -3 unknown cmd; -4 out of memory.
 * `data` must not point into this instance's output area, which input may grow (it flushes). */
int kcp_arq_input(kcp_arq *kcp, const uint8_t *data, size_t len, int regular, int ack_nodelay,
                  uint32_t now);
/* Returns the milliseconds until the next flush is needed. */
uint32_t kcp_arq_flush(kcp_arq *kcp, uint32_t now);
void kcp_arq_flush_acks(kcp_arq *kcp, uint32_t now);

/* 0 ok; -1 rejected (mtu < 50, or no room left after the reserved bytes). */
int kcp_arq_set_mtu(kcp_arq *kcp, int mtu);
/* 0 ok; -1 rejected (n < 0 or n >= mtu - 24). */
int kcp_arq_reserve_bytes(kcp_arq *kcp, int n);
/* Negative arguments leave a setting unchanged; interval is clamped to 10..5000. */
void kcp_arq_nodelay(kcp_arq *kcp, int nodelay, int interval, int resend, int nc);
/* Sets rx_minrto directly (nodelay resets it to 30 or 100); values <= 0 are ignored. */
void kcp_arq_set_minrto(kcp_arq *kcp, int minrto);
/* Values <= 0 leave a window unchanged. */
void kcp_arq_wndsize(kcp_arq *kcp, int snd_wnd, int rcv_wnd);
void kcp_arq_set_stream(kcp_arq *kcp, int on);
/* ACK clocking (off in a new instance, which keeps kcp-go 5.6.1's timing): when on, an input that
 * neither slid the send window nor ran the ack_nodelay flush, and leaves at least
 * KCP_ACK_CLOCK_THRESHOLD(mtu, reserved) ACKs pending, ends with an ACK-only flush. */
void kcp_arq_set_ack_clocking(kcp_arq *kcp, int on);
int kcp_arq_wait_snd(const kcp_arq *kcp);

/* u32 fields zero-extended, signed ones sign-extended, counters as u64. -1 for unknown fields. */
int64_t kcp_arq_field(const kcp_arq *kcp, int field);
/* FNV-1a style digest over every queued segment and the ACK list (see DIGEST in arq.c). */
uint64_t kcp_arq_digest(const kcp_arq *kcp);

#ifdef __cplusplus
}
#endif
#endif
