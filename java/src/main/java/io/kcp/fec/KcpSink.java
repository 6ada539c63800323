package io.kcp.fec;

import java.nio.ByteBuffer;

/**
 * Receives the KCP bytes the FEC layer hands to the ARQ: typically
 * {@code arq.input(kcp, regular, ackNoDelay, now)}.
 */
@FunctionalInterface
public interface KcpSink {

    /**
     * @param kcp the KCP bytes between position and limit; valid only during the call and not
     *     to be modified
     * @param regular true for a datagram as received, false for one rebuilt from parity
     * @return the ARQ's input result: 0 when accepted (a recovered packet then counts as
     *     FECRecovered, as in kcp-go)
     */
    int input(ByteBuffer kcp, boolean regular);
}
