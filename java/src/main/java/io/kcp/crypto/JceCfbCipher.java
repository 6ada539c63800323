package io.kcp.crypto;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.NoSuchProviderException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * kcp-go's CFB over a JDK block cipher, arranged so that each datagram costs one bulk JCE call.
 *
 * <p>Why not {@code AES/CFB/NoPadding}: the JDK's CFB runs one block at a time outside the AES
 * intrinsics' bulk loops, and in place it copies the input on every call (measured on JDK 17
 * for 1400 bytes: 2.7 us and a 1.4 KB copy, against 1.2 us encrypting and 0.2 us decrypting
 * here). Two identities let the intrinsified bulk modes do the work instead. With the fixed IV, {@code K0 = E(IV)} is a
 * constant, and
 * <ul>
 * <li>CFB encryption: {@code C[i] = P[i] ^ Y[i-1]} where {@code Y = CBC-encrypt(P, iv = K0)}
 *     and {@code Y[-1] = K0} (by induction {@code Y[i] = E(C[i])});
 * <li>CFB decryption: {@code P[i] = C[i] ^ E(C[i-1])}, with {@code E(C[-1]) = K0}: one ECB
 *     call over the ciphertext, which is parallel.
 * </ul>
 * Both write the keystream to {@code scratch} behind a copy of K0, so that byte {@code k} of
 * the datagram is XORed with {@code scratch[k]}. {@code doFinal} returns the JCE ciphers to
 * their initial state, so they are initialised once.
 */
final class JceCfbCipher extends AbstractPacketCipher {

    private final int blockSize;
    private final Cipher cbc;
    private final Cipher ecb;
    private final byte[] k0;
    private byte[] scratch;

    /** {@code algorithm} is a JCE block cipher name, e.g. AES or Blowfish. */
    JceCfbCipher(String name, String algorithm, int blockSize, byte[] key) {
        super(name);
        this.blockSize = blockSize;
        SecretKeySpec spec = new SecretKeySpec(key, algorithm);
        try {
            ecb = jdkCipher(algorithm + "/ECB/NoPadding");
            ecb.init(Cipher.ENCRYPT_MODE, spec);
            k0 = ecb.doFinal(Cfb.iv(blockSize));
            cbc = jdkCipher(algorithm + "/CBC/NoPadding");
            cbc.init(Cipher.ENCRYPT_MODE, spec, new IvParameterSpec(k0));
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("cipher '" + name + "' rejected the key: "
                    + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot provide " + algorithm, e);
        }
        scratch = new byte[2048];
        System.arraycopy(k0, 0, scratch, 0, blockSize);
    }

    @Override
    void encryptChecked(byte[] buf, int off, int len) {
        int full = len & -blockSize;
        byte[] s = scratchFor(len);
        if (full > 0) {
            bulk(cbc, buf, off, full, s);
        }
        Xor.into(buf, off, s, 0, len);
    }

    @Override
    void decryptChecked(byte[] buf, int off, int len) {
        // Keystream for the blocks after the first: E(previous ciphertext block).
        int prev = len == 0 ? 0 : (len - 1) & -blockSize;
        byte[] s = scratchFor(len);
        if (prev > 0) {
            bulk(ecb, buf, off, prev, s);
        }
        Xor.into(buf, off, s, 0, len);
    }

    /** SunJCE's, the measured one, even when another provider (say BouncyCastle's) comes first. */
    private static Cipher jdkCipher(String transformation) throws GeneralSecurityException {
        try {
            return Cipher.getInstance(transformation, "SunJCE");
        } catch (NoSuchProviderException e) {
            return Cipher.getInstance(transformation);
        }
    }

    private void bulk(Cipher c, byte[] in, int off, int len, byte[] out) {
        try {
            c.doFinal(in, off, len, out, blockSize);
        } catch (GeneralSecurityException e) {
            // Lengths are whole blocks and the output fits: the JDK cannot fail here.
            throw new IllegalStateException(e);
        }
    }

    private byte[] scratchFor(int len) {
        if (scratch.length < len + blockSize) {
            byte[] grown = new byte[Math.max(len + blockSize, 2 * scratch.length)];
            System.arraycopy(k0, 0, grown, 0, blockSize);
            scratch = grown;
        }
        return scratch;
    }
}
