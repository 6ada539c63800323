package io.kcp.transport;

import io.kcp.arq.Arq;
import io.kcp.crypto.PacketCipher;
import io.kcp.kernel.NativeArq;
import io.kcp.kernel.NativeOutbound;
import io.kcp.kernel.NativeUdpBatch;
import io.kcp.kernel.NativeUdpSocket;
import io.kcp.wire.Counter;
import io.kcp.wire.Counters;
import io.kcp.wire.NonceSource;
import io.kcp.wire.OutboundPipeline;
import io.kcp.wire.OutputDrain;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The native kernel's way out, on Linux: a flush's records become wire datagrams in C (FEC,
 * CRC: {@link NativeOutbound}) straight into a pooled {@link NativeUdpBatch}, and leave through
 * sendmmsg and UDP GSO. Without a crypto header that is one crossing for the whole flush. With
 * one, Java writes the nonces and encrypts each datagram in the batch (ciphers live in Java),
 * and a second crossing sends. The bytes are the {@link OutboundPipeline}'s.
 *
 * <p>Failures are those of {@link BatchingSender}: what a full send buffer refuses is dropped
 * and counted (OutErrs), and the ARQ retransmits it. Holds a reference to the socket until
 * {@link #close()}. Used under the owning session's lock only.
 */
public final class NativeDrain implements OutputDrain {

    private static final int FEC_TYPE_DATA = 0xF1;

    private final NativeOutbound outbound;
    private final NativeUdpSocket socket;
    private final byte[] destination;
    private final PacketCipher cipher; // null: no crypto header
    private final NonceSource nonces;
    private final Counters counters;
    private final SendFailures failures;
    private final int fecTypeAt; // where a datagram's FEC type sits, or -1 without FEC
    private int duplicates;
    private boolean gso = true; // until the kernel refuses it for this socket and route
    private boolean closed;

    /**
     * A drain onto {@code socket}, or null when the socket is already closed (the caller then
     * sends another way).
     *
     * @param cipher the packet cipher ({@code PacketCiphers.NULL}: no crypto header)
     * @param mtu the session's MTU; datagrams of up to {@code max(mtu, 1500)} bytes are taken,
     *     as by {@link OutboundPipeline}
     * @throws IOException if the socket cannot send to {@code remote}
     * @throws IllegalArgumentException for an MTU or FEC shape the pipeline would refuse
     */
    public static NativeDrain open(NativeUdpSocket socket, InetSocketAddress remote,
                                   PacketCipher cipher, int dataShards, int parityShards, int mtu,
                                   NonceSource nonces, Counters counters) throws IOException {
        boolean header = cipher.hasHeader();
        boolean fec = dataShards > 0 && parityShards > 0;
        int reserve = (header ? PacketCipher.HEADER_SIZE : 0) + (fec ? OutboundPipeline.FEC_HEADER : 0);
        OutboundPipeline.checkMtu(reserve, mtu);
        if (!socket.retain()) return null;
        NativeOutbound outbound = null;
        try {
            byte[] destination = socket.socketAddress(remote);
            outbound = new NativeOutbound(header ? NativeOutbound.CRYPTO_HEADER : 0, dataShards,
                    parityShards, OutboundPipeline.maxDatagram(mtu));
            return new NativeDrain(outbound, socket, destination, header ? cipher : null, nonces,
                    counters, fec ? (header ? PacketCipher.HEADER_SIZE : 0) + 4 : -1);
        } catch (IOException | RuntimeException | Error e) {
            if (outbound != null) outbound.close();
            socket.release();
            throw e;
        }
    }

    private NativeDrain(NativeOutbound outbound, NativeUdpSocket socket, byte[] destination,
                        PacketCipher cipher, NonceSource nonces, Counters counters, int fecTypeAt) {
        this.outbound = outbound;
        this.socket = socket;
        this.destination = destination;
        this.cipher = cipher;
        this.nonces = nonces;
        this.counters = counters;
        this.failures = new SendFailures(counters);
        this.fecTypeAt = fecTypeAt;
    }

    @Override
    public int reserveBytes() {
        return outbound.reserveBytes();
    }

    @Override
    public void setDuplicates(int n) {
        outbound.setDuplicates(n);
        duplicates = n;
    }

    /** @param arq a {@link NativeArq}: the session builds this drain only for one */
    @Override
    public void drain(Arq arq) {
        if (arq.outputCount() == 0) return;
        if (closed) {
            arq.clearOutput();
            return;
        }
        NativeArq records = (NativeArq) arq;
        NativeUdpBatch batch = NativeUdpBatch.take();
        try {
            if (cipher == null) {
                sent(batch, outbound.encodeAndSend(records, batch, socket, destination, gso));
            } else {
                outbound.encode(records, batch);
                seal(batch);
                int count = batch.count();
                int bytes = batch.bytes();
                int sent = batch.send(socket, destination, gso);
                counted(batch, count, bytes, sent);
            }
        } finally {
            NativeUdpBatch.give(batch);
        }
    }

    /** Without a cipher, the flush, encode and send are one crossing. */
    @Override
    public int flush(Arq arq, int now) {
        if (cipher != null || closed) return OutputDrain.super.flush(arq, now);
        NativeUdpBatch batch = NativeUdpBatch.take();
        try {
            int interval = outbound.flushAndSend((NativeArq) arq, now, batch, socket, destination, gso);
            sent(batch, outbound.sent());
            return interval;
        } finally {
            NativeUdpBatch.give(batch);
        }
    }

    /** Counts a batch that C encoded and sent: {@code sent} of its datagrams left. */
    private void sent(NativeUdpBatch batch, int sent) {
        counted(batch, batch.count(), batch.bytes(), sent);
    }

    private void counted(NativeUdpBatch batch, int count, long bytes, int sent) {
        if (count == 0) return;
        if (gso && batch.gsoRefused()) gso = false;
        counters.add(Counter.OUT_PKTS, count);
        counters.add(Counter.OUT_BYTES, bytes);
        failures.afterBatch(count, sent, batch.lastErrno());
    }

    /**
     * Nonce and encryption for every datagram in the batch. A data datagram's duplicates follow
     * it as plain copies: they are overwritten with its sealed bytes, as the pipeline sends one
     * sealed datagram several times.
     */
    private void seal(NativeUdpBatch batch) {
        ByteBuffer data = batch.data();
        int count = batch.count();
        int at = 0;
        for (int i = 0; i < count;) {
            int len = batch.length(i);
            boolean isData = fecTypeAt < 0 || Byte.toUnsignedInt(data.get(at + fecTypeAt)) == FEC_TYPE_DATA;
            nonces.fill(data, at);
            cipher.encrypt(data.limit(at + len).position(at));
            data.clear();
            int copies = isData ? duplicates : 0;
            for (int c = 1; c <= copies; c++) data.put(at + c * len, data, at, len);
            at += (1 + copies) * len;
            i += 1 + copies;
        }
    }

    /** What could not be sent: datagrams refused by a full buffer or lost to errors. */
    SendFailures failures() {
        return failures;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        outbound.close();
        socket.release();
    }
}
