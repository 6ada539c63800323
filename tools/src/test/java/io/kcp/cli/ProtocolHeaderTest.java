package io.kcp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The header and reply layouts of PROTOCOL.md: big-endian, 17 and 12 bytes. */
class ProtocolHeaderTest {

    @Test
    void encodesBigEndian() {
        byte[] h = new ProtocolHeader(Op.SOURCE, 0x0102030405060708L, 0x1112131415161718L).encode();
        assertEquals("03" + "0102030405060708" + "1112131415161718", HexFormat.of().formatHex(h));
    }

    @Test
    void decodesWhatItEncodes() throws Exception {
        for (Op op : Op.values()) {
            ProtocolHeader h = new ProtocolHeader(op, -2, 77);
            assertEquals(h, ProtocolHeader.decode(h.encode()));
        }
    }

    @Test
    void rejectsUnknownOps() {
        for (int code : new int[] {0, 5, 0x42, 0xff}) {
            byte[] b = new byte[ProtocolHeader.SIZE];
            b[0] = (byte) code;
            ProtocolException e = assertThrows(ProtocolException.class, () -> ProtocolHeader.decode(b));
            assertEquals("unknown op " + code, e.getMessage());
        }
    }

    @Test
    void replyIsCountThenCrc() {
        assertEquals("0000000000800000" + "602bcf22",
                HexFormat.of().formatHex(ProtocolHeader.encodeReply(8 << 20, 0x602bcf22)));
    }

    @Test
    void opNamesMatchThePeer() {
        assertEquals(Op.SINK, Op.ofClientName("upload"));
        assertEquals(Op.SOURCE, Op.ofClientName("download"));
        assertEquals("sink", Op.SINK.serverName);
        assertThrows(Flags.UsageException.class, () -> Op.ofClientName("sink"));
    }
}
