/**
 * kcp-go 5.6.1's packet ciphers ({@code BlockCrypt}), byte-compatible: full-block CFB with a
 * fixed IV for the block ciphers, Salsa20 keyed by the datagram's first 8 bytes, a fixed XOR
 * table, and the identity. Entry point: {@link io.kcp.crypto.PacketCiphers}.
 */
package io.kcp.crypto;
