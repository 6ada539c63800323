package io.kcp.fec;

import io.kcp.format.LittleEndian;
import java.nio.ByteBuffer;

/**
 * kcp-go 5.6.1's FEC encoder. Every outgoing datagram becomes a data shard (its FEC header is
 * written in place); after every {@code dataShards} of them, {@link #encode} returns
 * {@code parityShards} parity datagrams to send after it.
 *
 * <p>Datagram layout: {@code headerOffset} bytes of crypto header room (20 with a cipher, else
 * 0), then 8 bytes of FEC header room, then the KCP bytes. The ARQ reserves the
 * {@code headerOffset + 8} bytes at the front. Parity datagrams are laid out the same way
 * ({@code headerOffset} bytes of room, {@code seqid | 0xF2 | parity}) and are as long as the
 * longest data datagram of their group.
 *
 * <p>Not thread-safe. Steady-state calls allocate nothing.
 */
public final class FecEncoder implements AutoCloseable {

    private final int dataShards;
    private final int parityShards;
    private final int headerOffset;
    private final int payloadOffset;
    private final int stride;
    private final int paws;
    private final ReedSolomon codec;
    /** Shard slot i at {@code i * stride}: the datagram as it will be sent, header room included. */
    private final ByteBuffer group;
    /** {@link #group} positioned at the first shard byte the RS code covers. */
    private final ByteBuffer rsView;
    private final ByteBuffer[] parityViews;
    private final int[] shardLen;
    private final byte[] zeros;
    private int next;
    private int shardCount;
    private int maxSize;

    /** An encoder for datagrams of up to {@link FecPacket#MTU_LIMIT} bytes. */
    public FecEncoder(int dataShards, int parityShards, int headerOffset,
                      ReedSolomonFactory codecs) {
        this(dataShards, parityShards, headerOffset, codecs, FecPacket.MTU_LIMIT);
    }

    /**
     * @param headerOffset bytes in front of the FEC header (the crypto header: 20, or 0)
     * @param maxDatagram the longest datagram {@link #encode} will be given
     * @throws IllegalArgumentException unless {@code dataShards >= 1}, {@code parityShards >= 1}
     *     (kcp-go sends no FEC otherwise), {@code dataShards + parityShards <= 256},
     *     {@code headerOffset >= 0} and {@code maxDatagram >= headerOffset + 8}
     */
    public FecEncoder(int dataShards, int parityShards, int headerOffset,
                      ReedSolomonFactory codecs, int maxDatagram) {
        checkFecShape(dataShards, parityShards);
        if (headerOffset < 0) {
            throw new IllegalArgumentException("headerOffset must be >= 0, got " + headerOffset);
        }
        if (maxDatagram < headerOffset + FecPacket.HEADER_SIZE_PLUS2
                || maxDatagram > 0xFFFF) {
            throw new IllegalArgumentException("maxDatagram must be in [headerOffset + 8, 65535], got "
                    + maxDatagram + " with headerOffset " + headerOffset);
        }
        this.dataShards = dataShards;
        this.parityShards = parityShards;
        this.headerOffset = headerOffset;
        this.payloadOffset = headerOffset + FecPacket.HEADER_SIZE;
        this.stride = maxDatagram;
        int shards = dataShards + parityShards;
        this.paws = (int) (0xFFFFFFFFL / shards * shards);
        this.codec = codecs.create(dataShards, parityShards);
        this.group = FecPacket.allocateFor(codec, shards * stride);
        this.rsView = group.duplicate().position(payloadOffset);
        this.parityViews = new ByteBuffer[parityShards];
        for (int p = 0; p < parityShards; p++) {
            int at = (dataShards + p) * stride;
            parityViews[p] = group.duplicate().position(at).limit(at + stride).slice();
        }
        this.shardLen = new int[dataShards];
        this.zeros = new byte[stride];
    }

    /** kcp-go turns FEC on only for {@code ds > 0 && ps > 0}; klauspost caps the shard count. */
    static void checkFecShape(int dataShards, int parityShards) {
        if (dataShards < 1 || parityShards < 1) {
            throw new IllegalArgumentException("FEC needs dataShards >= 1 and parityShards >= 1, got "
                    + dataShards + " and " + parityShards);
        }
        JavaReedSolomon.checkShape(dataShards, parityShards);
    }

    /**
     * Makes the datagram at {@code [off, off+len)} of {@code buf} a data shard: writes
     * {@code seqid | 0xF1 | size} at {@code off + headerOffset} (bytes before that are not
     * touched) and keeps a copy for the group's parity. Returns the number of parity datagrams
     * now ready (0, or {@code parityShards()} when this shard completes a group); read them with
     * {@link #parity(int)} before the next call.
     *
     * @throws IllegalArgumentException if {@code len < headerOffset + 8} or longer than the
     *     encoder's maxDatagram
     */
    public int encode(ByteBuffer buf, int off, int len) {
        if (len < payloadOffset + 2 || len > stride) {
            throw new IllegalArgumentException("datagram length must be in [" + (payloadOffset + 2)
                    + ", " + stride + "], got " + len);
        }
        int h = off + headerOffset;
        LittleEndian.putU32(buf, h, next);
        LittleEndian.putU16(buf, h + 4, FecPacket.TYPE_DATA);
        next++;
        LittleEndian.putU16(buf, h + FecPacket.HEADER_SIZE, len - payloadOffset);

        int slot = shardCount * stride;
        group.put(slot + payloadOffset, buf, off + payloadOffset, len - payloadOffset);
        shardLen[shardCount++] = len;
        if (len > maxSize) {
            maxSize = len;
        }
        if (shardCount < dataShards) {
            return 0;
        }

        for (int i = 0; i < dataShards; i++) {
            int from = i * stride + shardLen[i];
            int to = i * stride + maxSize;
            group.put(from, zeros, 0, to - from);
        }
        codec.encode(rsView, stride, maxSize - payloadOffset);
        for (int p = 0; p < parityShards; p++) {
            int at = (dataShards + p) * stride + headerOffset;
            LittleEndian.putU32(group, at, next);
            LittleEndian.putU16(group, at + 4, FecPacket.TYPE_PARITY);
            // 5.6.1 wraps the seqid only here, on parity increments.
            next = Integer.remainderUnsigned(next + 1, paws);
            parityViews[p].limit(maxSize).position(0);
        }
        shardCount = 0;
        maxSize = 0;
        return parityShards;
    }

    /**
     * Parity datagram {@code p} of the group the last {@link #encode} completed, between
     * position 0 and limit: {@code headerOffset} bytes of room (unspecified content, for the
     * nonce and CRC), then {@code seqid | 0xF2 | parity}. Writable in place (the cipher
     * encrypts it there); valid until the next {@link #encode}.
     */
    public ByteBuffer parity(int p) {
        return parityViews[p];
    }

    public int dataShards() {
        return dataShards;
    }

    public int parityShards() {
        return parityShards;
    }

    public int headerOffset() {
        return headerOffset;
    }

    /** The seqid the next shard will get. */
    public int nextSeqid() {
        return next;
    }

    /** Starts the seqid elsewhere (to test the wrap at paws). */
    void setNextSeqid(int seqid) {
        next = seqid;
    }

    @Override
    public void close() {
        codec.close();
    }
}
