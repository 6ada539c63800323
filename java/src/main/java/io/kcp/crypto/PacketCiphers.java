package io.kcp.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Creates kcp-go packet ciphers from kcptun's names: {@code aes} (AES-256, the default),
 * {@code aes-128}, {@code aes-192}, {@code salsa20}, {@code blowfish}, {@code twofish},
 * {@code cast5}, {@code 3des}, {@code tea}, {@code xtea}, {@code xor}, {@code sm4},
 * {@code none} and {@code null}. See {@link CipherKind} for the key each one takes.
 */
public final class PacketCiphers {

    private static final byte[] KCPTUN_SALT = "kcp-go".getBytes(StandardCharsets.US_ASCII);
    private static final int KCPTUN_ITERATIONS = 4096;
    /** Length of kcptun's derived key. */
    public static final int KCPTUN_KEY_SIZE = 32;

    /**
     * kcptun's {@code null}: no crypto header at all, bytes unchanged. The pipelines take this, never
     * a Java {@code null}, for "no crypto", so that "no cipher" has one spelling.
     */
    public static final PacketCipher NULL = CipherKind.NULL.create(null);

    private PacketCiphers() {
    }

    /**
     * A cipher with a raw key, as kcp-go's {@code New...BlockCrypt(key)}.
     *
     * @throws IllegalArgumentException for an unknown name or a key of a wrong length
     */
    public static PacketCipher create(String name, byte[] key) {
        return CipherKind.of(name).create(key);
    }

    /**
     * A cipher set up as kcptun does from {@code --crypt name --key password}: the key is
     * {@link #kcptunKey(String)} cut to the length the cipher takes.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public static PacketCipher fromPassword(String name, String password) {
        CipherKind kind = CipherKind.of(name);
        if (kind.kcptunKeyLength() == 0) {
            return kind.create(null);
        }
        return kind.create(Arrays.copyOf(kcptunKey(password), kind.kcptunKeyLength()));
    }

    /** kcptun's key derivation: {@code PBKDF2-HMAC-SHA1(UTF-8 password, "kcp-go", 4096, 32)}. */
    public static byte[] kcptunKey(String password) {
        return kcptunKey(password.getBytes(StandardCharsets.UTF_8));
    }

    /** {@link #kcptunKey(String)} over the password's bytes. */
    public static byte[] kcptunKey(byte[] password) {
        return Pbkdf2.hmacSha1(password, KCPTUN_SALT, KCPTUN_ITERATIONS, KCPTUN_KEY_SIZE);
    }

    /** kcptun's cipher names. */
    public static List<String> names() {
        return CipherKind.names();
    }
}
