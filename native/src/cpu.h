/* What the CPU and OS run: the one place that probes them, for the CRC-32 and Reed-Solomon
 * path choices. Includes nothing of the kernel's, so any part may include it. */
#ifndef KCP_CPU_H
#define KCP_CPU_H

#if defined(__x86_64__) || defined(_M_X64)
#define KCP_X86_64 1
#else
#define KCP_X86_64 0
#endif

#if defined(__aarch64__) || defined(_M_ARM64)
#define KCP_AARCH64 1
#else
#define KCP_AARCH64 0
#endif

/* Feature bits. A bit is set only when the OS also saves the registers the feature uses. */
#define KCP_CPU_PCLMUL (1u << 0)   /* PCLMULQDQ and SSE4.1 */
#define KCP_CPU_AVX2 (1u << 1)     /* AVX2 with YMM state */
#define KCP_CPU_VPCLMUL (1u << 2)  /* VPCLMULQDQ (256-bit use needs AVX2 too) */
#define KCP_CPU_GFNI (1u << 3)     /* GF2P8AFFINEQB */
#define KCP_CPU_AVX512BW (1u << 4) /* AVX-512 F and BW with ZMM and opmask state */
#define KCP_CPU_NEON (1u << 5)     /* Advanced SIMD: part of every AArch64 ABI */

/* The feature bits of this CPU. Pure (same answer on every call) and thread-safe; cheap
 * enough for one-time setup, not for a hot path. */
unsigned kcp_cpu_features(void);

#endif
