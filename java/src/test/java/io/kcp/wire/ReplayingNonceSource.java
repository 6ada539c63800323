package io.kcp.wire;

import java.nio.ByteBuffer;

/** Hands out a fixed list of nonces once, in order. */
final class ReplayingNonceSource implements NonceSource {

    private final byte[][] nonces;
    private int next;

    ReplayingNonceSource(byte[]... nonces) {
        this.nonces = new byte[nonces.length][];
        for (int i = 0; i < nonces.length; i++) {
            if (nonces[i].length != SIZE) {
                throw new IllegalArgumentException("nonce " + i + " has " + nonces[i].length
                        + " bytes; nonces have " + SIZE);
            }
            this.nonces[i] = nonces[i].clone();
        }
    }

    @Override
    public void fill(ByteBuffer dst, int index) {
        if (next == nonces.length) {
            throw new IllegalStateException("all " + nonces.length + " nonces have been used");
        }
        dst.put(index, nonces[next++], 0, SIZE);
    }
}
