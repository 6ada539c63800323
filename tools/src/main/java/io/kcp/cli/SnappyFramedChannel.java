package io.kcp.cli;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * kcptun's compression: snappy's framing format over a byte channel (docs/tunnel.md). Each
 * write becomes whole chunks, sent at once (kcptun flushes after every write as well); reads
 * decode chunk by chunk. One thread may read while another writes.
 *
 * <p>What the peer sends is bounded before it is trusted: a chunk longer than the format allows
 * for its type, a block that claims to decode to more than 64 KiB, a bad checksum or a reserved
 * chunk type ends the channel with an {@link IOException} that says which. Memory is fixed
 * (about 300 KiB), whatever arrives.
 */
final class SnappyFramedChannel implements ByteChannel {

    static final int MAX_BLOCK = 65536;
    static final byte[] STREAM_IDENTIFIER = {(byte) 0xff, 6, 0, 0, 's', 'N', 'a', 'P', 'p', 'Y'};
    static final int COMPRESSED = 0x00;
    static final int UNCOMPRESSED = 0x01;
    static final int PADDING = 0xfe;
    static final int IDENTIFIER = 0xff;

    private final ByteChannel channel;
    private final int maxCompressed = SnappyBlocks.maxCompressedLength(MAX_BLOCK);

    // writer's
    private final CRC32C writeCrc = new CRC32C();
    private final byte[] plain = new byte[MAX_BLOCK];
    private final byte[] out;
    private boolean identifierSent;

    // reader's
    private final CRC32C readCrc = new CRC32C();
    private final ByteBuffer raw;                   // bytes from the channel not yet decoded
    private final byte[] decoded = new byte[MAX_BLOCK];
    private int decodedPos;
    private int decodedEnd;
    private boolean identifierSeen;
    private long skipLeft;                          // of a skippable chunk

    final AtomicLong plainOut = new AtomicLong();
    final AtomicLong framedOut = new AtomicLong();
    final AtomicLong plainIn = new AtomicLong();
    final AtomicLong framedIn = new AtomicLong();

    SnappyFramedChannel(ByteChannel channel) {
        this.channel = channel;
        this.out = new byte[STREAM_IDENTIFIER.length + 2 * (8 + maxCompressed)];
        this.raw = ByteBuffer.allocate(8 + maxCompressed + 64 * 1024);
        raw.flip();
    }

    // ---- writing ---------------------------------------------------------------------------

    /** Writes all of {@code src} as chunks of at most 64 KiB each, compressed where that pays. */
    @Override
    public int write(ByteBuffer src) throws IOException {
        int total = src.remaining();
        while (src.hasRemaining()) {
            int n = 0;
            if (!identifierSent) {
                System.arraycopy(STREAM_IDENTIFIER, 0, out, 0, STREAM_IDENTIFIER.length);
                n = STREAM_IDENTIFIER.length;
                identifierSent = true;
            }
            // up to two blocks per write on the channel
            for (int k = 0; k < 2 && src.hasRemaining(); k++) {
                int len = Math.min(MAX_BLOCK, src.remaining());
                src.get(plain, 0, len);
                n = putChunk(len, n);
            }
            ByteBuffer b = ByteBuffer.wrap(out, 0, n);
            while (b.hasRemaining()) channel.write(b);
            framedOut.addAndGet(n);
        }
        plainOut.addAndGet(total);
        return total;
    }

    /** Appends one chunk for {@code plain[0, len)} at {@code at}; returns the new end. */
    private int putChunk(int len, int at) throws IOException {
        writeCrc.reset();
        writeCrc.update(plain, 0, len);
        int crc = mask((int) writeCrc.getValue());
        int body = at + 8;
        int c = SnappyBlocks.compress(plain, 0, len, out, body);
        int type = COMPRESSED;
        // as the Go writer does: store blocks that shrink by less than an eighth
        if (c >= len - len / 8) {
            System.arraycopy(plain, 0, out, body, len);
            c = len;
            type = UNCOMPRESSED;
        }
        int chunkLen = 4 + c;
        out[at] = (byte) type;
        out[at + 1] = (byte) chunkLen;
        out[at + 2] = (byte) (chunkLen >>> 8);
        out[at + 3] = (byte) (chunkLen >>> 16);
        out[at + 4] = (byte) crc;
        out[at + 5] = (byte) (crc >>> 8);
        out[at + 6] = (byte) (crc >>> 16);
        out[at + 7] = (byte) (crc >>> 24);
        return body + c;
    }

    /** The framing format's masked CRC-32C. */
    static int mask(int crc) {
        return ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
    }

    // ---- reading ---------------------------------------------------------------------------

    /** Reads decoded bytes, blocking until a chunk is in; -1 at the end of the channel. */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (!dst.hasRemaining()) return 0;
        while (decodedPos == decodedEnd) {
            if (!decodeNextChunk()) return -1;
        }
        int n = Math.min(dst.remaining(), decodedEnd - decodedPos);
        dst.put(decoded, decodedPos, n);
        decodedPos += n;
        return n;
    }

    /** Decodes the next chunk that carries data; false at a clean end of the channel. */
    private boolean decodeNextChunk() throws IOException {
        while (true) {
            if (skipLeft > 0) {
                if (!skip()) throw new EOFException("snappy stream ends inside a skippable chunk");
                continue;
            }
            if (!fill(4)) {
                if (raw.hasRemaining()) throw new EOFException("snappy stream ends inside a chunk header");
                return false;
            }
            int p = raw.position();
            int type = raw.get(p) & 0xFF;
            int len = (raw.get(p + 1) & 0xFF) | (raw.get(p + 2) & 0xFF) << 8 | (raw.get(p + 3) & 0xFF) << 16;
            if (!identifierSeen && type != IDENTIFIER) {
                throw new IOException("the stream does not start with snappy's stream identifier"
                        + " (first byte 0x" + Integer.toHexString(type) + "): the peer does not"
                        + " compress; both ends must agree on compression (--nocomp)");
            }
            if (type == IDENTIFIER) {
                if (len != 6) throw new IOException("snappy stream identifier of length " + len);
                need(4 + len);
                p = raw.position(); // filling may have moved the bytes
                for (int i = 0; i < STREAM_IDENTIFIER.length; i++) {
                    if (raw.get(p + i) != STREAM_IDENTIFIER[i]) {
                        throw new IOException("corrupt snappy stream identifier");
                    }
                }
                raw.position(p + 4 + len);
                identifierSeen = true;
                continue;
            }
            if (type == COMPRESSED || type == UNCOMPRESSED) {
                int max = 4 + (type == COMPRESSED ? maxCompressed : MAX_BLOCK);
                if (len < 4 || len > max) {
                    throw new IOException("snappy " + (type == COMPRESSED ? "compressed" : "uncompressed")
                            + " chunk of " + len + " bytes (allowed 4.." + max + ")");
                }
                need(4 + len);
                p = raw.position();
                decodeChunk(type, p + 8, len - 4, raw.getInt(p + 4));
                raw.position(p + 4 + len);
                framedIn.addAndGet(4 + len);
                if (decodedEnd > 0) return true;
                continue;
            }
            if (type < 0x80) {
                throw new IOException("reserved unskippable snappy chunk type 0x"
                        + Integer.toHexString(type) + ": not a snappy stream (corrupt, or not compressed)");
            }
            raw.position(p + 4); // skippable (0x80..0xfd) and padding (0xfe)
            skipLeft = len;
        }
    }

    private void decodeChunk(int type, int at, int n, int littleEndianCrc) throws IOException {
        byte[] a = raw.array();
        int off = raw.arrayOffset() + at;
        if (type == COMPRESSED) {
            int size = SnappyBlocks.uncompressedLength(a, off, n);
            if (size < 0 || size > MAX_BLOCK) {
                throw new IOException("snappy block claims " + size + " decoded bytes (at most "
                        + MAX_BLOCK + ")");
            }
            try {
                decodedEnd = SnappyBlocks.uncompress(a, off, n, decoded);
            } catch (IOException e) {
                throw new IOException("corrupt snappy block: " + e.getMessage(), e);
            }
        } else {
            System.arraycopy(a, off, decoded, 0, n);
            decodedEnd = n;
        }
        decodedPos = 0;
        readCrc.reset();
        readCrc.update(decoded, 0, decodedEnd);
        int want = Integer.reverseBytes(littleEndianCrc);
        if (mask((int) readCrc.getValue()) != want) {
            decodedEnd = 0;
            throw new IOException("snappy chunk checksum mismatch (corrupt stream)");
        }
        plainIn.addAndGet(decodedEnd);
    }

    /** Ensures {@code n} bytes from the position on are buffered; false at end of channel. */
    private boolean fill(int n) throws IOException {
        while (raw.remaining() < n) {
            raw.compact();
            int r = channel.read(raw);
            raw.flip();
            if (r < 0) return false;
        }
        return true;
    }

    private void need(int n) throws IOException {
        if (!fill(n)) throw new EOFException("snappy stream ends inside a chunk");
    }

    private boolean skip() throws IOException {
        if (!raw.hasRemaining() && !fill(1)) return false;
        int n = (int) Math.min(skipLeft, raw.remaining());
        raw.position(raw.position() + n);
        skipLeft -= n;
        return true;
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
