package io.kcp.mux;

import java.nio.ByteBuffer;

/**
 * Splits a byte stream into smux frames as the bytes arrive, in pieces of any size. A PSH
 * payload is handed on in the pieces it arrived in, never gathered, so what the parser holds
 * does not depend on the lengths the peer declares: 16 bytes of state, whatever the input.
 * Framing errors throw {@link MuxProtocolException}; after one, the parser must not be fed again.
 */
final class FrameParser {

    /** What the frames say. Called on the parsing thread, in wire order. */
    interface Handler {
        void syn(int sid);

        void fin(int sid);

        void nop();

        void update(int sid, int consumed, int window);

        /**
         * Part of a PSH frame's payload: the bytes between {@code payload}'s position and limit.
         * The handler may move the position; the parser sets it past the part afterwards.
         */
        void push(int sid, ByteBuffer payload);
    }

    private final int version;
    private final byte[] header = new byte[Frames.HEADER_BYTES];
    private final byte[] updBytes = new byte[Frames.UPD_BYTES];
    private int headerFill;
    private int updFill;
    private boolean inPayload;
    private int cmd;
    private int sid;
    private int remaining;
    private long offset;   // bytes consumed so far, for error messages
    private long frames;

    FrameParser(int version) {
        this.version = version;
    }

    /** Complete frames seen so far. */
    long frames() {
        return frames;
    }

    /** Consumes all of {@code in}. */
    void feed(ByteBuffer in, Handler h) throws MuxProtocolException {
        while (in.hasRemaining()) {
            if (!inPayload) {
                int n = Math.min(Frames.HEADER_BYTES - headerFill, in.remaining());
                in.get(header, headerFill, n);
                headerFill += n;
                offset += n;
                if (headerFill < Frames.HEADER_BYTES) return;
                headerFill = 0;
                startFrame(h);
            } else if (cmd == Frames.PSH) {
                int n = Math.min(remaining, in.remaining());
                int end = in.position() + n;
                int limit = in.limit();
                in.limit(end);
                h.push(sid, in);
                in.limit(limit);
                in.position(end);
                offset += n;
                remaining -= n;
                if (remaining == 0) {
                    inPayload = false;
                    frames++;
                }
            } else {
                int n = Math.min(Frames.UPD_BYTES - updFill, in.remaining());
                in.get(updBytes, updFill, n);
                updFill += n;
                offset += n;
                if (updFill == Frames.UPD_BYTES) {
                    inPayload = false;
                    frames++;
                    h.update(sid, Frames.getInt(updBytes, 0), Frames.getInt(updBytes, 4));
                }
            }
        }
    }

    private void startFrame(Handler h) throws MuxProtocolException {
        int ver = header[0] & 0xFF;
        cmd = header[1] & 0xFF;
        int length = (header[2] & 0xFF) | (header[3] & 0xFF) << 8;
        sid = Frames.getInt(header, 4);
        long at = offset - Frames.HEADER_BYTES;
        if (ver != version) {
            throw new MuxProtocolException("smux frame of version " + ver + " at byte " + at
                    + ", but this session speaks version " + version + versionHint(ver, at));
        }
        switch (cmd) {
            case Frames.SYN:
            case Frames.FIN:
            case Frames.NOP:
                if (length != 0) {
                    throw new MuxProtocolException(Frames.commandName(cmd) + " frame for stream "
                            + Integer.toUnsignedString(sid) + " at byte " + at + " declares "
                            + length + " payload bytes; it carries none");
                }
                frames++;
                if (cmd == Frames.SYN) h.syn(sid);
                else if (cmd == Frames.FIN) h.fin(sid);
                else h.nop();
                return;
            case Frames.PSH:
                if (length == 0) {
                    frames++;
                    return;
                }
                remaining = length;
                inPayload = true;
                return;
            case Frames.UPD:
                if (length != Frames.UPD_BYTES) {
                    throw new MuxProtocolException("UPD frame for stream "
                            + Integer.toUnsignedString(sid) + " at byte " + at + " declares "
                            + length + " payload bytes; it must carry " + Frames.UPD_BYTES);
                }
                updFill = 0;
                inPayload = true;
                return;
            default:
                throw new MuxProtocolException("unknown smux command " + cmd + " at byte " + at
                        + " (known: SYN 0, FIN 1, PSH 2, NOP 3, UPD 4)");
        }
    }

    private static String versionHint(int ver, long at) {
        if (ver == 0xFF && at == 0) {
            return " (0xff opens a snappy stream: the peer compresses and this end does not;"
                    + " both ends must agree on compression)";
        }
        if ((ver == 1 || ver == 2)) return " (both ends must use the same smux version)";
        return " (the byte stream is not smux: do both ends agree on compression and version?)";
    }
}
