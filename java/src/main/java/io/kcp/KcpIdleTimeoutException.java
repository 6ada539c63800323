package io.kcp;

import java.io.IOException;

/**
 * The session ended because nothing arrived from the peer for longer than the configured idle
 * timeout ({@link KcpConfig.Builder#idleTimeout}). KCP has no close on the wire, so this is how
 * a session notices a peer that went away quietly.
 */
public final class KcpIdleTimeoutException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message what happened (how long, from whom) */
    public KcpIdleTimeoutException(String message) {
        super(message);
    }
}
