package io.kcp.crypto;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Test instances of every cipher with arbitrary keys. */
final class AllCiphers {

    private AllCiphers() {
    }

    static byte[] key(CipherKind kind) {
        byte[] key = new byte[Math.max(kind.kcptunKeyLength(), 1)];
        new Random(kind.ordinal() * 7919L + 1).nextBytes(key);
        return key;
    }

    static PacketCipher create(CipherKind kind) {
        return kind.create(key(kind));
    }

    static List<CipherKind> kinds() {
        return List.of(CipherKind.values());
    }

    /** The kinds that actually change bytes. */
    static List<CipherKind> encrypting() {
        List<CipherKind> out = new ArrayList<>(kinds());
        out.remove(CipherKind.NONE);
        out.remove(CipherKind.NULL);
        return out;
    }

    /** Smallest datagram the cipher accepts (salsa20 needs its 8-byte nonce). */
    static int minLength(CipherKind kind) {
        return kind == CipherKind.SALSA20 ? Salsa20Cipher.NONCE : 0;
    }
}
