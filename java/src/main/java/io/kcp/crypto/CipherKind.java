package io.kcp.crypto;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * kcptun's cipher names, the key each one takes, and the slice of kcptun's derived 32-byte key
 * ({@link PacketCiphers#kcptunKey}) it uses. The JDK serves AES (a HotSpot intrinsic) and
 * Blowfish; BouncyCastle's lightweight engines serve salsa20, twofish, cast5, xtea and sm4 (an
 * optional dependency: without it those five fail with a message naming the artifact); 3des,
 * kcp-go's shortened TEA and xor are our own. Each choice was the faster one in a measurement of
 * 1400-byte datagrams.
 */
public enum CipherKind {
    AES("aes", 32, 32, 32, 1, k -> new JceCfbCipher("aes", "AES", 16, k)),
    AES_128("aes-128", 16, 16, 16, 1, k -> new JceCfbCipher("aes-128", "AES", 16, k)),
    AES_192("aes-192", 24, 24, 24, 1, k -> new JceCfbCipher("aes-192", "AES", 16, k)),
    SALSA20("salsa20", 32, 32, 32, 1, k -> BouncyCastleEngines.salsa20(k)),
    BLOWFISH("blowfish", 32, 4, 56, 1, k -> new JceCfbCipher("blowfish", "Blowfish", 8, k)),
    TWOFISH("twofish", 32, 16, 32, 8, k -> BouncyCastleEngines.twofish(k)),
    CAST5("cast5", 16, 16, 16, 1, k -> BouncyCastleEngines.cast5(k)),
    TRIPLE_DES("3des", 24, 24, 24, 1, k -> new EngineCfbCipher("3des", new TripleDes(k))),
    TEA("tea", 16, 16, 16, 1, k -> new EngineCfbCipher("tea", new KcpTea(k))),
    XTEA("xtea", 16, 16, 16, 1, k -> BouncyCastleEngines.xtea(k)),
    XOR("xor", 32, 1, Integer.MAX_VALUE, 1, XorCipher::new),
    SM4("sm4", 16, 16, 16, 1, k -> BouncyCastleEngines.sm4(k)),
    /** No encryption, but the nonce and CRC header is still sent: integrity only. */
    NONE("none", 0, 0, Integer.MAX_VALUE, 1, k -> IdentityCipher.NONE),
    /** No BlockCrypt at all: no header; {@link PacketCipher#hasHeader()} is false. */
    NULL("null", 0, 0, Integer.MAX_VALUE, 1, k -> IdentityCipher.NULL);

    private static final List<String> NAMES;

    static {
        List<String> names = new ArrayList<>();
        for (CipherKind kind : values()) {
            names.add(kind.id);
        }
        NAMES = Collections.unmodifiableList(names);
    }

    private final String id;
    private final int kcptunKeyLength;
    private final int minKey;
    private final int maxKey;
    private final int keyStep;
    private final Function<byte[], PacketCipher> factory;

    CipherKind(String id, int kcptunKeyLength, int minKey, int maxKey, int keyStep,
            Function<byte[], PacketCipher> factory) {
        this.id = id;
        this.kcptunKeyLength = kcptunKeyLength;
        this.minKey = minKey;
        this.maxKey = maxKey;
        this.keyStep = keyStep;
        this.factory = factory;
    }

    /** kcptun's name, e.g. {@code "aes-128"}. */
    public String id() {
        return id;
    }

    /** How many leading bytes of kcptun's derived key this cipher takes (0: it takes none). */
    public int kcptunKeyLength() {
        return kcptunKeyLength;
    }

    /** Whether {@link #create} accepts a key of this many bytes. */
    public boolean acceptsKeyLength(int length) {
        return length >= minKey && length <= maxKey && (length - minKey) % keyStep == 0;
    }

    /**
     * A new cipher with this key (copied; {@code none} and {@code null} ignore it and accept
     * {@code null}).
     *
     * @throws IllegalArgumentException if the key length is not allowed; the message says which
     *     lengths are
     */
    public PacketCipher create(byte[] key) {
        if (kcptunKeyLength == 0) {
            return factory.apply(null);
        }
        if (key == null || !acceptsKeyLength(key.length)) {
            throw new IllegalArgumentException("cipher '" + id + "' needs " + describeKeyLengths()
                    + ", got " + (key == null ? "no key" : key.length + " bytes"));
        }
        if (needsBouncyCastle() && !bouncyCastlePresent()) {
            throw new IllegalStateException("cipher '" + id + "' needs BouncyCastle: add "
                    + "org.bouncycastle:bcprov-jdk18on (1.78 or later) to the class or module path");
        }
        return factory.apply(key.clone());
    }

    /** True when BouncyCastle's classes can be loaded (asked here: not from a class naming them). */
    private static boolean bouncyCastlePresent() {
        try {
            Class.forName("org.bouncycastle.crypto.BlockCipher", false, CipherKind.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** @return true for the ciphers that run on BouncyCastle's engines (an optional dependency) */
    public boolean needsBouncyCastle() {
        return this == SALSA20 || this == TWOFISH || this == CAST5 || this == XTEA || this == SM4;
    }

    /**
     * The kind kcptun calls {@code name} (exact, lower case).
     *
     * @throws IllegalArgumentException for an unknown name; the message lists the valid ones
     */
    public static CipherKind of(String name) {
        for (CipherKind kind : values()) {
            if (kind.id.equals(name)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown cipher '" + name + "'; valid names: "
                + String.join(", ", NAMES));
    }

    /** All names, in kcptun's order, starting with the default {@code aes}. */
    public static List<String> names() {
        return NAMES;
    }

    private String describeKeyLengths() {
        if (minKey == maxKey) {
            return "a key of " + minKey + " bytes";
        }
        if (maxKey == Integer.MAX_VALUE) {
            return "a key of at least " + minKey + (minKey == 1 ? " byte" : " bytes");
        }
        if (keyStep == 1) {
            return "a key of " + minKey + " to " + maxKey + " bytes";
        }
        StringBuilder s = new StringBuilder("a key of ");
        for (int n = minKey; n <= maxKey; n += keyStep) {
            s.append(n).append(n + keyStep > maxKey ? " bytes" : n + 2 * keyStep > maxKey
                    ? " or " : ", ");
        }
        return s.toString();
    }
}
