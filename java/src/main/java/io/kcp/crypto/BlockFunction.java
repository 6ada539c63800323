package io.kcp.crypto;

import org.bouncycastle.crypto.BlockCipher;
import org.bouncycastle.crypto.params.KeyParameter;

/** The forward direction of a block cipher: all that CFB needs. */
interface BlockFunction {

    int blockSize();

    /** Encrypts one block from {@code in[inOff]} to {@code out[outOff]}. */
    void encryptBlock(byte[] in, int inOff, byte[] out, int outOff);

    /** A BouncyCastle engine keyed for encryption. */
    static BlockFunction of(BlockCipher engine, byte[] key) {
        engine.init(true, new KeyParameter(key));
        int size = engine.getBlockSize();
        return new BlockFunction() {
            @Override
            public int blockSize() {
                return size;
            }

            @Override
            public void encryptBlock(byte[] in, int inOff, byte[] out, int outOff) {
                engine.processBlock(in, inOff, out, outOff);
            }
        };
    }
}
