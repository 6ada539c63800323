package io.kcp.wire;

import java.nio.ByteBuffer;

/**
 * Where the outbound pipeline puts finished wire datagrams: typically a UDP send. A sink may
 * hold datagrams back to send them together; {@link #flush()} ends each of the pipeline's calls.
 */
@FunctionalInterface
public interface DatagramSink {

    /**
     * @param datagram one datagram exactly as it goes on the wire, between position and limit;
     *     valid only during the call (copy it to keep it), and not to be modified
     */
    void send(ByteBuffer datagram);

    /** Sends whatever {@link #send} held back. The default holds nothing back. */
    default void flush() {}
}
