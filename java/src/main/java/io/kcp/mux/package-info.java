/**
 * Many streams over one session: smux versions 1 and 2, the multiplexer kcptun runs over KCP.
 * {@link io.kcp.mux.MuxSession} opens and accepts {@link io.kcp.mux.MuxStream}s over any
 * blocking {@link java.nio.channels.ByteChannel}, usually an {@link io.kcp.KcpSession}.
 * docs/mux.md describes the wire format, the flow control and the limits.
 */
package io.kcp.mux;
