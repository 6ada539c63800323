package io.kcp.mux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The frame parser's fuzz target, in the chaos style: seeded random frame sequences, then the
 * same mutated (bit flips, byte changes, cuts, inserted junk), each fed in random pieces. Every
 * input must parse, or fail with {@link MuxProtocolException} and nothing else; what the
 * handler receives can never exceed what was fed; and a valid sequence parses to the same
 * events however it is cut. {@code -Dkcp.mux.fuzzCases=N} runs more (default 20000).
 */
@Tag("kernel-independent")
class FrameParserFuzzTest {

    static final int CASES = Integer.getInteger("kcp.mux.fuzzCases", 20000);

    @Test
    void randomAndMutatedFrames() {
        Random rnd = new Random(0x5EED_F00DL);
        long rejected = 0;
        long accepted = 0;
        long start = System.nanoTime();
        long maxCaseNanos = 0;
        for (int c = 0; c < CASES; c++) {
            int version = 1 + rnd.nextInt(2);
            byte[] valid = randomFrames(rnd, version);
            // a valid sequence gives the same events whatever the cuts
            String once = parse(valid, version, new int[] {valid.length});
            String cut = parse(valid, version, cuts(rnd, valid.length));
            assertEquals(once, cut, "case " + c);
            byte[] bad = mutate(rnd, valid);
            long t0 = System.nanoTime();
            String r = parse(bad, version, cuts(rnd, bad.length));
            maxCaseNanos = Math.max(maxCaseNanos, System.nanoTime() - t0);
            if (r.startsWith("ERR")) rejected++; else accepted++;
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("fuzz mux frame parser: %d cases (%d mutated inputs rejected, %d accepted), %d ms, slowest %.2f ms%n",
                CASES, rejected, accepted, ms, maxCaseNanos / 1e6);
        assertTrue(rejected > CASES / 10, "the mutations should break the framing often: " + rejected);
        assertTrue(accepted > CASES / 10, "many mutations keep it parseable: " + accepted);
    }

    /** Parses in the given pieces; returns the events, or "ERR ..." with the events before. */
    static String parse(byte[] input, int version, int[] pieces) {
        FrameParserTest.Recorder r = new FrameParserTest.Recorder();
        FrameParser p = new FrameParser(version);
        int off = 0;
        try {
            for (int n : pieces) {
                ByteBuffer b = ByteBuffer.wrap(input, off, n);
                p.feed(b, r);
                assertEquals(0, b.remaining(), "the parser consumes everything it is fed");
                off += n;
            }
        } catch (MuxProtocolException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
            assertTrue(r.payloadBytes <= input.length);
            return "ERR " + r.events;
        }
        assertTrue(r.payloadBytes <= input.length, "payload handed on exceeds the input");
        return r.events + " " + FrameParserTest.hex(r.data.toByteArray()).hashCode();
    }

    static byte[] randomFrames(Random rnd, int version) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        int frames = 1 + rnd.nextInt(12);
        for (int i = 0; i < frames; i++) {
            int sid = rnd.nextInt(8) == 0 ? rnd.nextInt() : 1 + rnd.nextInt(20);
            switch (rnd.nextInt(5)) {
                case 0: o.writeBytes(FrameParserTest.frame(version, Frames.SYN, sid, new byte[0])); break;
                case 1: o.writeBytes(FrameParserTest.frame(version, Frames.FIN, sid, new byte[0])); break;
                case 2: o.writeBytes(FrameParserTest.frame(version, Frames.NOP, 0, new byte[0])); break;
                case 3: o.writeBytes(FrameParserTest.upd(version, sid, rnd.nextInt(), rnd.nextInt())); break;
                default:
                    byte[] p = new byte[rnd.nextInt(4) == 0 ? rnd.nextInt(2000) : rnd.nextInt(40)];
                    rnd.nextBytes(p);
                    o.writeBytes(FrameParserTest.frame(version, Frames.PSH, sid, p));
            }
        }
        return o.toByteArray();
    }

    static byte[] mutate(Random rnd, byte[] in) {
        byte[] b = in.clone();
        switch (rnd.nextInt(5)) {
            case 0: // bit flips
                for (int i = 0, n = 1 + rnd.nextInt(4); i < n; i++) b[rnd.nextInt(b.length)] ^= 1 << rnd.nextInt(8);
                return b;
            case 1: // header bytes set to edge values
                b[rnd.nextInt(Math.min(b.length, 8))] = (byte) (rnd.nextBoolean() ? 0xFF : rnd.nextInt(6));
                return b;
            case 2: // cut short
                return java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
            case 3: { // junk inserted
                byte[] junk = new byte[1 + rnd.nextInt(16)];
                rnd.nextBytes(junk);
                int at = rnd.nextInt(b.length + 1);
                ByteArrayOutputStream o = new ByteArrayOutputStream();
                o.write(b, 0, at);
                o.writeBytes(junk);
                o.write(b, at, b.length - at);
                return o.toByteArray();
            }
            default: { // pure noise
                byte[] n = new byte[rnd.nextInt(64)];
                rnd.nextBytes(n);
                return n;
            }
        }
    }

    static int[] cuts(Random rnd, int length) {
        int[] out = new int[length + 1];
        int k = 0;
        int left = length;
        while (left > 0) {
            int n = 1 + rnd.nextInt(Math.min(left, rnd.nextBoolean() ? 7 : 600));
            out[k++] = n;
            left -= n;
        }
        return java.util.Arrays.copyOf(out, k);
    }
}
