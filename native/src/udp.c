/* Batched UDP sends and receives (see kcp/udp.h). Linux only; elsewhere every call reports
 * ENOSYS. */
#if defined(__linux__)
#define _GNU_SOURCE /* sendmmsg, struct mmsghdr */
#endif

#include "kcp/udp.h"

#include <errno.h>
#include <string.h>

int kcp_udp_run_length(const uint16_t *lens, int count, int max_segments, int max_bytes) {
    int size = lens[0];
    /* An empty datagram never joins a run: the kernel would fold it into its neighbour. */
    if (count <= 1 || max_segments <= 1 || size == 0) return 1;
    long total = size;
    int n = 1;
    while (n < count && n < max_segments) {
        int next = lens[n];
        if (next == 0 || next > size || total + next > max_bytes) break;
        total += next;
        n++;
        if (next < size) break; /* a shorter datagram can only end a run */
    }
    return n;
}

#if defined(__linux__)

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif

/* Messages per sendmmsg: enough to move a window's worth of runs per call. */
#define MESSAGES 32

int kcp_udp_supported(void) { return 1; }

int kcp_udp_address(int fd, const uint8_t *ip, int ip_len, int port, uint32_t scope_id, void *out) {
    if ((ip_len != 4 && ip_len != 16) || port < 0 || port > 0xFFFF) return -EINVAL;
    struct sockaddr_storage local;
    socklen_t local_len = sizeof local;
    if (getsockname(fd, (struct sockaddr *)&local, &local_len) != 0) return -errno;
    if (local.ss_family == AF_INET) {
        if (ip_len != 4) return -EAFNOSUPPORT;
        struct sockaddr_in a;
        memset(&a, 0, sizeof a);
        a.sin_family = AF_INET;
        a.sin_port = htons((uint16_t)port);
        memcpy(&a.sin_addr, ip, 4);
        memcpy(out, &a, sizeof a);
        return (int)sizeof a;
    }
    if (local.ss_family == AF_INET6) {
        struct sockaddr_in6 a;
        memset(&a, 0, sizeof a);
        a.sin6_family = AF_INET6;
        a.sin6_port = htons((uint16_t)port);
        if (ip_len == 4) { /* ::ffff:a.b.c.d, as the JDK's dual-stack sockets do */
            a.sin6_addr.s6_addr[10] = 0xFF;
            a.sin6_addr.s6_addr[11] = 0xFF;
            memcpy(&a.sin6_addr.s6_addr[12], ip, 4);
        } else {
            memcpy(&a.sin6_addr, ip, 16);
            a.sin6_scope_id = scope_id;
        }
        memcpy(out, &a, sizeof a);
        return (int)sizeof a;
    }
    return -EAFNOSUPPORT;
}

/* Errors by which a kernel (or a route: no checksum offload, an MTU below the segment size)
 * refuses GSO rather than the datagrams themselves. */
static int gso_refused(int err) {
    return err == EINVAL || err == EIO || err == ENOPROTOOPT || err == EOPNOTSUPP;
}

int kcp_udp_send(int fd, const uint8_t *data, const uint16_t *lens, int count, const void *addr,
                 int addr_len, int *flags, int *error) {
    struct mmsghdr msgs[MESSAGES];
    struct iovec iov[MESSAGES];
    union {
        char buf[CMSG_SPACE(sizeof(uint16_t))];
        struct cmsghdr align;
    } control[MESSAGES];
    int per_message[MESSAGES]; /* datagrams each message carries */
    size_t offset = 0;         /* of datagram `sent` in data */
    int sent = 0;

    *error = 0;
    while (sent < count) {
        int gso = (*flags & KCP_UDP_GSO) != 0;
        int built = 0;
        size_t at = offset;
        for (int i = sent; i < count && built < MESSAGES;) {
            int run = gso ? kcp_udp_run_length(lens + i, count - i, KCP_UDP_MAX_SEGMENTS,
                                               KCP_UDP_MAX_RUN_BYTES)
                          : 1;
            size_t bytes = 0;
            for (int k = 0; k < run; k++) bytes += lens[i + k];
            struct msghdr *h = &msgs[built].msg_hdr;
            memset(h, 0, sizeof *h);
            iov[built].iov_base = (void *)(data + at);
            iov[built].iov_len = bytes;
            h->msg_name = (void *)addr;
            h->msg_namelen = (socklen_t)addr_len;
            h->msg_iov = &iov[built];
            h->msg_iovlen = 1;
            if (run > 1) {
                memset(&control[built], 0, sizeof control[built]);
                h->msg_control = control[built].buf;
                h->msg_controllen = sizeof control[built].buf;
                struct cmsghdr *c = CMSG_FIRSTHDR(h);
                c->cmsg_level = SOL_UDP;
                c->cmsg_type = UDP_SEGMENT;
                c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
                uint16_t segment = lens[i];
                memcpy(CMSG_DATA(c), &segment, sizeof segment);
            }
            per_message[built++] = run;
            at += bytes;
            i += run;
        }
        int r = sendmmsg(fd, msgs, (unsigned)built, 0);
        if (r < 0) {
            int err = errno;
            if (err == EINTR) continue;
            if (per_message[0] > 1 && gso_refused(err)) {
                *flags &= ~KCP_UDP_GSO; /* this socket or route takes no GSO: go on without */
                continue;
            }
            *error = -err;
            return sent;
        }
        for (int m = 0; m < r; m++) {
            for (int k = 0; k < per_message[m]; k++) offset += lens[sent++];
        }
        /* r < built: the next call reports what stopped message r */
    }
    return sent;
}

#ifndef UDP_GRO
#define UDP_GRO 104
#endif

/* Messages per recvmmsg at most: the caller's max is capped here (stack arrays). */
#define RECEIVE_MESSAGES 64

int kcp_udp_receive(int fd, uint8_t *data, int slot, int max, struct kcp_udp_message *out,
                    int *error) {
    struct mmsghdr msgs[RECEIVE_MESSAGES];
    struct iovec iov[RECEIVE_MESSAGES];
    struct sockaddr_storage from[RECEIVE_MESSAGES];
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control[RECEIVE_MESSAGES];

    *error = 0;
    if (max > RECEIVE_MESSAGES) max = RECEIVE_MESSAGES;
    if (max <= 0 || slot <= 0) return 0;
    for (int i = 0; i < max; i++) {
        struct msghdr *h = &msgs[i].msg_hdr;
        memset(h, 0, sizeof *h);
        iov[i].iov_base = data + (size_t)i * (size_t)slot;
        iov[i].iov_len = (size_t)slot;
        h->msg_iov = &iov[i];
        h->msg_iovlen = 1;
        h->msg_name = &from[i];
        h->msg_namelen = sizeof from[i];
        h->msg_control = control[i].buf;
        h->msg_controllen = sizeof control[i].buf;
    }
    int n;
    do {
        n = recvmmsg(fd, msgs, (unsigned)max, MSG_DONTWAIT, NULL);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        *error = -errno;
        return 0;
    }
    for (int i = 0; i < n; i++) {
        struct msghdr *h = &msgs[i].msg_hdr;
        struct kcp_udp_message *m = &out[i];
        memset(m, 0, sizeof *m);
        m->length = (int32_t)(msgs[i].msg_len < (unsigned)slot ? msgs[i].msg_len : (unsigned)slot);
        m->flags = (h->msg_flags & MSG_TRUNC) ? KCP_UDP_TRUNCATED : 0;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c; c = CMSG_NXTHDR(h, c)) {
            if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO) {
                int segment;
                memcpy(&segment, CMSG_DATA(c), sizeof segment);
                if (segment > 0 && segment < m->length) m->segment = segment;
            }
        }
        socklen_t alen = h->msg_namelen;
        if (alen > KCP_UDP_ADDRESS_SIZE) alen = KCP_UDP_ADDRESS_SIZE;
        m->address_length = (int32_t)alen;
        memcpy(m->address, &from[i], alen);
    }
    return n;
}

int kcp_udp_set_gro(int fd, int on) {
    int v = on ? 1 : 0;
    return setsockopt(fd, SOL_UDP, UDP_GRO, &v, sizeof v) == 0 ? 0 : -errno;
}

int kcp_udp_dup(int fd) {
    int d = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    return d < 0 ? -errno : d;
}

void kcp_udp_close(int fd) {
    if (fd >= 0) close(fd);
}

#else /* not Linux: the portable Java path does the sending */

int kcp_udp_supported(void) { return 0; }

int kcp_udp_address(int fd, const uint8_t *ip, int ip_len, int port, uint32_t scope_id, void *out) {
    (void)fd; (void)ip; (void)ip_len; (void)port; (void)scope_id; (void)out;
    return -ENOSYS;
}

int kcp_udp_send(int fd, const uint8_t *data, const uint16_t *lens, int count, const void *addr,
                 int addr_len, int *flags, int *error) {
    (void)fd; (void)data; (void)lens; (void)count; (void)addr; (void)addr_len; (void)flags;
    *error = -ENOSYS;
    return 0;
}

int kcp_udp_receive(int fd, uint8_t *data, int slot, int max, struct kcp_udp_message *out,
                    int *error) {
    (void)fd; (void)data; (void)slot; (void)max; (void)out;
    *error = -ENOSYS;
    return 0;
}

int kcp_udp_set_gro(int fd, int on) {
    (void)fd; (void)on;
    return -ENOSYS;
}

int kcp_udp_dup(int fd) {
    (void)fd;
    return -ENOSYS;
}

void kcp_udp_close(int fd) { (void)fd; }

#endif
