package io.kcp.crypto;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import org.bouncycastle.crypto.engines.Salsa20Engine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * kcp-go's salsa20: Salsa20/20 with a 32-byte key; the first 8 bytes of the datagram are the
 * nonce and stay in clear; the keystream (block counter from 0) is XORed over the rest.
 *
 * <p>BouncyCastle's engine lays out the state and runs the Salsa20 core; the XOR is done here a
 * word at a time, because the engine's {@code processBytes} goes byte by byte and its
 * {@code init} copies the nonce into a new parameter object.
 */
final class Salsa20Cipher extends AbstractPacketCipher {

    static final int NONCE = 8;
    private static final VarHandle LE_INT =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private final Engine engine = new Engine();

    Salsa20Cipher(byte[] key) {
        super("salsa20");
        engine.init(true, new ParametersWithIV(new KeyParameter(key), new byte[NONCE]));
    }

    @Override
    void encryptChecked(byte[] buf, int off, int len) {
        crypt(buf, off, len);
    }

    @Override
    void decryptChecked(byte[] buf, int off, int len) {
        crypt(buf, off, len);
    }

    private void crypt(byte[] buf, int off, int len) {
        if (len < NONCE) {
            throw new IllegalArgumentException("salsa20 needs a datagram of at least " + NONCE
                    + " bytes (its nonce), got " + len);
        }
        engine.xor(buf, off, off + NONCE, off + len);
    }

    /** Access to the engine's state: words 6-7 hold the nonce, 8-9 the block counter. */
    private static final class Engine extends Salsa20Engine {

        void xor(byte[] buf, int nonceOff, int from, int to) {
            int[] state = engineState;
            int[] block = x;
            state[6] = (int) LE_INT.get(buf, nonceOff);
            state[7] = (int) LE_INT.get(buf, nonceOff + 4);
            state[8] = 0;
            state[9] = 0;
            int p = from;
            while (p < to) {
                salsaCore(rounds, state, block);
                if (++state[8] == 0) {
                    state[9]++;
                }
                if (to - p >= 64) {
                    for (int w = 0; w < 16; w++, p += 4) {
                        LE_INT.set(buf, p, (int) LE_INT.get(buf, p) ^ block[w]);
                    }
                } else {
                    for (int j = 0; p < to; j++, p++) {
                        buf[p] ^= (byte) (block[j >>> 2] >>> ((j & 3) << 3));
                    }
                }
            }
        }
    }
}
