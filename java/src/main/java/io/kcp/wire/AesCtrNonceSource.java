package io.kcp.wire;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Nonces from an AES-128-CTR keystream with a random key and counter start: the output of a
 * block cipher in counter mode is indistinguishable from random and never repeats within 2^128
 * blocks, and AES is a HotSpot intrinsic. SecureRandom itself is not used per block because its
 * default Linux implementation allocates while it generates.
 */
final class AesCtrNonceSource implements NonceSource {

    private static final int BLOCK = 4096;
    /** Seeds every instance; SecureRandom is thread-safe. */
    private static final SecureRandom SEEDS = new SecureRandom();

    private final Cipher ctr;
    private final byte[] zeros = new byte[BLOCK];
    private final byte[] stream = new byte[BLOCK];
    private int used = BLOCK;

    AesCtrNonceSource() {
        byte[] key = new byte[16];
        byte[] iv = new byte[16];
        SEEDS.nextBytes(key);
        SEEDS.nextBytes(iv);
        try {
            ctr = Cipher.getInstance("AES/CTR/NoPadding");
            ctr.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/CTR/NoPadding is part of every Java SE runtime", e);
        }
    }

    @Override
    public void fill(ByteBuffer dst, int index) {
        if (used == BLOCK) {
            refill();
        }
        dst.put(index, stream, used, SIZE);
        used += SIZE;
    }

    private void refill() {
        try {
            if (ctr.update(zeros, 0, BLOCK, stream, 0) != BLOCK) {
                throw new IllegalStateException("AES-CTR returned a short block");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR keystream", e);
        }
        used = 0;
    }
}
