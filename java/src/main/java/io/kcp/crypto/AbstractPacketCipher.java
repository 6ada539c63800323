package io.kcp.crypto;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.Objects;

/** Bounds checks and the ByteBuffer entry points shared by all ciphers. */
abstract class AbstractPacketCipher implements PacketCipher {

    private final String name;
    // Direct buffers go through this copy: the JDK and BouncyCastle ciphers work on arrays, and
    // JCE's own ByteBuffer path allocates a temporary array per call.
    private byte[] bounce = new byte[0];

    AbstractPacketCipher(String name) {
        this.name = name;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public boolean hasHeader() {
        return true;
    }

    @Override
    public final void encrypt(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        encryptChecked(buf, off, len);
    }

    @Override
    public final void decrypt(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        decryptChecked(buf, off, len);
    }

    @Override
    public final void encrypt(ByteBuffer buf) {
        crypt(buf, true);
    }

    @Override
    public final void decrypt(ByteBuffer buf) {
        crypt(buf, false);
    }

    /** {@code off} and {@code len} are within {@code buf}. */
    abstract void encryptChecked(byte[] buf, int off, int len);

    /** {@code off} and {@code len} are within {@code buf}. */
    abstract void decryptChecked(byte[] buf, int off, int len);

    private void crypt(ByteBuffer buf, boolean encrypt) {
        if (buf.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        int pos = buf.position();
        int len = buf.remaining();
        if (buf.hasArray()) {
            run(buf.array(), buf.arrayOffset() + pos, len, encrypt);
            return;
        }
        if (bounce.length < len) {
            // Doubling: datagrams of slowly growing sizes must not reallocate each time.
            bounce = new byte[Math.max(len, Math.max(2048, 2 * bounce.length))];
        }
        buf.get(pos, bounce, 0, len);
        run(bounce, 0, len, encrypt);
        buf.put(pos, bounce, 0, len);
    }

    private void run(byte[] a, int off, int len, boolean encrypt) {
        if (encrypt) {
            encryptChecked(a, off, len);
        } else {
            decryptChecked(a, off, len);
        }
    }

    @Override
    public String toString() {
        return "PacketCipher[" + name + "]";
    }
}
