package io.kcp.cli;

import java.net.InetSocketAddress;

/**
 * What the server did with one session, printed as one line in the format kcpgo-peer uses:
 * {@code SESSION remote=… conv=… op=echo|sink|source|ping|none bytes=… ok=… end=bye|idle|error
 * ms=… crc=…}.
 *
 * @param end   {@code bye} (clean end), {@code idle} (no progress for the idle time) or {@code error}
 * @param error what went wrong when {@code end} is {@code error}, else null
 */
record SessionRecord(InetSocketAddress remote, int conv, String op, long bytes, boolean ok,
                     String end, long millis, int crc, String error) {

    String line() {
        return String.format("SESSION remote=%s conv=%s op=%s bytes=%d ok=%b end=%s ms=%d crc=%08x",
                PeerServer.hostPort(remote), Integer.toUnsignedString(conv), op, bytes, ok, end,
                millis, crc);
    }
}
