package io.kcp.crypto;

import java.nio.ByteBuffer;

/**
 * One of kcp-go's packet ciphers ({@code BlockCrypt}): transforms a whole datagram in place,
 * byte-compatible with kcp-go 5.6.1. Create instances with {@link PacketCiphers}.
 *
 * <p>The datagram passed in is everything kcp-go encrypts: the 20-byte crypto header
 * (16-byte random nonce, CRC32) followed by the FEC/KCP bytes. Filling in the nonce and the CRC
 * is the session's job; a cipher only transforms bytes.
 *
 * <p>{@link #hasHeader()} is false only for kcptun's {@code null}, which stands for "no
 * BlockCrypt at all": the datagram then carries neither nonce nor CRC, and encrypt/decrypt
 * leave it unchanged. {@code none} is different: no encryption, but the header exists.
 *
 * <p>Instances hold per-packet scratch state and are not thread-safe: use one per thread (or
 * per session). The steady state allocates nothing.
 */
public interface PacketCipher {

    /** Size of the random nonce at the front of every datagram that has a header. */
    int NONCE_SIZE = 16;
    /** Size of the CRC32 (little endian, over the bytes after the header) after the nonce. */
    int CRC_SIZE = 4;
    /** Bytes the crypto header adds to a datagram when {@link #hasHeader()} is true. */
    int HEADER_SIZE = NONCE_SIZE + CRC_SIZE;

    /** kcptun's name of this cipher, e.g. {@code "aes"} or {@code "salsa20"}. */
    String name();

    /** False only for {@code null}: no nonce, no CRC, no transformation. */
    boolean hasHeader();

    /** Encrypts {@code buf[off, off+len)} in place. */
    void encrypt(byte[] buf, int off, int len);

    /** Decrypts {@code buf[off, off+len)} in place. */
    void decrypt(byte[] buf, int off, int len);

    /** Encrypts the buffer's remaining bytes in place; position and limit do not move. */
    void encrypt(ByteBuffer buf);

    /** Decrypts the buffer's remaining bytes in place; position and limit do not move. */
    void decrypt(ByteBuffer buf);
}
