package io.kcp.wire;

import io.kcp.format.LittleEndian;
import io.kcp.format.Wire;
import io.kcp.fec.FecPacket;
import java.nio.ByteBuffer;

/**
 * The structure check a listener runs before it spends anything on a new peer: would the ARQ
 * take this decrypted payload at all? Creating a session costs far more than this walk over the
 * segment headers, so junk never gets that far.
 */
public final class KcpPackets {

    private static final int OVERHEAD = Wire.KCP_OVERHEAD;
    private static final int CMD_PUSH = 81;
    private static final int CMD_WINS = 84;

    private KcpPackets() {
    }

    /**
     * True if the payload (FEC or KCP bytes between position and limit, as after
     * {@link InboundPipeline#decryptAndCheck}) holds KCP segments that all share the first one's
     * conv, have a known command and fit their claimed lengths: a plain KCP datagram, or an FEC
     * data shard whose size field holds such segments. Parity shards are not well formed here
     * (they carry no conv). Position and limit do not move.
     */
    public static boolean wellFormed(ByteBuffer payload) {
        int off = payload.position();
        int end = payload.limit();
        if (end - off < OVERHEAD) return false;
        int flag = LittleEndian.u16(payload, off + 4);
        if (flag == FecPacket.TYPE_PARITY) return false;
        if (flag == FecPacket.TYPE_DATA) {
            if (end - off < FecPacket.HEADER_SIZE_PLUS2 + OVERHEAD) return false;
            int size = LittleEndian.u16(payload, off + FecPacket.HEADER_SIZE);
            if (size < 2 + OVERHEAD || size > end - off - FecPacket.HEADER_SIZE) return false;
            off += FecPacket.HEADER_SIZE_PLUS2;
            end = off + size - 2;
        }
        int conv = payload.getInt(off);
        while (end - off >= OVERHEAD) {
            if (payload.getInt(off) != conv) return false;
            int cmd = payload.get(off + 4) & 0xFF;
            if (cmd < CMD_PUSH || cmd > CMD_WINS) return false;
            long len = Integer.toUnsignedLong(LittleEndian.u32(payload, off + 20));
            off += OVERHEAD;
            if (len > end - off) return false;
            off += (int) len;
        }
        return true;
    }

    /**
     * True if the payload is {@linkplain #wellFormed well formed} and its first KCP segment is a
     * PUSH with sn 0: the first datagram of a conversation, the only kind a listener opens a new
     * session for. A datagram from the middle of a conversation (a replay, or a peer whose
     * session ended) could never deliver anything to a fresh session, whose receive window
     * starts at sn 0.
     */
    public static boolean startsConversation(ByteBuffer payload) {
        if (!wellFormed(payload)) return false;
        int off = payload.position();
        if (LittleEndian.u16(payload, off + 4) == FecPacket.TYPE_DATA) off += FecPacket.HEADER_SIZE_PLUS2;
        return (payload.get(off + 4) & 0xFF) == CMD_PUSH && payload.getInt(off + 12) == 0;
    }


}
