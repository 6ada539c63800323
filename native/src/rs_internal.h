/* Shared between the rs*.c files only: field tables, matrices, kernels, path dispatch. */
#ifndef KCP_RS_INTERNAL_H
#define KCP_RS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "cpu.h"
#include "kcp/rs.h"

/* x86 SIMD code is compiled per function for its instruction set, so the library itself only
 * assumes baseline x86-64 and the CPU check decides what runs. */
#if defined(__GNUC__) || defined(__clang__)
#define KCP_RS_TARGET(isa) __attribute__((target(isa)))
#define KCP_RS_INLINE static inline __attribute__((always_inline))
#else
#define KCP_RS_TARGET(isa)
#define KCP_RS_INLINE static __forceinline
#endif

/* Kernels keep up to four output rows in named registers (a0..a3): X(r) is expanded for
 * r < R, R being a constant in each specialisation, so no compiler has to promote an
 * array of vectors to registers. */
#define KCP_RS_GROUP 4
#define KCP_RS_EACH(R, X)     \
    do {                      \
        X(0);                 \
        if ((R) > 1) X(1);    \
        if ((R) > 2) X(2);    \
        if ((R) > 3) X(3);    \
    } while (0)

/* ---- GF(2^8), polynomial 0x11D (rs_gf.c) ---- */
extern uint8_t kcp_rs_gf_mul_table[256][256]; /* [a][b] = a*b; [c][0..15] = low-nibble table */
extern uint8_t kcp_rs_gf_mul_high[256][16];   /* [c][n] = c*(n << 4) */
extern uint64_t kcp_rs_gf_affine[256];        /* [c] = 8x8 bit matrix of x -> c*x (GFNI) */
extern uint8_t kcp_rs_gf_exp[510];            /* exp[i] = 2^i, doubled to skip a modulo */
extern uint8_t kcp_rs_gf_log[256];            /* log[0] unused */
/* Builds the tables and detects the CPU, once per process; every entry point calls it. */
void kcp_rs_init(void);
uint8_t kcp_rs_gf_inv(uint8_t a); /* a != 0 */

/* ---- matrices (rs_matrix.c) ---- */
typedef struct kcp_rs_mat {
    int rows, cols;
    uint8_t *coef; /* rows*cols, row major */
} kcp_rs_mat;

/* out (ps x ds) = parity rows of klauspost's default matrix. */
void kcp_rs_build_parity(int ds, int ps, uint8_t *out);

/* ---- kernels: out[k] = sum over c of M[rows[k]][c] * in[c], for k < n_out ----
 * rows == NULL means rows 0..n_out-1. in has m->cols entries. Outputs never overlap inputs. */
typedef void (*kcp_rs_kernel_fn)(const kcp_rs_mat *m, const int *rows, int n_out,
                                 const uint8_t *const *in, uint8_t *const *out, size_t len);

void kcp_rs_kernel_scalar(const kcp_rs_mat *m, const int *rows, int n_out,
                          const uint8_t *const *in, uint8_t *const *out, size_t len);
/* Scalar on byte range [from, to): the short tails of the 256-bit kernels. */
void kcp_rs_kernel_scalar_range(const kcp_rs_mat *m, const int *rows, int n_out,
                                const uint8_t *const *in, uint8_t *const *out, size_t from,
                                size_t to);
#if KCP_X86_64
void kcp_rs_kernel_avx2(const kcp_rs_mat *m, const int *rows, int n_out,
                        const uint8_t *const *in, uint8_t *const *out, size_t len);
void kcp_rs_kernel_gfni256(const kcp_rs_mat *m, const int *rows, int n_out,
                           const uint8_t *const *in, uint8_t *const *out, size_t len);
void kcp_rs_kernel_gfni512(const kcp_rs_mat *m, const int *rows, int n_out,
                           const uint8_t *const *in, uint8_t *const *out, size_t len);
#endif
#if KCP_AARCH64
void kcp_rs_kernel_neon(const kcp_rs_mat *m, const int *rows, int n_out,
                        const uint8_t *const *in, uint8_t *const *out, size_t len);
#endif

/* ---- path dispatch (rs_cpu.c) ---- */
void kcp_rs_cpu_detect(void); /* called by kcp_rs_init */
kcp_rs_kernel_fn kcp_rs_kernel(void);

/* ---- decode-matrix cache (rs_cache.c) ---- */
typedef struct kcp_rs_cache kcp_rs_cache;
/* Present-pattern key: the first ds present shards, as a 256-bit set. */
typedef struct kcp_rs_key {
    uint64_t w[4];
} kcp_rs_key;
kcp_rs_cache *kcp_rs_cache_new(int ds, int ps);
void kcp_rs_cache_free(kcp_rs_cache *c);
/* The matrix rebuilding the missing data shards (in index order) from the shards of key (in
 * index order); computed on a miss. NULL when out of memory. */
const kcp_rs_mat *kcp_rs_cache_get(kcp_rs_cache *c, const kcp_rs_key *key);
void kcp_rs_cache_counts(const kcp_rs_cache *c, uint64_t *hits, uint64_t *misses);

#endif
