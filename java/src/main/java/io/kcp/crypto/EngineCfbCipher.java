package io.kcp.crypto;

/**
 * kcp-go's CFB over a block function with no JCE behind it (BouncyCastle engines and kcp-go's
 * TEA): a plain block-by-block loop, in place.
 */
final class EngineCfbCipher extends AbstractPacketCipher {

    private final BlockFunction block;
    private final int size;
    private final byte[] k0;
    private final byte[] ks;
    private final byte[] next;

    EngineCfbCipher(String name, BlockFunction block) {
        super(name);
        this.block = block;
        this.size = block.blockSize();
        this.k0 = new byte[size];
        block.encryptBlock(Cfb.iv(size), 0, k0, 0);
        this.ks = new byte[size];
        this.next = new byte[size];
    }

    @Override
    void encryptChecked(byte[] buf, int off, int len) {
        byte[] k = ks;
        System.arraycopy(k0, 0, k, 0, size);
        int p = off;
        int end = off + len;
        while (end - p >= size) {
            Xor.into(buf, p, k, 0, size);
            if (end - p > size) {
                block.encryptBlock(buf, p, k, 0);
            }
            p += size;
        }
        Xor.into(buf, p, k, 0, end - p);
    }

    @Override
    void decryptChecked(byte[] buf, int off, int len) {
        byte[] k = ks;
        byte[] n = next;
        System.arraycopy(k0, 0, k, 0, size);
        int p = off;
        int end = off + len;
        while (end - p >= size) {
            // Take the next keystream block from the ciphertext before it is overwritten.
            if (end - p > size) {
                block.encryptBlock(buf, p, n, 0);
            }
            Xor.into(buf, p, k, 0, size);
            byte[] t = k;
            k = n;
            n = t;
            p += size;
        }
        Xor.into(buf, p, k, 0, end - p);
    }
}
