package io.kcp.wire;

import java.nio.ByteBuffer;
import java.security.SecureRandom;

/**
 * The 16 random bytes at the front of every datagram that has a crypto header. kcp-go 5.6.1
 * draws them from AES-128 applied repeatedly to a random seed; the peer never checks them, they
 * only make a CFB-encrypted datagram look random from its first byte on. Not thread-safe: one
 * per session (or per sending thread).
 */
public interface NonceSource {

    /** Bytes per nonce. */
    int SIZE = 16;

    /**
     * Writes the next nonce at {@code dst[index, index + 16)} (absolute; position and limit do
     * not move). Allocates nothing.
     */
    void fill(ByteBuffer dst, int index);

    /** Writes the next nonce into {@code dst[0, 16)}. For tests; allocates a wrapper. */
    default void next(byte[] dst) {
        fill(ByteBuffer.wrap(dst), 0);
    }

    /**
     * A fresh cryptographically strong source: an AES-CTR keystream keyed from
     * {@link SecureRandom}, generated 4 KiB (256 nonces) at a time.
     */
    static NonceSource secure() {
        return new AesCtrNonceSource();
    }
}
