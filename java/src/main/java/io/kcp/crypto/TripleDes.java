package io.kcp.crypto;

import java.util.Arrays;
import org.bouncycastle.crypto.engines.DESEngine;

/**
 * 3DES-EDE3 (encrypt k1, decrypt k2, encrypt k3; 24-byte key, as Go's
 * {@code des.NewTripleDESCipher}) built from BouncyCastle's DES rounds. Measured faster than the
 * JDK's DESede, and unlike BouncyCastle's DESedeEngine it allocates nothing per block.
 */
final class TripleDes extends DESEngine implements BlockFunction {

    private final int[] k1;
    private final int[] k2;
    private final int[] k3;

    /** {@code key} is 24 bytes. */
    TripleDes(byte[] key) {
        k1 = generateWorkingKey(true, Arrays.copyOfRange(key, 0, 8));
        k2 = generateWorkingKey(false, Arrays.copyOfRange(key, 8, 16));
        k3 = generateWorkingKey(true, Arrays.copyOfRange(key, 16, 24));
    }

    @Override
    public int blockSize() {
        return 8;
    }

    @Override
    public void encryptBlock(byte[] in, int inOff, byte[] out, int outOff) {
        // desFunc reads its whole input before writing, so the later passes work in place.
        desFunc(k1, in, inOff, out, outOff);
        desFunc(k2, out, outOff, out, outOff);
        desFunc(k3, out, outOff, out, outOff);
    }
}
