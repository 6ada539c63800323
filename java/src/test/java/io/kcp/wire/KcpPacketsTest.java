package io.kcp.wire;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The check a listener runs before it opens a session for a new address. */
@Tag("kernel-independent")
class KcpPacketsTest {

    private static ByteBuffer segments(int conv, int... cmdSnLen) {
        int total = 0;
        for (int i = 0; i < cmdSnLen.length; i += 3) total += 24 + cmdSnLen[i + 2];
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < cmdSnLen.length; i += 3) {
            b.putInt(conv).put((byte) cmdSnLen[i]).put((byte) 0).putShort((short) 32).putInt(0)
                    .putInt(cmdSnLen[i + 1]).putInt(0).putInt(cmdSnLen[i + 2]);
            b.position(b.position() + cmdSnLen[i + 2]);
        }
        return b.flip();
    }

    @Test
    void aConversationStartsWithAPushOfSnZero() {
        assertTrue(KcpPackets.startsConversation(segments(7, 81, 0, 10)));
        assertTrue(KcpPackets.startsConversation(segments(7, 81, 0, 10, 81, 1, 5)));
        assertFalse(KcpPackets.startsConversation(segments(7, 81, 3, 10)), "from the middle");
        assertFalse(KcpPackets.startsConversation(segments(7, 82, 0, 0)), "an ACK");
        assertFalse(KcpPackets.startsConversation(segments(7, 83, 0, 0)), "a window probe");
    }

    @Test
    void malformedPayloadsAreNotWellFormed() {
        assertFalse(KcpPackets.wellFormed(ByteBuffer.allocate(23)));
        assertFalse(KcpPackets.wellFormed(segments(7, 80, 0, 0)), "unknown command");
        ByteBuffer longer = segments(7, 81, 0, 10);
        longer.putInt(20, 11);
        assertFalse(KcpPackets.wellFormed(longer), "claims more than it holds");
        ByteBuffer mixed = segments(7, 81, 0, 0, 81, 1, 0);
        mixed.putInt(24, 8);
        assertFalse(KcpPackets.wellFormed(mixed), "two convs in one datagram");
        assertTrue(KcpPackets.wellFormed(segments(7, 82, 0, 0, 84, 0, 0)));
    }

    @Test
    void anFecDataShardIsCheckedThroughItsSizeFieldAndParityNever() {
        ByteBuffer kcp = segments(7, 81, 0, 10);
        ByteBuffer shard = ByteBuffer.allocate(8 + kcp.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        shard.putInt(100).putShort((short) 0xF1).putShort((short) (2 + kcp.remaining())).put(kcp);
        shard.flip();
        assertTrue(KcpPackets.startsConversation(shard));
        shard.putShort(6, (short) (2 + 24 + 10 + 1));
        assertFalse(KcpPackets.wellFormed(shard), "a size field beyond the datagram");
        shard.putShort(6, (short) (2 + 24 + 10)).putShort(4, (short) 0xF2);
        assertFalse(KcpPackets.wellFormed(shard), "parity carries no conv");
    }
}
