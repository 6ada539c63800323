/*
 * Reed-Solomon erasure code over GF(2^8), bit-compatible with klauspost/reedsolomon's default
 * encoder (what kcp-go's FEC uses).
 *
 * Field: polynomial 0x11D. Encoding matrix: E = V * inv(V[0:ds]) with V[r][c] = r^c
 * (0^0 = 1), r = 0..ds+ps-1, c = 0..ds-1; the top ds rows are the identity, so data shards
 * are stored as they are and parity shard p = sum over c of E[ds+p][c] * data[c].
 *
 * Shards: every call works on ds+ps shards of the same length `len` (>= 1). The *_buf
 * functions take one contiguous buffer with shard i at `buf + i * stride` (stride >= len):
 * data shards first, then parity shards, so a whole FEC group is one buffer. The caller
 * guarantees the buffer spans (ds+ps-1) * stride + len bytes. The *_ptrs functions take an
 * array of ds+ps shard pointers instead; shards must not overlap.
 *
 * Present flags: one byte per shard, nonzero = the shard holds valid bytes. Missing shards are
 * overwritten by reconstruction; their previous contents are ignored.
 *
 * Decoding: the matrix for an erasure pattern (which ds shards serve as inputs) is computed
 * once and kept in a per-codec cache (64 patterns, fewer for large shapes; LRU), so a
 * repeated pattern costs no inversion. reconstruct allocates only when a cache slot is first
 * filled; encode and verify never allocate.
 *
 * Threads: encode and verify only read the codec and may run concurrently. reconstruct updates
 * the codec's decode-matrix cache: give each thread its own codec, or serialise the calls.
 *
 * SIMD: the kernel is chosen at run time: on x86-64 scalar, AVX2, GFNI 256-bit or GFNI 512-bit
 * from CPUID/XGETBV; on AArch64 NEON (always present there). Every path gives identical bytes.
 * kcp_rs_set_path forces one process-wide.
 */
#ifndef KCP_RS_H
#define KCP_RS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KCP_RS_MAX_SHARDS 256

/* Return codes. */
#define KCP_RS_OK 0
#define KCP_RS_EINVAL (-1)  /* bad argument (NULL, len 0, stride < len, ...) */
#define KCP_RS_ETOOFEW (-2) /* fewer than ds shards present */
#define KCP_RS_ENOMEM (-3)  /* a decode-matrix cache slot could not be allocated */

/* Kernel paths; the numbers are also bit positions in kcp_rs_available_paths(). */
#define KCP_RS_PATH_AUTO (-1)
#define KCP_RS_PATH_SCALAR 0
#define KCP_RS_PATH_AVX2 1    /* split-nibble VPSHUFB */
#define KCP_RS_PATH_GFNI256 2 /* VGF2P8AFFINEQB on ymm (GFNI + AVX2) */
#define KCP_RS_PATH_GFNI512 3 /* VGF2P8AFFINEQB on zmm (GFNI + AVX-512F/BW) */
#define KCP_RS_PATH_NEON 4    /* split-nibble TBL on AArch64 Advanced SIMD */
#define KCP_RS_PATH_COUNT 5

typedef struct kcp_rs kcp_rs;

/* Codec for ds data and ps parity shards: ds >= 1, ps >= 0, ds + ps <= 256.
 * NULL on invalid shape or out of memory. */
kcp_rs *kcp_rs_new(int ds, int ps);
void kcp_rs_free(kcp_rs *rs);
int kcp_rs_data_shards(const kcp_rs *rs);
int kcp_rs_parity_shards(const kcp_rs *rs);
/* Row `ds + p` of E (ds bytes) for parity p, copied to dst. KCP_RS_OK or KCP_RS_EINVAL. */
int kcp_rs_parity_row(const kcp_rs *rs, int p, uint8_t *dst);

/* Computes the ps parity shards from the ds data shards. KCP_RS_OK or KCP_RS_EINVAL. */
int kcp_rs_encode_buf(const kcp_rs *rs, uint8_t *buf, size_t stride, size_t len);
int kcp_rs_encode_ptrs(const kcp_rs *rs, uint8_t *const *shards, size_t len);

/* 1 when every parity shard equals the encoding of the data shards, 0 when one differs,
 * KCP_RS_EINVAL on bad arguments. */
int kcp_rs_verify_buf(const kcp_rs *rs, const uint8_t *buf, size_t stride, size_t len);
int kcp_rs_verify_ptrs(const kcp_rs *rs, const uint8_t *const *shards, size_t len);

/* Rebuilds every missing shard (data and parity) from the first ds present shards, in shard
 * order (the same choice klauspost makes, so even inconsistent input gives its bytes).
 * KCP_RS_OK (also when nothing is missing), KCP_RS_ETOOFEW, KCP_RS_EINVAL or KCP_RS_ENOMEM. */
int kcp_rs_reconstruct_buf(kcp_rs *rs, uint8_t *buf, size_t stride, size_t len,
                           const uint8_t *present);
int kcp_rs_reconstruct_ptrs(kcp_rs *rs, uint8_t *const *shards, size_t len,
                            const uint8_t *present);
/* As above, but rebuilds only the missing data shards; missing parity shards are untouched. */
int kcp_rs_reconstruct_data_buf(kcp_rs *rs, uint8_t *buf, size_t stride, size_t len,
                                const uint8_t *present);
int kcp_rs_reconstruct_data_ptrs(kcp_rs *rs, uint8_t *const *shards, size_t len,
                                 const uint8_t *present);

/* Decode-matrix cache counters since kcp_rs_new (a miss inverts a matrix). */
void kcp_rs_cache_stats(const kcp_rs *rs, uint64_t *hits, uint64_t *misses);

/* Bit i set = path i runs on this CPU and OS (bit 0, scalar, always). */
unsigned kcp_rs_available_paths(void);
/* Forces a path for the whole process (KCP_RS_PATH_AUTO = best available).
 * KCP_RS_OK, or KCP_RS_EINVAL when the path is unknown or unavailable (nothing changes). */
int kcp_rs_set_path(int path);
/* The path in use. */
int kcp_rs_path(void);
/* "scalar", "avx2", "gfni256", "gfni512", "neon"; "unknown" for other numbers. */
const char *kcp_rs_path_name(int path);

#ifdef __cplusplus
}
#endif

#endif
