package io.kcp.cli;

import java.nio.ByteBuffer;

/**
 * The 17-byte request header a client sends first: {@code op u8 | count u64 | seed u64},
 * big-endian, and the protocol's other fixed sizes.
 */
record ProtocolHeader(Op op, long count, long seed) {

    static final int SIZE = 17;
    /** SINK's answer: {@code received u64 | crc32 u32}. */
    static final int REPLY_SIZE = 12;
    /** A PING message: {@code seq u64 | client time u64}, echoed unchanged. */
    static final int PING_SIZE = 16;
    /** Ends a session: the client's "all verified" and the server's answer. */
    static final byte BYE = 0x42;

    byte[] encode() {
        return ByteBuffer.allocate(SIZE).put((byte) op.code).putLong(count).putLong(seed).array();
    }

    /**
     * Decodes a header.
     *
     * @throws ProtocolException for an op the protocol does not define
     */
    static ProtocolHeader decode(byte[] b) throws ProtocolException {
        ByteBuffer buf = ByteBuffer.wrap(b, 0, SIZE);
        int code = buf.get() & 0xFF;
        Op op = Op.ofCode(code);
        if (op == null) throw new ProtocolException("unknown op " + code);
        return new ProtocolHeader(op, buf.getLong(), buf.getLong());
    }

    static byte[] encodeReply(long received, int crc) {
        return ByteBuffer.allocate(REPLY_SIZE).putLong(received).putInt(crc).array();
    }
}
