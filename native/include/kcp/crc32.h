/*
 * CRC-32 (IEEE 802.3), the checksum kcp-go puts after the nonce of every encrypted datagram:
 * Go's hash/crc32.ChecksumIEEE, zlib's crc32(), java.util.zip.CRC32. Reflected polynomial
 * 0xEDB88320, initial value and final XOR 0xFFFFFFFF.
 *
 * The implementation is chosen at run time: carry-less multiplication (PCLMULQDQ, or
 * VPCLMULQDQ on 256-bit registers) where the CPU has it, slicing-by-8 tables elsewhere. Every
 * path gives the same result; kcp_crc32_set_path forces one process-wide (for tests and
 * benchmarks). All functions are thread-safe.
 */
#ifndef KCP_CRC32_H
#define KCP_CRC32_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Kernel paths; the numbers are also bit positions in kcp_crc32_available_paths(). */
#define KCP_CRC32_PATH_AUTO (-1)
#define KCP_CRC32_PATH_TABLE 0   /* slicing-by-8, portable C */
#define KCP_CRC32_PATH_PCLMUL 1  /* PCLMULQDQ on xmm, four lanes of 16 bytes */
#define KCP_CRC32_PATH_VPCLMUL 2 /* VPCLMULQDQ on ymm (AVX2), eight lanes of 16 bytes */
#define KCP_CRC32_PATH_COUNT 3

/* The CRC-32 of buf[0, len). buf may be NULL when len is 0 (the result is then 0). */
uint32_t kcp_crc32(const void *buf, size_t len);

/* Continues a CRC: kcp_crc32_update(kcp_crc32(a, n), b, m) is the CRC-32 of a followed by b,
 * and kcp_crc32_update(0, buf, len) == kcp_crc32(buf, len) (zlib's crc32() convention). */
uint32_t kcp_crc32_update(uint32_t crc, const void *buf, size_t len);

/* Bit i set = path i runs on this CPU and OS (bit 0, the table path, always). */
unsigned kcp_crc32_available_paths(void);
/* Forces a path for the whole process (KCP_CRC32_PATH_AUTO = best available).
 * 0, or -1 when the path is unknown or unavailable (nothing changes). */
int kcp_crc32_set_path(int path);
/* The path in use. */
int kcp_crc32_path(void);
/* "table", "pclmul", "vpclmul"; "unknown" for other numbers. */
const char *kcp_crc32_path_name(int path);

#ifdef __cplusplus
}
#endif

#endif
