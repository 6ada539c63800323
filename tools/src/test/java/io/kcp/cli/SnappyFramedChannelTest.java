package io.kcp.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.Channels;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.SnappyFramedInputStream;
import org.xerial.snappy.SnappyFramedOutputStream;

@Tag("kernel-independent")
class SnappyFramedChannelTest {

    /** A channel that records writes and reads from a given array. */
    static final class Memory implements ByteChannel {
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        final ByteBuffer input;
        final int readChunk;

        Memory(byte[] input, int readChunk) {
            this.input = ByteBuffer.wrap(input);
            this.readChunk = readChunk;
        }

        @Override
        public int read(ByteBuffer dst) {
            if (!input.hasRemaining()) return -1;
            int n = Math.min(Math.min(readChunk, dst.remaining()), input.remaining());
            for (int i = 0; i < n; i++) dst.put(input.get());
            return n;
        }

        @Override
        public int write(ByteBuffer src) {
            int n = src.remaining();
            byte[] b = new byte[n];
            src.get(b);
            written.writeBytes(b);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    /** Half text (compresses), half noise (does not). */
    static byte[] mixed(int n, long seed) {
        Random r = new Random(seed);
        byte[] b = new byte[n];
        String text = "GET /index.html HTTP/1.1\r\nHost: example\r\n\r\n";
        for (int i = 0; i < n; ) {
            int run = Math.min(n - i, 1 + r.nextInt(5000));
            if (r.nextBoolean()) {
                for (int k = 0; k < run; k++) b[i + k] = (byte) text.charAt((i + k) % text.length());
            } else {
                byte[] noise = new byte[run];
                r.nextBytes(noise);
                System.arraycopy(noise, 0, b, i, run);
            }
            i += run;
        }
        return b;
    }

    static byte[] encode(byte[]... writes) throws IOException {
        Memory m = new Memory(new byte[0], 1);
        SnappyFramedChannel c = new SnappyFramedChannel(m);
        for (byte[] w : writes) c.write(ByteBuffer.wrap(w));
        return m.written.toByteArray();
    }

    static byte[] decode(byte[] framed, int readChunk, int readBuffer) throws IOException {
        SnappyFramedChannel c = new SnappyFramedChannel(new Memory(framed, readChunk));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(readBuffer);
        while (c.read(b) >= 0) {
            b.flip();
            out.write(b.array(), 0, b.limit());
            b.clear();
        }
        return out.toByteArray();
    }

    @Test
    void roundTripsWhateverTheCuts() throws IOException {
        Random r = new Random(1);
        for (int size : new int[] {1, 100, 65535, 65536, 65537, 200_000}) {
            byte[] a = mixed(size, size);
            byte[] b = new byte[size / 3 + 1];
            r.nextBytes(b);
            byte[] framed = encode(a, b);
            ByteArrayOutputStream want = new ByteArrayOutputStream();
            want.writeBytes(a);
            want.writeBytes(b);
            for (int cut : new int[] {1, 7, 4096, 1 << 20}) {
                assertArrayEquals(want.toByteArray(), decode(framed, cut, 1000), "size " + size + " cut " + cut);
            }
        }
    }

    @Test
    void startsWithTheStreamIdentifierAndChecksumsTheData() throws IOException {
        byte[] framed = encode("hello".getBytes());
        assertEquals("ff 06 00 00 73 4e 61 50 70 59", hex(framed, 0, 10));
        // "hello" does not shrink: an uncompressed chunk, length 4 + 5, masked CRC-32C
        assertEquals(0x01, framed[10]);
        assertEquals(9, framed[11]);
        CRC32C crc = new CRC32C();
        crc.update("hello".getBytes());
        int masked = SnappyFramedChannel.mask((int) crc.getValue());
        assertEquals(masked, ByteBuffer.wrap(framed, 14, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt());
        // text compresses
        byte[] text = new byte[10000];
        java.util.Arrays.fill(text, (byte) 'a');
        byte[] t = encode(text);
        assertEquals(0x00, t[10]);
        assertTrue(t.length < 1000, "compressed to " + t.length);
    }

    @Test
    void agreesWithSnappyJavasFramedStreams() throws IOException {
        byte[] data = mixed(300_000, 9);
        // ours -> theirs
        byte[] framed = encode(java.util.Arrays.copyOf(data, 100_000),
                java.util.Arrays.copyOfRange(data, 100_000, data.length));
        try (SnappyFramedInputStream in = new SnappyFramedInputStream(new ByteArrayInputStream(framed))) {
            assertArrayEquals(data, in.readAllBytes());
        }
        // theirs -> ours
        ByteArrayOutputStream theirs = new ByteArrayOutputStream();
        try (SnappyFramedOutputStream out = new SnappyFramedOutputStream(theirs)) {
            out.write(data, 0, 1234);
            out.flush();
            out.write(data, 1234, data.length - 1234);
        }
        assertArrayEquals(data, decode(theirs.toByteArray(), 3000, 70000));
    }

    @Test
    void skipsPaddingAndSkippableChunks() throws IOException {
        byte[] a = encode("abc".getBytes());
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        s.write(a, 0, 10);
        s.writeBytes(new byte[] {(byte) 0xfe, 3, 0, 0, 0, 0, 0});
        s.writeBytes(new byte[] {(byte) 0x80, 2, 0, 0, 9, 9});
        s.write(a, 10, a.length - 10);
        s.writeBytes(new byte[] {(byte) 0xff, 6, 0, 0, 's', 'N', 'a', 'P', 'p', 'Y'}); // repeated: fine
        assertArrayEquals("abc".getBytes(), decode(s.toByteArray(), 2, 10));
    }

    @Test
    void rejectsWhatIsNotASnappyStreamWithTheLikelyCause() {
        byte[] smux = {1, 0, 0, 0, 3, 0, 0, 0};
        IOException e = assertThrows(IOException.class, () -> decode(smux, 100, 100));
        assertTrue(e.getMessage().contains("does not compress") && e.getMessage().contains("--nocomp"), e.getMessage());
    }

    @Test
    void hostileChunksFailWithWhatWasWrong() throws IOException {
        byte[] good = encode(mixed(70000, 3));
        // bad checksum
        byte[] bad = good.clone();
        bad[15] ^= 1;
        assertMessage(bad, "checksum");
        // a chunk longer than a compressed chunk may be
        bad = good.clone();
        bad[11] = (byte) 0xff;
        bad[12] = (byte) 0xff;
        bad[13] = (byte) 0x7f;
        assertMessage(bad, "allowed");
        // a reserved type
        bad = good.clone();
        bad[10] = 0x05;
        assertMessage(bad, "reserved");
        // a compressed block that claims more than 64 KiB
        byte[] claim = {(byte) 0xff, 6, 0, 0, 's', 'N', 'a', 'P', 'p', 'Y', 0, 9, 0, 0, 0, 0, 0, 0,
                (byte) 0x81, (byte) 0x80, (byte) 0x80, 0x7f, 0};
        assertMessage(claim, "claims");
        // cut inside a chunk
        assertThrows(java.io.EOFException.class, () -> decode(java.util.Arrays.copyOf(good, good.length - 3), 100, 100));
    }

    @Test
    void randomCorruptionNeverEscapesAsAnythingButIOException() throws IOException {
        Random r = new Random(4);
        byte[] good = encode(mixed(150_000, 5));
        for (int i = 0; i < 2000; i++) {
            byte[] bad = good.clone();
            for (int k = 0, n = 1 + r.nextInt(4); k < n; k++) bad[r.nextInt(Math.min(bad.length, 200))] = (byte) r.nextInt();
            try {
                decode(bad, 1 + r.nextInt(5000), 1 + r.nextInt(70000));
            } catch (IOException expected) {
                // a clear error
            }
        }
    }

    static void assertMessage(byte[] framed, String part) {
        IOException e = assertThrows(IOException.class, () -> decode(framed, 100, 100));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    static String hex(byte[] b, int off, int len) {
        StringBuilder s = new StringBuilder();
        for (int i = off; i < off + len; i++) {
            if (s.length() > 0) s.append(' ');
            s.append(String.format("%02x", b[i] & 0xFF));
        }
        return s.toString();
    }
}
