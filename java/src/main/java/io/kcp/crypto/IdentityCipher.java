package io.kcp.crypto;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.Objects;

/**
 * {@code none} (header present, bytes unchanged) and {@code null} (no header at all). Stateless,
 * so one shared instance each; the argument checks match the other ciphers'.
 */
final class IdentityCipher implements PacketCipher {

    static final IdentityCipher NONE = new IdentityCipher("none", true);
    static final IdentityCipher NULL = new IdentityCipher("null", false);

    private final String name;
    private final boolean header;

    private IdentityCipher(String name, boolean header) {
        this.name = name;
        this.header = header;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean hasHeader() {
        return header;
    }

    @Override
    public void encrypt(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
    }

    @Override
    public void decrypt(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
    }

    @Override
    public void encrypt(ByteBuffer buf) {
        checkWritable(buf);
    }

    @Override
    public void decrypt(ByteBuffer buf) {
        checkWritable(buf);
    }

    private static void checkWritable(ByteBuffer buf) {
        if (buf.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
    }

    @Override
    public String toString() {
        return "PacketCipher[" + name + "]";
    }
}
