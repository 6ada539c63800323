package io.kcp.wire;

import io.kcp.crypto.PacketCipher;
import io.kcp.fec.FecEncoder;
import io.kcp.fec.FecPacket;
import io.kcp.fec.ReedSolomonFactory;
import io.kcp.format.LittleEndian;
import io.kcp.format.Wire;
import io.kcp.kernel.Crc32;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * The sending half of kcp-go's {@code UDPSession.output}: turns the datagrams an ARQ flush
 * produced into wire datagrams. Per datagram: FEC data shard header (when FEC is on), nonce,
 * CRC32 and encryption (when the cipher has a header), all in place in the header room the ARQ
 * reserved; then the datagram, and after every {@code dataShards} of them the group's parity
 * datagrams (sealed the same way), go to a {@link DatagramSink} in that order, and each call
 * ends with the sink's {@link DatagramSink#flush()}.
 *
 * <p>Counts OutPkts and OutBytes (every datagram handed to the sink, parity and duplicates
 * included, at its wire length), as kcp-go counts what it sent. OutSegs and the retransmission
 * counters come from the ARQ ({@link ArqCounterSync}); kcp-go counts nothing else on this side.
 *
 * <p>Not thread-safe (one per session, used under the session's lock). The steady state
 * allocates nothing.
 */
public final class OutboundPipeline implements AutoCloseable {

    /** KCP's segment header: the ARQ needs room for at least one after the reserved bytes. */
    static final int KCP_OVERHEAD = Wire.KCP_OVERHEAD;
    /** The FEC header of a data shard: seqid, type, size. */
    public static final int FEC_HEADER = FecPacket.HEADER_SIZE_PLUS2;

    private final PacketCipher cipher;
    private final int headerOffset;
    private final int reserve;
    private final int maxDatagram;
    private final FecEncoder fec;
    private final NonceSource nonces;
    private final Counters counters;
    private final Crc32 crc = Crc32.adaptive();

    private ByteBuffer lastSource;
    private ByteBuffer sourceView;
    private int duplicates;
    private long pendingPkts;
    private long pendingBytes;
    private boolean closed;

    /**
     * @param cipher the packet cipher; {@code PacketCiphers.NULL} (kcptun's {@code null}, whose
     *     {@link PacketCipher#hasHeader()} is false) for no crypto header at all
     * @param dataShards FEC is on when both shard counts are positive (kcp-go's rule)
     * @param parityShards see {@code dataShards}
     * @param codecs the Reed-Solomon implementation (e.g. {@code Kernel.active().reedSolomon()})
     * @param nonces where nonces come from; unused without a crypto header (may then be null)
     * @param counters where OutPkts and OutBytes go
     * @param mtu the session's MTU; the pipeline takes datagrams of up to
     *     {@code max(mtu, 1500)} bytes, so the MTU may later be lowered or raised up to kcp-go's
     *     limit without a new pipeline
     * @throws IllegalArgumentException if {@code mtu} is outside [50, 65535], leaves no room for a
     *     KCP segment after the headers, or the FEC shape is impossible
     *     ({@code dataShards + parityShards > 256})
     */
    public OutboundPipeline(PacketCipher cipher, int dataShards, int parityShards,
                            ReedSolomonFactory codecs, NonceSource nonces, Counters counters,
                            int mtu) {
        this.cipher = Objects.requireNonNull(cipher, "cipher (PacketCiphers.NULL: none)").hasHeader()
                ? cipher : null;
        this.headerOffset = this.cipher != null ? PacketCipher.HEADER_SIZE : 0;
        boolean fecOn = dataShards > 0 && parityShards > 0;
        this.reserve = headerOffset + (fecOn ? FEC_HEADER : 0);
        checkMtu(reserve, mtu);
        if (this.cipher != null && nonces == null) {
            throw new IllegalArgumentException("cipher '" + cipher.name() + "' needs a NonceSource");
        }
        if (counters == null) {
            throw new IllegalArgumentException("counters must not be null");
        }
        this.maxDatagram = maxDatagram(mtu);
        this.fec = fecOn ? new FecEncoder(dataShards, parityShards, headerOffset, codecs, maxDatagram)
                : null;
        this.nonces = nonces;
        this.counters = counters;
    }

    /**
     * Checks that an MTU is in [50, 65535] and leaves room for a KCP segment after
     * {@code reserve} header bytes.
     *
     * @throws IllegalArgumentException if it does not
     */
    public static void checkMtu(int reserve, int mtu) {
        if (mtu < 50 || mtu > 0xFFFF) {
            throw new IllegalArgumentException("mtu must be in [50, 65535], got " + mtu);
        }
        if (reserve >= mtu - KCP_OVERHEAD) {
            throw new IllegalArgumentException("mtu " + mtu + " leaves no room for data after "
                    + reserve + " header bytes and the 24-byte KCP header");
        }
    }

    /**
     * The longest datagram taken for an MTU: {@code max(mtu, 1500)}, so the MTU may later be
     * lowered, or raised up to kcp-go's limit, without a new pipeline.
     */
    public static int maxDatagram(int mtu) {
        return Math.max(mtu, FecPacket.MTU_LIMIT);
    }

    /**
     * The bytes the ARQ must keep free at the front of each datagram
     * ({@code Arq.reserveBytes}): 20 for the crypto header if the cipher has one, plus 8 for the
     * FEC header if FEC is on.
     */
    public int reserveBytes() {
        return reserve;
    }

    /** The longest datagram (header room included) this pipeline takes. */
    public int maxDatagram() {
        return maxDatagram;
    }

    /** True when data datagrams get an FEC header and parity follows every group. */
    public boolean fecEnabled() {
        return fec != null;
    }

    /**
     * Sends every data datagram {@code n} extra times (kcp-go's {@code SetDUP}); parity once.
     *
     * @throws IllegalArgumentException if {@code n < 0}
     */
    public void setDuplicates(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("duplicates must be >= 0, got " + n);
        }
        duplicates = n;
    }

    /**
     * Encodes and emits the datagrams of an ARQ output area, as {@code Arq.output()} and
     * {@code Arq.outputCount()} provide it: {@code count} records {@code [u32 LE length][datagram]}
     * from the buffer's position on, each datagram starting with {@link #reserveBytes()} bytes of
     * header room. The datagrams are modified in place (headers written, bytes encrypted); the
     * buffer's position and limit do not move. Emptying the area is the caller's job
     * ({@code Arq.clearOutput()}).
     *
     * @throws IllegalArgumentException if the records do not fit in the buffer, or a datagram is
     *     shorter than the header room or longer than {@link #maxDatagram()} (the ARQ was
     *     configured differently from this pipeline)
     */
    public void encodeOutput(ByteBuffer arqOutput, int count, DatagramSink sink) {
        ensureOpen();
        ByteBuffer v = view(arqOutput);
        int p = arqOutput.position();
        int end = arqOutput.limit();
        try {
            for (int i = 0; i < count; i++) {
                if (end - p < 4) {
                    throw new IllegalArgumentException("ARQ output ends before record " + i + " of " + count);
                }
                int len = LittleEndian.u32(v.clear(), p);
                if (len < 0 || len > end - p - 4) {
                    throw new IllegalArgumentException("ARQ output record " + i + " claims " + len
                            + " bytes, " + (end - p - 4) + " are left");
                }
                encodeOne(v, p + 4, len, sink);
                p += 4 + len;
            }
        } finally {
            sink.flush();
            flushCounts();
        }
    }

    /**
     * Encodes and emits one datagram: its bytes between position and limit, header room
     * included (modified in place; position and limit do not move).
     *
     * @throws IllegalArgumentException if it is shorter than the header room or longer than
     *     {@link #maxDatagram()}
     */
    public void encode(ByteBuffer datagram, DatagramSink sink) {
        ensureOpen();
        ByteBuffer v = view(datagram);
        try {
            encodeOne(v, datagram.position(), datagram.remaining(), sink);
        } finally {
            sink.flush();
            flushCounts();
        }
    }

    private void encodeOne(ByteBuffer buf, int off, int len, DatagramSink sink) {
        if (len < reserve || len > maxDatagram) {
            throw new IllegalArgumentException("datagram of " + len + " bytes; this pipeline takes "
                    + reserve + " to " + maxDatagram);
        }
        buf.clear(); // the sink saw this view bounded to the previous datagram
        int parity = fec != null ? fec.encode(buf, off, len) : 0;
        seal(buf, off, len);
        for (int d = 0; d <= duplicates; d++) {
            emit(buf, off, len, sink);
        }
        for (int p = 0; p < parity; p++) {
            ByteBuffer q = fec.parity(p);
            int qlen = q.limit();
            seal(q, 0, qlen);
            emit(q, 0, qlen, sink);
        }
    }

    /** Nonce, CRC32 of everything after the header, encryption of the whole datagram. */
    private void seal(ByteBuffer buf, int off, int len) {
        if (cipher == null) {
            return;
        }
        nonces.fill(buf, off);
        buf.limit(off + len);
        int sum = crc.checksum(buf, off + PacketCipher.HEADER_SIZE, len - PacketCipher.HEADER_SIZE);
        int at = off + PacketCipher.NONCE_SIZE;
        buf.put(at, (byte) sum).put(at + 1, (byte) (sum >>> 8)).put(at + 2, (byte) (sum >>> 16))
                .put(at + 3, (byte) (sum >>> 24));
        cipher.encrypt(buf.limit(off + len).position(off));
    }

    private void emit(ByteBuffer buf, int off, int len, DatagramSink sink) {
        sink.send(buf.limit(off + len).position(off));
        pendingPkts++;
        pendingBytes += len;
    }

    /** One atomic add per counter per call, not per datagram. */
    private void flushCounts() {
        if (pendingPkts != 0) {
            counters.add(Counter.OUT_PKTS, pendingPkts);
            counters.add(Counter.OUT_BYTES, pendingBytes);
            pendingPkts = 0;
            pendingBytes = 0;
        }
    }

    /** A reusable view of the caller's buffer, so that its position and limit stay put. */
    private ByteBuffer view(ByteBuffer source) {
        if (source != lastSource) {
            lastSource = source;
            sourceView = source.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        }
        return sourceView.clear();
    }


    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("outbound pipeline is closed");
        }
    }

    /** Releases the FEC codec (native memory with the C kernel). Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            lastSource = null;
            sourceView = null;
            if (fec != null) {
                fec.close();
            }
        }
    }
}
