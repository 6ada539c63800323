package io.kcp.crypto;

import java.nio.charset.StandardCharsets;

/**
 * kcp-go's "simple XOR": the datagram is XORed with a fixed 1500-byte table,
 * {@code PBKDF2-HMAC-SHA1(key, "sH3CIVoF#rWLtJo6", 32 iterations, 1500 bytes)}, with no
 * chaining. As in kcp-go, bytes past the table's length (1500, kcp-go's largest datagram) are
 * left unchanged.
 */
final class XorCipher extends AbstractPacketCipher {

    static final int TABLE_SIZE = 1500;
    private static final byte[] SALT = "sH3CIVoF#rWLtJo6".getBytes(StandardCharsets.US_ASCII);
    private static final int ITERATIONS = 32;

    private final byte[] table;

    XorCipher(byte[] key) {
        super("xor");
        table = Pbkdf2.hmacSha1(key, SALT, ITERATIONS, TABLE_SIZE);
    }

    @Override
    void encryptChecked(byte[] buf, int off, int len) {
        crypt(buf, off, len);
    }

    @Override
    void decryptChecked(byte[] buf, int off, int len) {
        crypt(buf, off, len);
    }

    private void crypt(byte[] buf, int off, int len) {
        Xor.into(buf, off, table, 0, Math.min(len, TABLE_SIZE));
    }
}
