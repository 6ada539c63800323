package io.kcp.mux;

import java.nio.ByteBuffer;

/**
 * The smux wire format (docs/mux.md): an 8-byte header, little-endian, then the payload.
 * <pre>
 *   0      1      2..3        4..7
 *   ver    cmd    length      stream id
 * </pre>
 */
final class Frames {

    static final int HEADER_BYTES = 8;

    static final int SYN = 0;
    static final int FIN = 1;
    static final int PSH = 2;
    static final int NOP = 3;
    /** Version 2 only in meaning; a version 1 peer may still receive one and ignore it. */
    static final int UPD = 4;

    /** An UPD frame's payload: bytes consumed (u32), then the receive window (u32). */
    static final int UPD_BYTES = 8;

    /** The window a version 2 writer assumes before the peer's first UPD. */
    static final int INITIAL_PEER_WINDOW = 262144;

    private Frames() {
    }

    /** Appends a header; {@code out} must have room for {@link #HEADER_BYTES}. */
    static void putHeader(ByteBuffer out, int version, int cmd, int sid, int length) {
        out.put((byte) version);
        out.put((byte) cmd);
        out.put((byte) length);
        out.put((byte) (length >>> 8));
        putInt(out, sid);
    }

    /** Appends a u32, little-endian. */
    static void putInt(ByteBuffer out, int v) {
        out.put((byte) v);
        out.put((byte) (v >>> 8));
        out.put((byte) (v >>> 16));
        out.put((byte) (v >>> 24));
    }

    static int getInt(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16
                | (b[off + 3] & 0xFF) << 24;
    }

    static String commandName(int cmd) {
        switch (cmd) {
            case SYN: return "SYN";
            case FIN: return "FIN";
            case PSH: return "PSH";
            case NOP: return "NOP";
            case UPD: return "UPD";
            default: return "command " + cmd;
        }
    }
}
