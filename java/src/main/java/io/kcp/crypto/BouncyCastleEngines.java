package io.kcp.crypto;

import org.bouncycastle.crypto.engines.CAST5Engine;
import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.engines.TwofishEngine;
import org.bouncycastle.crypto.engines.XTEAEngine;

/**
 * The ciphers built on BouncyCastle's engines, the only classes here that name BouncyCastle: it
 * is an optional dependency, loaded only when one of these ciphers is asked for (see
 * {@link CipherKind#create}).
 */
final class BouncyCastleEngines {

    private BouncyCastleEngines() {
    }

    static PacketCipher salsa20(byte[] key) {
        return new Salsa20Cipher(key);
    }

    static PacketCipher twofish(byte[] key) {
        return new EngineCfbCipher("twofish", BlockFunction.of(new TwofishEngine(), key));
    }

    static PacketCipher cast5(byte[] key) {
        return new EngineCfbCipher("cast5", BlockFunction.of(new CAST5Engine(), key));
    }

    static PacketCipher xtea(byte[] key) {
        return new EngineCfbCipher("xtea", BlockFunction.of(new XTEAEngine(), key));
    }

    static PacketCipher sm4(byte[] key) {
        return new EngineCfbCipher("sm4", BlockFunction.of(new SM4Engine(), key));
    }
}
