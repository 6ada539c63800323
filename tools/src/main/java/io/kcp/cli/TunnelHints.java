package io.kcp.cli;

import io.kcp.KcpDeadLinkException;
import io.kcp.KcpIdleTimeoutException;
import io.kcp.mux.MuxKeepaliveTimeoutException;
import io.kcp.mux.MuxProtocolException;

/** The likely cause of a tunnel failure, in terms of the flags a person can change. */
final class TunnelHints {

    static final String KEY_OR_CRYPT = "is the peer running, and do -key and -crypt (and -datashard/-parityshard) match on both ends?";

    private TunnelHints() {
    }

    /** A hint to append to the failure's message: " (...)" or "". */
    static String hint(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = String.valueOf(c.getMessage());
            if (c instanceof MuxKeepaliveTimeoutException || c instanceof KcpIdleTimeoutException) {
                return " (nothing came back: " + KEY_OR_CRYPT + ")";
            }
            if (c instanceof KcpDeadLinkException) {
                return " (the peer stopped acknowledging: it went away, or it cannot decrypt what this end sends: "
                        + KEY_OR_CRYPT + ")";
            }
            if (m.contains("snappy") || m.contains("compress")) {
                return " (both ends must agree on compression: -nocomp on both or on neither)";
            }
            if (c instanceof MuxProtocolException && m.contains("version")) {
                return " (-smuxver must be the same on both ends)";
            }
        }
        return "";
    }
}
