package io.kcp.mux;

import java.io.IOException;

/**
 * The peer broke the smux protocol. When the framing itself is broken (a wrong version, an
 * unknown command, a control frame with a payload of the wrong size) the whole session ends with
 * this exception; when only one stream is affected (the peer overran that stream's window, or
 * acknowledged bytes that were never sent) only that stream ends with it.
 */
public class MuxProtocolException extends IOException {

    private static final long serialVersionUID = 1L;

    /** @param message what the peer sent wrong */
    public MuxProtocolException(String message) {
        super(message);
    }
}
