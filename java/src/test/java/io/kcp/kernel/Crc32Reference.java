package io.kcp.kernel;

import java.nio.ByteBuffer;
import java.util.Random;

/** The CRC-32 definition one bit at a time, and the buffer kinds the tests run over. */
public final class Crc32Reference {

    private Crc32Reference() {
    }

    public static int crc(byte[] b, int off, int len) {
        int s = 0xFFFFFFFF;
        for (int i = off; i < off + len; i++) {
            s ^= b[i] & 0xFF;
            for (int k = 0; k < 8; k++) {
                s = (s & 1) != 0 ? (s >>> 1) ^ 0xEDB88320 : s >>> 1;
            }
        }
        return ~s;
    }

    /** Ways a checksummed range reaches an implementation. */
    public enum Kind {
        /** array offset 0 */
        HEAP,
        /** a slice: nonzero array offset */
        HEAP_SLICE,
        DIRECT,
        /** a slice: the address moves, any alignment */
        DIRECT_SLICE,
        /** no accessible array */
        READ_ONLY_HEAP,
        READ_ONLY_DIRECT;

        /**
         * A buffer whose bytes [0, limit) equal {@code content}, random bytes after the limit,
         * and a random position and mark that a checksum must leave alone.
         */
        public ByteBuffer wrap(byte[] content, Random rnd) {
            int front = this == HEAP || this == DIRECT ? 0 : rnd.nextInt(64);
            byte[] padded = new byte[front + content.length + rnd.nextInt(32)];
            rnd.nextBytes(padded);
            System.arraycopy(content, 0, padded, front, content.length);
            boolean direct = this == DIRECT || this == DIRECT_SLICE || this == READ_ONLY_DIRECT;
            ByteBuffer b = direct
                    ? ByteBuffer.allocateDirect(padded.length).put(0, padded)
                    : ByteBuffer.wrap(padded);
            b = b.position(front).slice().limit(content.length);
            int mark = rnd.nextInt(content.length + 1);
            b.position(mark).mark();
            b.position(mark + rnd.nextInt(content.length + 1 - mark));
            return this == READ_ONLY_HEAP || this == READ_ONLY_DIRECT ? b.asReadOnlyBuffer() : b;
        }
    }
}
