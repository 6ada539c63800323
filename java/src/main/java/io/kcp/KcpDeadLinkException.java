package io.kcp;

import java.io.IOException;

/**
 * The session ended because a segment was retransmitted {@code dead_link} times (20 by default)
 * without an acknowledgement: the peer is gone or unreachable. kcp-go only sets a flag in this
 * case; kcp-java ends the session so that blocked readers and writers learn of it.
 */
public final class KcpDeadLinkException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message what happened (which segment, how often) */
    public KcpDeadLinkException(String message) {
        super(message);
    }
}
