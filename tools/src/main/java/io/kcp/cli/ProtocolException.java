package io.kcp.cli;

import java.io.IOException;

/** The peer broke the request protocol (unknown op, no BYE, a wrong echo...). */
final class ProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    ProtocolException(String message) {
        super(message);
    }
}
