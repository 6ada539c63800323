/*
 * A pair of UDP sockets on loopback for the batched-send test and fuzz target: a blocking
 * sender and a receiver with a large buffer, so that nothing sent in one batch is dropped.
 * Linux only, like kcp_udp_send.
 */
#ifndef KCP_UDP_PAIR_H
#define KCP_UDP_PAIR_H

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "kcp/udp.h"

typedef struct {
    int sender, receiver;
    uint8_t address[KCP_UDP_ADDRESS_SIZE]; /* the receiver's, from kcp_udp_address */
    int address_len;
} udp_pair;

/* family AF_INET or AF_INET6 (sender and receiver alike); 0 when it cannot be made here. */
static inline int udp_pair_open(udp_pair *p, int family) {
    p->sender = socket(family, SOCK_DGRAM, 0);
    p->receiver = socket(family, SOCK_DGRAM, 0);
    if (p->sender < 0 || p->receiver < 0) goto fail;
    int big = 8 << 20;
    setsockopt(p->receiver, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    struct timeval tv = {2, 0}; /* a lost datagram fails the receive instead of hanging */
    setsockopt(p->receiver, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_storage a;
    memset(&a, 0, sizeof a);
    socklen_t len;
    if (family == AF_INET) {
        struct sockaddr_in *v4 = (struct sockaddr_in *)&a;
        v4->sin_family = AF_INET;
        v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        len = sizeof *v4;
    } else {
        struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&a;
        v6->sin6_family = AF_INET6;
        v6->sin6_addr = in6addr_any; /* dual-stack: takes IPv4-mapped datagrams too */
        len = sizeof *v6;
    }
    if (bind(p->receiver, (struct sockaddr *)&a, len) != 0) goto fail;
    len = sizeof a;
    if (getsockname(p->receiver, (struct sockaddr *)&a, &len) != 0) goto fail;
    int port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&a)->sin_port
                                       : ((struct sockaddr_in6 *)&a)->sin6_port);
    static const uint8_t loopback4[4] = {127, 0, 0, 1};
    p->address_len = kcp_udp_address(p->sender, loopback4, 4, port, 0, p->address);
    if (p->address_len <= 0) goto fail;
    return 1;
fail:
    if (p->sender >= 0) close(p->sender);
    if (p->receiver >= 0) close(p->receiver);
    return 0;
}

static inline void udp_pair_close(udp_pair *p) {
    close(p->sender);
    close(p->receiver);
}

/* Receives one datagram into buf; its length, or -1 (timeout, error). */
static inline int udp_pair_receive(udp_pair *p, uint8_t *buf, int cap) {
    ssize_t n = recv(p->receiver, buf, (size_t)cap, 0);
    return n < 0 ? -1 : (int)n;
}

/* Waits up to 2 s for the receiver to be readable; 1 if it is. */
static inline int udp_pair_wait(udp_pair *p) {
    struct pollfd f = {p->receiver, POLLIN, 0};
    return poll(&f, 1, 2000) == 1;
}

/*
 * Receives n datagrams with kcp_udp_receive (GRO's coalesced messages cut back into datagrams)
 * into dst, end to end, their lengths into lens; returns how many arrived before a 2 s silence.
 */
static inline long *udp_pair_coalesced(void) { /* messages that carried several datagrams */
    static long n;
    return &n;
}

static inline int udp_pair_receive_batch(udp_pair *p, int n, uint8_t *dst, size_t cap, uint16_t *lens) {
    static uint8_t slots[8 * 65536];
    struct kcp_udp_message m[8];
    int got = 0;
    size_t at = 0;
    while (got < n && udp_pair_wait(p)) {
        int error;
        int k = kcp_udp_receive(p->receiver, slots, 65536, 8, m, &error);
        if (k == 0 && error != -EAGAIN) return got;
        for (int i = 0; i < k; i++) {
            int seg = m[i].segment ? m[i].segment : m[i].length;
            if (m[i].segment) ++*udp_pair_coalesced();
            for (int off = 0; off < m[i].length || (m[i].length == 0 && off == 0); off += seg) {
                int len = m[i].length - off < seg ? m[i].length - off : seg;
                if (got == n || at + (size_t)len > cap) return -1; /* more than was sent */
                memcpy(dst + at, slots + (size_t)i * 65536 + off, (size_t)len);
                lens[got++] = (uint16_t)len;
                at += (size_t)len;
                if (m[i].length == 0) break;
            }
        }
    }
    return got;
}

#endif
