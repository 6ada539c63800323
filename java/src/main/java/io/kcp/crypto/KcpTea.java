package io.kcp.crypto;

/**
 * TEA as kcp-go uses it: {@code x/crypto/tea.NewCipherWithRounds(key, 16)}, i.e. 16 Feistel
 * rounds = 8 cycles (standard TEA has 32 cycles, which is all BouncyCastle's TEAEngine offers),
 * big-endian words. Only the forward direction: CFB never decrypts blocks.
 */
final class KcpTea implements BlockFunction {

    private static final int DELTA = 0x9e3779b9;
    private static final int CYCLES = 8;

    private final int k0;
    private final int k1;
    private final int k2;
    private final int k3;

    /** {@code key} is 16 bytes. */
    KcpTea(byte[] key) {
        k0 = word(key, 0);
        k1 = word(key, 4);
        k2 = word(key, 8);
        k3 = word(key, 12);
    }

    @Override
    public int blockSize() {
        return 8;
    }

    @Override
    public void encryptBlock(byte[] in, int inOff, byte[] out, int outOff) {
        int v0 = word(in, inOff);
        int v1 = word(in, inOff + 4);
        int sum = 0;
        for (int i = 0; i < CYCLES; i++) {
            sum += DELTA;
            v0 += ((v1 << 4) + k0) ^ (v1 + sum) ^ ((v1 >>> 5) + k1);
            v1 += ((v0 << 4) + k2) ^ (v0 + sum) ^ ((v0 >>> 5) + k3);
        }
        put(out, outOff, v0);
        put(out, outOff + 4, v1);
    }

    private static int word(byte[] b, int i) {
        return (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8
                | (b[i + 3] & 0xff);
    }

    private static void put(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 24);
        b[i + 1] = (byte) (v >>> 16);
        b[i + 2] = (byte) (v >>> 8);
        b[i + 3] = (byte) v;
    }
}
