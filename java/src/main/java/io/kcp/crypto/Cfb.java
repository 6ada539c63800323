package io.kcp.crypto;

import java.util.Arrays;

/** kcp-go's CFB parameters: full-block CFB, one fixed IV for every datagram. */
final class Cfb {

    // Fixed by kcp-go (initialVector in crypt.go). Reusing it is safe only because every datagram
    // starts with 16 random bytes, which makes the rest of the keystream unpredictable.
    private static final byte[] IV = {
        (byte) 0xa7, (byte) 0x73, (byte) 0x4f, (byte) 0x9c, (byte) 0x12, (byte) 0xac, (byte) 0x1b,
        (byte) 0x01, (byte) 0xa4, (byte) 0x15, (byte) 0xf2, (byte) 0xc1, (byte) 0xfc, (byte) 0x78,
        (byte) 0xe6, (byte) 0x6b,
    };

    private Cfb() {
    }

    /** The IV for a cipher with this block size (8-byte ciphers use the first 8 bytes). */
    static byte[] iv(int blockSize) {
        return Arrays.copyOf(IV, blockSize);
    }
}
