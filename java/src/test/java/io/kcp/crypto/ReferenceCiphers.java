package io.kcp.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.BlockCipher;
import org.bouncycastle.crypto.engines.CAST5Engine;
import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.engines.Salsa20Engine;
import org.bouncycastle.crypto.engines.TwofishEngine;
import org.bouncycastle.crypto.engines.XTEAEngine;
import org.bouncycastle.crypto.modes.CFBBlockCipher;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * Straightforward, allocation-happy encryptions built differently from the production code
 * (stock CFB modes, fresh engines, PBKDF2 over javax.crypto.Mac), to compare against at any
 * length. TEA has no stock counterpart (kcp-go's 8-cycle variant); its vector covers it.
 */
final class ReferenceCiphers {

    private static final byte[] IV = Vectors.hex("a7734f9c12ac1b01a415f2c1fc78e66b");

    private ReferenceCiphers() {
    }

    static boolean has(CipherKind kind) {
        return kind != CipherKind.TEA;
    }

    static byte[] encrypt(CipherKind kind, byte[] key, byte[] plain) throws GeneralSecurityException {
        switch (kind) {
            case AES:
            case AES_128:
            case AES_192:
                return jceCfb("AES", 16, key, plain);
            case TRIPLE_DES:
                return jceCfb("DESede", 8, key, plain);
            case BLOWFISH:
                return jceCfb("Blowfish", 8, key, plain);
            case TWOFISH:
                return bcCfb(new TwofishEngine(), key, plain);
            case CAST5:
                return bcCfb(new CAST5Engine(), key, plain);
            case XTEA:
                return bcCfb(new XTEAEngine(), key, plain);
            case SM4:
                return bcCfb(new SM4Engine(), key, plain);
            case SALSA20:
                return salsa20(key, plain);
            case XOR:
                return xor(key, plain);
            case NONE:
            case NULL:
                return plain.clone();
            default:
                throw new IllegalArgumentException("no reference for " + kind);
        }
    }

    private static byte[] jceCfb(String alg, int blockSize, byte[] key, byte[] plain)
            throws GeneralSecurityException {
        Cipher c = Cipher.getInstance(alg + "/CFB/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, alg),
                new IvParameterSpec(Arrays.copyOf(IV, blockSize)));
        return c.doFinal(plain);
    }

    private static byte[] bcCfb(BlockCipher engine, byte[] key, byte[] plain) {
        int size = engine.getBlockSize();
        CFBBlockCipher cfb = (CFBBlockCipher) CFBBlockCipher.newInstance(engine, size * 8);
        cfb.init(true, new ParametersWithIV(new KeyParameter(key), Arrays.copyOf(IV, size)));
        byte[] out = new byte[plain.length];
        cfb.processBytes(plain, 0, plain.length, out, 0);
        return out;
    }

    private static byte[] salsa20(byte[] key, byte[] plain) {
        Salsa20Engine s = new Salsa20Engine();
        s.init(true, new ParametersWithIV(new KeyParameter(key), Arrays.copyOf(plain, 8)));
        byte[] out = plain.clone();
        s.processBytes(plain, 8, plain.length - 8, out, 8);
        return out;
    }

    private static byte[] xor(byte[] key, byte[] plain) throws GeneralSecurityException {
        byte[] table = pbkdf2Sha1(key, "sH3CIVoF#rWLtJo6".getBytes(), 32, 1500);
        byte[] out = plain.clone();
        for (int i = 0; i < Math.min(out.length, table.length); i++) {
            out[i] ^= table[i];
        }
        return out;
    }

    /** RFC 8018 PBKDF2 with HMAC-SHA1, written out from the definition. */
    static byte[] pbkdf2Sha1(byte[] password, byte[] salt, int iterations, int length)
            throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA1");
        // The JDK rejects empty HMAC keys; PBKDF2 allows them (HMAC pads the key with zeros).
        mac.init(new SecretKeySpec(password.length == 0 ? new byte[1] : password, "HmacSHA1"));
        byte[] out = new byte[length];
        for (int block = 1, done = 0; done < length; block++) {
            mac.update(salt);
            mac.update(new byte[] {(byte) (block >>> 24), (byte) (block >>> 16), (byte) (block >>> 8), (byte) block});
            byte[] u = mac.doFinal();
            byte[] t = u.clone();
            for (int i = 1; i < iterations; i++) {
                u = mac.doFinal(u);
                for (int j = 0; j < t.length; j++) {
                    t[j] ^= u[j];
                }
            }
            int n = Math.min(t.length, length - done);
            System.arraycopy(t, 0, out, done, n);
            done += n;
        }
        return out;
    }
}
