package io.kcp.relay;

/** The two directions through an {@link ImpairmentRelay}; each has its own impairment and RNG. */
public enum Direction {
    /** From a client, through the relay, to the upstream server. */
    CLIENT_TO_SERVER,
    /** From the upstream server, through the relay, back to a client. */
    SERVER_TO_CLIENT
}
