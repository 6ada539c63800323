/*
 * Batched UDP sends and receives. Sending, the datagrams of one flush, laid end to end in one
 * buffer, leave in as few system calls as the kernel allows: on Linux, runs of equal-size
 * datagrams go out as one UDP GSO message each (UDP_SEGMENT: the kernel cuts them back into
 * datagrams), and several messages share one sendmmsg. Receiving, one recvmmsg takes many
 * messages, and with UDP GRO a message may carry a run of datagrams that was never cut.
 * Elsewhere kcp_udp_supported() is 0 and the caller keeps its portable path.
 *
 * Loopback, 1400-byte datagrams: one sendto each reaches about 250k datagrams/s; GSO about
 * 950k/s. The copy into the batch buffer costs far less than the system calls it saves.
 */
#ifndef KCP_UDP_H
#define KCP_UDP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Linux's UDP_MAX_SEGMENTS in the oldest kernels that have GSO (4.18): a run is cut there. */
#define KCP_UDP_MAX_SEGMENTS 64
/* A GSO message is one IP datagram before the cut: its payload must fit in 65507 bytes. */
#define KCP_UDP_MAX_RUN_BYTES 65507
/* The longest datagram a batch may hold (kcp-go takes up to 1500; IPv4's UDP limit). */
#define KCP_UDP_MAX_DATAGRAM 65507
/* Room for a struct sockaddr_in6, the largest address kcp_udp_address writes. */
#define KCP_UDP_ADDRESS_SIZE 28

/* kcp_udp_send's flags. */
#define KCP_UDP_GSO 1 /* try UDP_SEGMENT for runs; off after the kernel refused it once */

/* 1 when this build can send batches (Linux), else 0. */
int kcp_udp_supported(void);

/*
 * The length of the run that starts at lens[0] (count > 0 datagrams left): the datagrams that
 * one GSO message can carry. All but the last have lens[0] bytes, the last may be shorter but
 * not empty; at most max_segments of them and at most max_bytes in total. Always at least 1, so
 * a datagram longer than max_bytes, or an empty one, is a run of its own. A pure function, for
 * tests and fuzzing.
 */
int kcp_udp_run_length(const uint16_t *lens, int count, int max_segments, int max_bytes);

/*
 * Writes the socket address for ip (4 or 16 bytes) and port, in the family of socket fd (an
 * IPv4 address becomes IPv4-mapped on an IPv6 socket), into out (KCP_UDP_ADDRESS_SIZE bytes).
 * Returns the address length, or a negative errno: -EAFNOSUPPORT for an IPv6 address on an
 * IPv4 socket, -EINVAL for a bad ip_len, or getsockname's error.
 */
int kcp_udp_address(int fd, const uint8_t *ip, int ip_len, int port, uint32_t scope_id, void *out);

/*
 * Sends count datagrams, laid end to end from data (datagram i has lens[i] bytes), to addr on
 * socket fd, in order. *flags carries KCP_UDP_GSO in and out: it is cleared when the kernel
 * refuses GSO, and the datagrams are then resent without it.
 *
 * Returns how many datagrams left (from the first one on), 0..count. A short count means the
 * first datagram not sent failed with the negative errno written to *error (-EAGAIN when a
 * non-blocking socket's buffer is full); *error is 0 when all were sent. Never blocks longer
 * than the socket does.
 */
int kcp_udp_send(int fd, const uint8_t *data, const uint16_t *lens, int count, const void *addr,
                 int addr_len, int *flags, int *error);

/* One received message, as kcp_udp_receive describes it (48 bytes, no padding surprises). */
struct kcp_udp_message {
    int32_t length;   /* bytes in the message's slot */
    int32_t segment;  /* GRO: the size of the datagrams the message coalesces; 0 for one datagram */
    int32_t flags;    /* KCP_UDP_TRUNCATED */
    int32_t address_length;
    uint8_t address[KCP_UDP_ADDRESS_SIZE]; /* the sender's socket address */
    uint8_t reserved[4];
};

#define KCP_UDP_TRUNCATED 1 /* the message was longer than its slot; the rest is lost */

/*
 * Receives up to max messages from non-blocking socket fd with one recvmmsg: message i goes to
 * data + i * slot (slot bytes each) and is described by out[i]. With GRO on (kcp_udp_set_gro),
 * a message may hold several datagrams of out[i].segment bytes each (the last may be shorter).
 *
 * Returns how many messages arrived (0..max); 0 with *error = -EAGAIN when none was waiting,
 * or 0 with another negative errno when the socket failed. *error is 0 when messages arrived.
 */
int kcp_udp_receive(int fd, uint8_t *data, int slot, int max, struct kcp_udp_message *out,
                    int *error);

/* Turns UDP GRO on or off for socket fd: 0, or a negative errno (-ENOPROTOOPT: not supported). */
int kcp_udp_set_gro(int fd, int on);

/* Duplicates fd (close-on-exec), or returns a negative errno. */
int kcp_udp_dup(int fd);

/* Closes a descriptor from kcp_udp_dup. */
void kcp_udp_close(int fd);

#ifdef __cplusplus
}
#endif

#endif
