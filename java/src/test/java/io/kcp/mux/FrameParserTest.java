package io.kcp.mux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("kernel-independent")
class FrameParserTest {

    /** Records events; PSH payload pieces are joined per frame. */
    static final class Recorder implements FrameParser.Handler {
        final List<String> events = new ArrayList<>();
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        long payloadBytes;

        @Override public void syn(int sid) { events.add("SYN " + sid); }
        @Override public void fin(int sid) { events.add("FIN " + sid); }
        @Override public void nop() { events.add("NOP"); }
        @Override public void update(int sid, int consumed, int window) {
            events.add("UPD " + sid + " " + Integer.toUnsignedString(consumed) + " " + Integer.toUnsignedString(window));
        }
        @Override public void push(int sid, ByteBuffer payload) {
            int n = payload.remaining();
            payloadBytes += n;
            byte[] b = new byte[n];
            payload.get(b);
            data.writeBytes(b);
            String last = events.isEmpty() ? "" : events.get(events.size() - 1);
            if (last.startsWith("PSH " + sid + " ")) {
                events.set(events.size() - 1, "PSH " + sid + " " + (Integer.parseInt(last.substring(last.lastIndexOf(' ') + 1)) + n));
            } else {
                events.add("PSH " + sid + " " + n);
            }
        }
    }

    static byte[] frame(int ver, int cmd, int sid, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(8 + payload.length);
        Frames.putHeader(b, ver, cmd, sid, payload.length);
        b.put(payload);
        return b.array();
    }

    static byte[] upd(int ver, int sid, int consumed, int window) {
        ByteBuffer p = ByteBuffer.allocate(8);
        Frames.putInt(p, consumed);
        Frames.putInt(p, window);
        return frame(ver, Frames.UPD, sid, p.array());
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) o.writeBytes(p);
        return o.toByteArray();
    }

    @Test
    void headerIsLittleEndianVersionCommandLengthStreamId() {
        ByteBuffer b = ByteBuffer.allocate(8);
        Frames.putHeader(b, 2, Frames.PSH, 0x01020304, 0x0506);
        assertEquals("02 02 06 05 04 03 02 01", hex(b.array()));
    }

    @Test
    void everyCommandAtEverySplitPoint() throws Exception {
        byte[] payload = new byte[300];
        for (int i = 0; i < payload.length; i++) payload[i] = (byte) i;
        byte[] stream = concat(frame(2, Frames.SYN, 3, new byte[0]), frame(2, Frames.PSH, 3, payload),
                frame(2, Frames.NOP, 0, new byte[0]), upd(2, 3, 0xFFFFFFF0, 262144),
                frame(2, Frames.PSH, 5, new byte[0]), frame(2, Frames.FIN, 3, new byte[0]));
        List<String> want = List.of("SYN 3", "PSH 3 300", "NOP", "UPD 3 4294967280 262144", "FIN 3");
        for (int split = 0; split <= stream.length; split++) {
            Recorder r = new Recorder();
            FrameParser p = new FrameParser(2);
            p.feed(ByteBuffer.wrap(stream, 0, split), r);
            p.feed(ByteBuffer.wrap(stream, split, stream.length - split), r);
            assertEquals(want, r.events, "split at " + split);
            assertEquals(6, p.frames());
            assertEquals(hex(payload), hex(r.data.toByteArray()));
        }
        // one byte at a time
        Recorder r = new Recorder();
        FrameParser p = new FrameParser(2);
        for (byte x : stream) p.feed(ByteBuffer.wrap(new byte[] {x}), r);
        assertEquals(want, r.events);
    }

    @Test
    void wrongVersionNamesBothVersionsAndTheLikelyCause() {
        MuxProtocolException e = assertThrows(MuxProtocolException.class, () ->
                new FrameParser(1).feed(ByteBuffer.wrap(frame(2, Frames.SYN, 3, new byte[0])), new Recorder()));
        assertTrue(e.getMessage().contains("version 2") && e.getMessage().contains("speaks version 1")
                && e.getMessage().contains("same smux version"), e.getMessage());
        byte[] snappyStart = {(byte) 0xff, 6, 0, 0, 's', 'N', 'a', 'P', 'p', 'Y'};
        e = assertThrows(MuxProtocolException.class, () ->
                new FrameParser(1).feed(ByteBuffer.wrap(snappyStart), new Recorder()));
        assertTrue(e.getMessage().contains("compression"), e.getMessage());
    }

    @Test
    void malformedFramesAreRejectedWithWhatWasWrong() {
        assertThrows(MuxProtocolException.class, () -> new FrameParser(1)
                .feed(ByteBuffer.wrap(frame(1, 7, 3, new byte[0])), new Recorder()), "unknown command");
        for (int cmd : new int[] {Frames.SYN, Frames.FIN, Frames.NOP}) {
            MuxProtocolException e = assertThrows(MuxProtocolException.class, () -> new FrameParser(1)
                    .feed(ByteBuffer.wrap(frame(1, cmd, 3, new byte[4])), new Recorder()));
            assertTrue(e.getMessage().contains("declares 4 payload bytes"), e.getMessage());
        }
        MuxProtocolException e = assertThrows(MuxProtocolException.class, () -> new FrameParser(2)
                .feed(ByteBuffer.wrap(frame(2, Frames.UPD, 3, new byte[7])), new Recorder()));
        assertTrue(e.getMessage().contains("must carry 8"), e.getMessage());
        // the offset of the bad frame is reported
        e = assertThrows(MuxProtocolException.class, () -> new FrameParser(1).feed(ByteBuffer.wrap(
                concat(frame(1, Frames.NOP, 0, new byte[0]), frame(1, 9, 1, new byte[0]))), new Recorder()));
        assertTrue(e.getMessage().contains("at byte 8"), e.getMessage());
    }

    @Test
    void aVersionOnePeerMaySendUpdates() throws Exception {
        Recorder r = new Recorder();
        new FrameParser(1).feed(ByteBuffer.wrap(upd(1, 3, 10, 20)), r);
        assertEquals(List.of("UPD 3 10 20"), r.events);
    }

    static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            if (s.length() > 0) s.append(' ');
            s.append(String.format("%02x", x & 0xFF));
        }
        return s.toString();
    }
}
