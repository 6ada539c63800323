package io.kcp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/** The payload stream against the values PROTOCOL.md publishes, and its piecewise use. */
class PayloadTest {

    @Test
    void seedOneStartsAsPublished() {
        byte[] b = new byte[16];
        new Payload(1).fill(b, 0, 16);
        assertEquals("c15c0289ec2d0a9167ec8e65a18debbe", HexFormat.of().formatHex(b));
    }

    @Test
    void crcOfTheFirstHundredBytesOfSeedOneIsAsPublished() {
        byte[] b = new byte[100];
        new Payload(1).fill(b, 0, 100);
        CRC32 crc = new CRC32();
        crc.update(b);
        assertEquals("602bcf22", String.format("%08x", crc.getValue()));
    }

    @Test
    void piecesOfAnySizeJoinToTheSameStream() {
        byte[] whole = new byte[10_000];
        new Payload(0xdeadbeefL).fill(whole, 0, whole.length);
        Random r = new Random(5);
        byte[] pieces = new byte[whole.length + 3];
        Payload p = new Payload(0xdeadbeefL);
        int off = 3;
        while (off < pieces.length) {
            int n = Math.min(r.nextInt(20), pieces.length - off); // 0..19: crosses every alignment
            p.fill(pieces, off, n);
            off += n;
        }
        byte[] shifted = new byte[whole.length];
        System.arraycopy(pieces, 3, shifted, 0, whole.length);
        assertArrayEquals(whole, shifted);
    }

    @Test
    void differentSeedsGiveDifferentStreams() {
        byte[] a = new byte[64];
        byte[] b = new byte[64];
        new Payload(1).fill(a, 0, 64);
        new Payload(2).fill(b, 0, 64);
        assertTrue(!java.util.Arrays.equals(a, b));
    }

    @Test
    void verifierCountsChecksAndPinpointsTheFirstWrongByte() throws Exception {
        byte[] data = new byte[5000];
        new Payload(9).fill(data, 0, data.length);
        PayloadVerifier v = new PayloadVerifier(9);
        v.check(data, 0, 1234);
        v.check(data, 1234, 3000);
        assertEquals(4234, v.verified());
        data[4500] ^= 1;
        ProtocolException e = assertThrows(ProtocolException.class, () -> v.check(data, 4234, 766));
        assertEquals("payload mismatch at byte 4500", e.getMessage());

        PayloadVerifier whole = new PayloadVerifier(9);
        data[4500] ^= 1;
        whole.check(data, 0, data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        assertEquals((int) crc.getValue(), whole.crc());
    }
}
