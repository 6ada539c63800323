package io.kcp.fec;

import java.nio.ByteBuffer;

/**
 * The receive side of kcp-go's kcpInput: tells FEC packets from plain KCP datagrams, decodes
 * the former and hands KCP bytes to the ARQ. A session configured without FEC still accepts FEC
 * packets: on the first one it creates a (1,1) decoder, which then detects the peer's shape
 * (so each direction may use a different FEC configuration, or none).
 *
 * <p>Call it with each datagram after decryption and the CRC check, crypto header removed;
 * kcp-go drops datagrams shorter than 24 bytes before this point. Not thread-safe.
 */
public final class FecInput implements AutoCloseable {

    private final ReedSolomonFactory codecs;
    private final int maxDatagram;
    private FecDecoder decoder;
    private ByteBuffer lastSource;
    private ByteBuffer sourceView;

    /**
     * @param dataShards the local FEC configuration: FEC is on when both counts are positive
     *     (kcp-go's rule), otherwise the decoder is created on the first FEC packet
     * @param parityShards see {@code dataShards}
     * @throws IllegalArgumentException if FEC is on and {@code dataShards + parityShards > 256}
     */
    public FecInput(int dataShards, int parityShards, ReedSolomonFactory codecs) {
        this(dataShards, parityShards, codecs, FecPacket.MTU_LIMIT);
    }

    /** As above, for FEC packets of up to {@code maxDatagram} bytes. */
    public FecInput(int dataShards, int parityShards, ReedSolomonFactory codecs, int maxDatagram) {
        this.codecs = codecs;
        this.maxDatagram = maxDatagram;
        if (dataShards > 0 && parityShards > 0) {
            decoder = new FecDecoder(dataShards, parityShards, codecs, maxDatagram);
        }
    }

    /**
     * Feeds one decrypted datagram ({@code [off, off+len)} of {@code buf}). A plain KCP datagram
     * goes to {@code sink} whole, as regular; an FEC packet goes through {@link FecDecoder}.
     *
     * @return the number of {@code sink} calls, or -1 for a malformed FEC packet (kcp-go counts
     *     it as InErrs)
     */
    public int input(ByteBuffer buf, int off, int len, int now, KcpSink sink) {
        if (!FecPacket.isFec(buf, off, len)) {
            if (buf != lastSource) {
                lastSource = buf;
                sourceView = buf.duplicate();
            }
            sink.input(sourceView.limit(off + len).position(off), true);
            return 1;
        }
        if (len < FecPacket.HEADER_SIZE_PLUS2) {
            return -1;
        }
        if (decoder == null) {
            decoder = new FecDecoder(1, 1, codecs, maxDatagram);
        }
        return decoder.decode(buf, off, len, now, sink);
    }

    /** The decoder, or null while FEC is off and no FEC packet has arrived. */
    public FecDecoder decoder() {
        return decoder;
    }

    public long fecParityShards() {
        return decoder == null ? 0 : decoder.fecParityShards();
    }

    public long fecErrs() {
        return decoder == null ? 0 : decoder.fecErrs();
    }

    public long fecRecovered() {
        return decoder == null ? 0 : decoder.fecRecovered();
    }

    public long fecShortShards() {
        return decoder == null ? 0 : decoder.fecShortShards();
    }

    @Override
    public void close() {
        if (decoder != null) {
            decoder.close();
        }
    }
}
