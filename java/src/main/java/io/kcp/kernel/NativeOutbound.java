package io.kcp.kernel;

import java.nio.ByteBuffer;

/**
 * The C outbound ({@code native/src/outbound.c}): turns a {@link NativeArq}'s output records into
 * wire datagrams in a {@link NativeUdpBatch}, with FEC data and parity shards, the CRC of the
 * crypto header and duplicates, in one crossing; with {@link #encodeAndSend} the same crossing
 * also sends them. The bytes are those of {@code io.kcp.wire.OutboundPipeline}, except that
 * nonces and encryption are left to the caller (ciphers live in Java).
 *
 * <p>The system property {@value #PROPERTY}{@code =false} turns it off: sessions then encode in
 * Java ({@code OutboundPipeline}) and batch the copies, for comparison or diagnosis.
 *
 * <p>Not thread-safe: one per session, used under its lock.
 */
public final class NativeOutbound implements AutoCloseable {

    /** The system property that keeps sessions on the Java pipeline when {@code false}. */
    public static final String PROPERTY = "kcp.nativeOutbound";
    /** False when {@value #PROPERTY} is {@code false}. */
    public static final boolean ENABLED = !"false".equalsIgnoreCase(System.getProperty(PROPERTY));

    /** The crypto header: 16 bytes of nonce, then the CRC-32 (KCP_CRYPTO_HEADER). */
    public static final int CRYPTO_HEADER = 20;
    private static final int FEC_HEADER = 8;
    private static final int NO_ROOM = -3; // flushSend0: the batch cannot hold this flush's output

    private final NativeInstance instance;
    private final int dataShards;
    private final int parityShards;
    private final int maxDatagram;
    private final int reserve;
    private int duplicates;
    private int sent;


    /**
     * @param cryptoHeader {@link #CRYPTO_HEADER}, or 0 for a cipher without a header
     * @param dataShards FEC is on when both shard counts are positive (kcp-go's rule)
     * @param maxDatagram the longest datagram the ARQ produces, header room included
     * @throws IllegalArgumentException for an impossible shape (see {@code outbound.h})
     */
    public NativeOutbound(int cryptoHeader, int dataShards, int parityShards, int maxDatagram) {
        NativeLibrary.ensureAvailable();
        boolean fec = dataShards > 0 && parityShards > 0;
        long p = new0(cryptoHeader, dataShards, parityShards, maxDatagram);
        if (p == 0) {
            throw new IllegalArgumentException("no outbound for crypto header " + cryptoHeader
                    + ", FEC " + dataShards + "/" + parityShards + ", datagrams of " + maxDatagram);
        }
        instance = new NativeInstance(this, p, "outbound", NativeOutbound::free0);
        this.dataShards = fec ? dataShards : 0;
        this.parityShards = fec ? parityShards : 0;
        this.maxDatagram = maxDatagram;
        this.reserve = cryptoHeader + (fec ? FEC_HEADER : 0);
    }

    /** The bytes the ARQ must keep free at the front of each datagram. */
    public int reserveBytes() {
        return reserve;
    }

    /** Every data datagram goes out {@code n} more times (kcp-go's {@code SetDUP}). */
    public void setDuplicates(int n) {
        if (n < 0) throw new IllegalArgumentException("duplicates must be >= 0, got " + n);
        setDuplicates0(ptr(), n);
        duplicates = n;
    }

    /**
     * Appends the wire datagrams of {@code arq}'s output records to {@code batch} and empties the
     * output area.
     *
     * @throws IllegalStateException if a record does not fit this outbound's shape (the ARQ was
     *     configured differently); the outbound is then unusable
     */
    public void encode(NativeArq arq, NativeUdpBatch batch) {
        reserveFor(batch, arq.outputLength(), arq.outputCount());
        check(encode0(ptr(), arq.ptr(), batch.dataAddress(), batch.dataCapacity(),
                batch.lengthsAddress(), batch.lengthsCapacity(), batch.metaAddress()), batch);
    }

    /**
     * {@link #encode}, then sends the whole batch on {@code socket} to {@code destination}, in
     * the same crossing. Afterwards {@link NativeUdpBatch#count()} and
     * {@link NativeUdpBatch#bytes()} still describe what was encoded, and the batch's
     * {@code lastErrno} and {@code gsoRefused} describe the send.
     *
     * @return the datagrams that left, from the first on
     */
    public int encodeAndSend(NativeArq arq, NativeUdpBatch batch, NativeUdpSocket socket,
                             byte[] destination, boolean gso) {
        reserveFor(batch, arq.outputLength(), arq.outputCount());
        long address = batch.prepareSend(destination, gso);
        int r = encodeSend0(ptr(), arq.ptr(), batch.dataAddress(), batch.dataCapacity(),
                batch.lengthsAddress(), batch.lengthsCapacity(), batch.metaAddress(),
                socket.fd(), address, destination.length);
        check(Math.min(r, 0), batch);
        return r;
    }

    /**
     * Flushes {@code arq} ({@link NativeArq#flush}), encodes what the flush produced and sends
     * it, in one crossing: the whole way out. A batch too small for the flush's output costs a
     * second crossing, after it has grown (pooled batches stay grown). Afterwards the batch
     * describes what was encoded and sent, as after {@link #encodeAndSend}.
     *
     * @return the flush's interval (milliseconds until the next flush is due)
     */
    public int flushAndSend(NativeArq arq, int now, NativeUdpBatch batch, NativeUdpSocket socket,
                            byte[] destination, boolean gso) {
        batch.reserve(0, 0);
        long address = batch.prepareSend(destination, gso);
        int r = flushSend0(ptr(), arq.ptr(), now, batch.dataAddress(), batch.dataCapacity(),
                batch.lengthsAddress(), batch.lengthsCapacity(), batch.metaAddress(),
                socket.fd(), address, destination.length);
        int interval = batch.interval();
        if (r == NO_ROOM) {
            sent = encodeAndSend(arq, batch, socket, destination, gso);
        } else {
            check(Math.min(r, 0), batch);
            sent = r;
        }
        arq.checkMemory();
        return interval;
    }

    /** The datagrams that left in the last {@link #flushAndSend}, from the first on. */
    public int sent() {
        return sent;
    }

    /**
     * Appends the wire datagrams of {@code count} records ({@code [u32 LE length][datagram]})
     * between the position and limit of a direct buffer. The records are not modified. For
     * tests that compare this outbound with its Java twin.
     */
    public void encodeRecords(ByteBuffer records, int count, NativeUdpBatch batch) {
        if (!records.isDirect()) throw new IllegalArgumentException("records must be in a direct buffer");
        int len = records.remaining();
        reserveFor(batch, len, count);
        check(encodeRecords0(ptr(), NativeUdp.address0(records) + records.position(), len, count,
                batch.dataAddress(), batch.dataCapacity(), batch.lengthsAddress(),
                batch.lengthsCapacity(), batch.metaAddress()), batch);
    }

    /** Room for the most an encode of these records can append (outbound.h's bounds). */
    private void reserveFor(NativeUdpBatch batch, int recordBytes, int count) {
        long bytes = (long) (duplicates + 1) * recordBytes;
        long datagrams = (long) (duplicates + 1) * count;
        if (dataShards > 0) {
            long groups = count / dataShards + 1;
            bytes += groups * parityShards * maxDatagram;
            datagrams += groups * parityShards;
        }
        if (datagrams > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(count + " records are too many for one batch");
        }
        batch.reserve(bytes, (int) datagrams);
    }

    private static void check(int r, NativeUdpBatch batch) {
        batch.encoded();
        if (r == -1) {
            throw new IllegalStateException("ARQ output does not fit the outbound's shape");
        }
        if (r < 0) {
            throw new IllegalStateException("outbound batch too small (error " + r + ")");
        }
    }

    private long ptr() {
        return instance.ptr();
    }

    /** Frees the C encoder. Idempotent. */
    @Override
    public void close() {
        instance.close();
    }

    private static native long new0(int cryptoHeader, int dataShards, int parityShards, int maxDatagram);
    private static native void free0(long ptr);
    private static native void setDuplicates0(long ptr, int n);
    private static native int encode0(long ptr, long arq, long data, int capacity, long lens,
                                      int lensCapacity, long meta);
    private static native int encodeSend0(long ptr, long arq, long data, int capacity, long lens,
                                          int lensCapacity, long meta, int fd, long address,
                                          int addressLength);
    private static native int flushSend0(long ptr, long arq, int now, long data, int capacity,
                                         long lens, int lensCapacity, long meta, int fd,
                                         long address, int addressLength);
    private static native int encodeRecords0(long ptr, long records, int length, int count,
                                             long data, int capacity, long lens, int lensCapacity,
                                             long meta);
}
