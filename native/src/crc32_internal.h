/* Shared between crc32.c and crc32_clmul.c only. */
#ifndef KCP_CRC32_INTERNAL_H
#define KCP_CRC32_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "cpu.h"
#include "kcp/crc32.h"

/* "state" below is the running CRC register: the CRC value XOR 0xFFFFFFFF. */

/* Slicing-by-8 over any length; the tables are built by kcp_crc32_init. */
uint32_t kcp_crc32_table(uint32_t state, const uint8_t *p, size_t len);

#if KCP_X86_64
/* Smallest inputs the folding kernels take; below these the table path is as fast. */
#define KCP_CRC32_PCLMUL_MIN 32
#define KCP_CRC32_VPCLMUL_MIN 128
/* Both consume len rounded down to a multiple of 16 (len >= their minimum) and return the
 * state after it; the caller finishes the tail with the table path. */
uint32_t kcp_crc32_pclmul(uint32_t state, const uint8_t *p, size_t len);
uint32_t kcp_crc32_vpclmul(uint32_t state, const uint8_t *p, size_t len);
#endif

#endif
