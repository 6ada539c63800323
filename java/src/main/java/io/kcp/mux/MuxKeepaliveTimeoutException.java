package io.kcp.mux;

import java.io.IOException;

/**
 * The session received no frame for {@link MuxConfig#keepAliveTimeout()}: the peer is gone, or
 * (over KCP) cannot decrypt what this end sends, so it never answers.
 */
public class MuxKeepaliveTimeoutException extends IOException {

    private static final long serialVersionUID = 1L;

    /** @param message how long nothing arrived */
    public MuxKeepaliveTimeoutException(String message) {
        super(message);
    }
}
