/**
 * The datagram pipeline between an ARQ and a socket, kcp-go 5.6.1's wire format: FEC framing,
 * nonce, CRC32 and encryption on the way out ({@link io.kcp.wire.OutboundPipeline}); decryption,
 * CRC check, FEC demultiplexing and recovery on the way in ({@link io.kcp.wire.InboundPipeline});
 * and the Snmp counters both keep ({@link io.kcp.wire.Counters}). Internal: sockets and sessions
 * are built on it.
 */
package io.kcp.wire;
