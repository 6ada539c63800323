package io.kcp.wire;

import io.kcp.crypto.PacketCipher;
import io.kcp.fec.FecInput;
import io.kcp.fec.FecPacket;
import io.kcp.fec.KcpSink;
import io.kcp.fec.ReedSolomonFactory;
import io.kcp.format.LittleEndian;
import io.kcp.format.Wire;
import io.kcp.kernel.Crc32;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The receiving half of kcp-go's {@code packetInput}/{@code kcpInput}: decrypts a datagram in
 * place, checks its CRC32, tells FEC packets from plain KCP (decoding the former, including
 * kcp-go's lazy decoder for a peer that sends FEC unasked, and its shape autotune) and hands the
 * KCP bytes to a {@link KcpSink}, normally the ARQ's input.
 *
 * <p>Counters, as kcp-go counts them: InCsumErrors (CRC mismatch), InPkts and InBytes (each
 * datagram that passed and reached the FEC/KCP layer; bytes after the crypto header),
 * KCPInErrors (each time the sink returns non-zero), FECParityShards, FECErrs, FECRecovered,
 * FECShortShards, and InErrs for a malformed FEC packet. Unlike kcp-go, which drops them
 * silently, datagrams too short for their headers plus one KCP segment count as InErrs.
 *
 * <p>No datagram content makes it throw. Not thread-safe, not re-entrant from the sink. The
 * steady state allocates nothing, also when the caller cycles through several receive buffers.
 *
 * <p>A listener that must read the conv before it knows the session can split the work:
 * {@link #decryptAndCheck} once with its own pipeline, {@link #peekConv}/{@link #peekSn} on the
 * result, then the session's {@link #inputDecrypted} with the same bytes.
 */
public final class InboundPipeline implements AutoCloseable {

    /** KCP's segment header; kcp-go ignores anything shorter after the crypto header. */
    public static final int KCP_OVERHEAD = Wire.KCP_OVERHEAD;
    private static final int SN_OFFSET = 12;

    private final PacketCipher cipher;
    private final FecInput fec;
    private final Counters counters;
    private final Crc32 crc = Crc32.adaptive();
    private final KcpSink counting = this::forward;

    private final int maxFecPacket;
    private ByteBuffer heapScratch;
    private ByteBuffer directScratch;
    private KcpSink sink;
    private long kcpInErrors;
    private long lastParity;
    private long lastFecErrs;
    private long lastRecovered;
    private long lastShort;
    private boolean closed;

    /**
     * As {@link #InboundPipeline(PacketCipher, int, int, ReedSolomonFactory, Counters, int)} for
     * FEC packets of up to kcp-go's 1500 bytes.
     */
    public InboundPipeline(PacketCipher cipher, int dataShards, int parityShards,
                           ReedSolomonFactory codecs, Counters counters) {
        this(cipher, dataShards, parityShards, codecs, counters, FecPacket.MTU_LIMIT);
    }

    /**
     * @param cipher the packet cipher; {@code PacketCiphers.NULL} (kcptun's {@code null}, whose
     *     {@link PacketCipher#hasHeader()} is false) for no crypto header at all
     * @param dataShards the local FEC configuration: FEC is on when both counts are positive;
     *     otherwise a decoder is created on the first FEC packet the peer sends
     * @param parityShards see {@code dataShards}
     * @param codecs the Reed-Solomon implementation (e.g. {@code Kernel.active().reedSolomon()})
     * @param counters where the counts go
     * @param maxFecPacket the longest FEC packet (after the crypto header) accepted; longer ones
     *     count as InErrs
     * @throws IllegalArgumentException if FEC is on and {@code dataShards + parityShards > 256}
     */
    public InboundPipeline(PacketCipher cipher, int dataShards, int parityShards,
                           ReedSolomonFactory codecs, Counters counters, int maxFecPacket) {
        if (counters == null) {
            throw new IllegalArgumentException("counters must not be null");
        }
        if (maxFecPacket < FecPacket.HEADER_SIZE_PLUS2 + KCP_OVERHEAD) {
            throw new IllegalArgumentException("maxFecPacket must be >= 32, got " + maxFecPacket);
        }
        this.cipher = Objects.requireNonNull(cipher, "cipher (PacketCiphers.NULL: none)").hasHeader()
                ? cipher : null;
        this.fec = new FecInput(dataShards, parityShards, codecs, maxFecPacket);
        this.maxFecPacket = maxFecPacket;
        this.counters = counters;
    }

    /** Bytes of crypto header in front of every datagram: 20, or 0 without a cipher header. */
    public int headerSize() {
        return cipher != null ? PacketCipher.HEADER_SIZE : 0;
    }

    /**
     * Processes one received datagram (its bytes between position and limit; decrypted in place,
     * position and limit restored afterwards) and hands its KCP bytes, and those of any packets
     * it lets FEC rebuild, to {@code sink}.
     *
     * @param now the caller's millisecond clock (u32 wrapping), for the FEC queue's expiry
     */
    public void input(ByteBuffer datagram, int now, KcpSink sink) {
        int pos = datagram.position();
        int lim = datagram.limit();
        try {
            if (decryptAndCheck(datagram)) {
                inputDecrypted(datagram, now, sink);
            }
        } finally {
            datagram.limit(lim).position(pos);
        }
    }

    /**
     * Decrypts the datagram in place and checks its CRC32. On success the position is moved
     * past the crypto header (to the FEC or KCP bytes) and true is returned; otherwise the
     * datagram is counted (InCsumErrors for a CRC mismatch, InErrs when too short), the position
     * is left where it was, and false is returned. The limit never moves.
     */
    public boolean decryptAndCheck(ByteBuffer datagram) {
        ensureOpen();
        int off = datagram.position();
        int len = datagram.remaining();
        if (cipher == null) {
            if (len < KCP_OVERHEAD) {
                counters.inc(Counter.IN_ERRS);
                return false;
            }
            return true;
        }
        if (len < PacketCipher.HEADER_SIZE) {
            counters.inc(Counter.IN_ERRS);
            return false;
        }
        cipher.decrypt(datagram);
        int sum = crc.checksum(datagram, off + PacketCipher.HEADER_SIZE, len - PacketCipher.HEADER_SIZE);
        if (sum != LittleEndian.u32(datagram, off + PacketCipher.NONCE_SIZE)) {
            counters.inc(Counter.IN_CSUM_ERRORS);
            return false;
        }
        if (len - PacketCipher.HEADER_SIZE < KCP_OVERHEAD) {
            counters.inc(Counter.IN_ERRS);
            return false;
        }
        datagram.position(off + PacketCipher.HEADER_SIZE);
        return true;
    }

    /**
     * The second half of {@link #input}: a datagram that {@link #decryptAndCheck} accepted (the
     * FEC or KCP bytes between position and limit, which do not move). Counts it (InPkts,
     * InBytes) and hands its KCP bytes to {@code sink}; a payload shorter than one KCP segment
     * is counted as InErrs and dropped.
     */
    public void inputDecrypted(ByteBuffer payload, int now, KcpSink sink) {
        ensureOpen();
        int off = payload.position();
        int len = payload.remaining();
        if (len < KCP_OVERHEAD) {
            counters.inc(Counter.IN_ERRS);
            return;
        }
        int lim = payload.limit();
        this.sink = sink;
        try {
            if (!FecPacket.isFec(payload, off, len)) {
                counting.input(payload, true);
            } else if (len > maxFecPacket) {
                counters.inc(Counter.IN_ERRS);
            } else {
                // The FEC layer keeps a view of the last buffer it saw; a caller cycling through
                // several receive buffers would make it allocate one per datagram, so FEC
                // packets go through one buffer of ours (the decoder copies them anyway).
                ByteBuffer s = scratch(payload.isDirect());
                s.clear().put(0, payload, off, len);
                if (fec.input(s, 0, len, now, counting) < 0) {
                    counters.inc(Counter.IN_ERRS);
                }
            }
        } finally {
            this.sink = null;
            payload.limit(lim).position(off);
            counters.inc(Counter.IN_PKTS);
            counters.add(Counter.IN_BYTES, len);
            foldFecCounters();
        }
    }

    /** Scratch space of the caller's kind, so a native ARQ still gets direct memory. */
    private ByteBuffer scratch(boolean direct) {
        if (direct) {
            if (directScratch == null) {
                directScratch = ByteBuffer.allocateDirect(maxFecPacket);
            }
            return directScratch;
        }
        if (heapScratch == null) {
            heapScratch = ByteBuffer.allocate(maxFecPacket);
        }
        return heapScratch;
    }

    /** Calls the caller's sink and counts its rejections (kcp-go counts any non-zero result). */
    private int forward(ByteBuffer kcp, boolean regular) {
        int r = sink.input(kcp, regular);
        if (r != 0) {
            kcpInErrors++;
        }
        return r;
    }

    /** The FEC decoder keeps cumulative counts; add what changed during this datagram. */
    private void foldFecCounters() {
        if (kcpInErrors != 0) {
            counters.add(Counter.KCP_IN_ERRORS, kcpInErrors);
            kcpInErrors = 0;
        }
        long parity = fec.fecParityShards();
        if (parity != lastParity) {
            counters.add(Counter.FEC_PARITY_SHARDS, parity - lastParity);
            lastParity = parity;
        }
        long errs = fec.fecErrs();
        if (errs != lastFecErrs) {
            counters.add(Counter.FEC_ERRS, errs - lastFecErrs);
            lastFecErrs = errs;
        }
        long recovered = fec.fecRecovered();
        if (recovered != lastRecovered) {
            counters.add(Counter.FEC_RECOVERED, recovered - lastRecovered);
            lastRecovered = recovered;
        }
        long shortShards = fec.fecShortShards();
        if (shortShards != lastShort) {
            counters.add(Counter.FEC_SHORT_SHARDS, shortShards - lastShort);
            lastShort = shortShards;
        }
    }

    /** The FEC data/parity shard counts in use on receive: 0/0 until FEC is seen (if not configured). */
    public int fecDataShards() {
        return fec.decoder() == null ? 0 : fec.decoder().dataShards();
    }

    /** See {@link #fecDataShards()}. */
    public int fecParityShards() {
        return fec.decoder() == null ? 0 : fec.decoder().parityShards();
    }

    /**
     * The conv of the first KCP segment in a decrypted payload (FEC or KCP bytes between
     * position and limit, e.g. after {@link #decryptAndCheck}): at offset 0 for plain KCP, at 8
     * for an FEC data shard. Returns -1 when none can be read (a parity shard, or too short);
     * otherwise the conv as an unsigned value. Position and limit do not move.
     */
    public static long peekConv(ByteBuffer payload) {
        int k = firstSegment(payload);
        return k < 0 ? -1 : LittleEndian.u32(payload, k) & 0xFFFFFFFFL;
    }

    /**
     * The sn of the first KCP segment (see {@link #peekConv}), unsigned, or -1 when there is
     * none.
     */
    public static long peekSn(ByteBuffer payload) {
        int k = firstSegment(payload);
        return k < 0 ? -1 : LittleEndian.u32(payload, k + SN_OFFSET) & 0xFFFFFFFFL;
    }

    /** Absolute index of the first KCP segment header, or -1 (kcp-go's listener rules). */
    private static int firstSegment(ByteBuffer p) {
        int off = p.position();
        int len = p.remaining();
        if (len < KCP_OVERHEAD) {
            return -1;
        }
        int flag = (p.get(off + 4) & 0xFF) | (p.get(off + 5) & 0xFF) << 8;
        if (flag == FecPacket.TYPE_DATA) {
            return len >= FecPacket.HEADER_SIZE_PLUS2 + KCP_OVERHEAD
                    ? off + FecPacket.HEADER_SIZE_PLUS2 : -1;
        }
        if (flag == FecPacket.TYPE_PARITY) {
            return -1;
        }
        return off;
    }


    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("inbound pipeline is closed");
        }
    }

    /** Releases the FEC decoder (native memory with the C kernel). Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            fec.close();
        }
    }
}
