package io.kcp.wire;

import io.kcp.arq.Arq;
import io.kcp.crypto.CipherKind;
import io.kcp.crypto.PacketCipher;
import io.kcp.crypto.PacketCiphers;
import io.kcp.fec.KcpSink;
import io.kcp.kernel.Kernel;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One side of a session without sockets: an ARQ of the active kernel between an
 * {@link OutboundPipeline} and an {@link InboundPipeline}, as the session layer will wire them.
 * Each pipeline has its own cipher instance (they may run on different threads in a session).
 */
final class Endpoint implements AutoCloseable {

    final Arq arq;
    final OutboundPipeline out;
    final InboundPipeline in;
    final Counters counters;
    final ArqCounterSync sync = new ArqCounterSync();
    private final KcpSink toArq;
    private int now;

    Endpoint(int conv, String cipher, byte[] kcptunKey, int ds, int ps, NonceSource nonces,
             Counters parent, int mtu) {
        counters = new Counters(parent);
        arq = Kernel.active().newArq(conv);
        out = new OutboundPipeline(cipher(cipher, kcptunKey), ds, ps, Kernel.active().reedSolomon(),
                nonces, counters, mtu);
        in = new InboundPipeline(cipher(cipher, kcptunKey), ds, ps, Kernel.active().reedSolomon(), counters);
        if (!arq.setMtu(mtu) || !arq.reserveBytes(out.reserveBytes())) {
            throw new IllegalStateException("ARQ refused mtu " + mtu + " / reserve " + out.reserveBytes());
        }
        arq.nodelay(1, 10, 2, 1);
        arq.windowSize(128, 128);
        toArq = (kcp, regular) -> arq.input(kcp, regular, false, now);
    }

    /** A cipher named as kcptun names it, keyed with a prefix of kcptun's derived key. */
    static PacketCipher cipher(String name, byte[] kcptunKey) {
        CipherKind kind = CipherKind.of(name);
        return kind.create(kind.kcptunKeyLength() == 0 ? null
                : Arrays.copyOf(kcptunKey, kind.kcptunKeyLength()));
    }

    /** Flushes the ARQ and sends what it produced. */
    void flush(int t, DatagramSink wire) {
        arq.flush(t);
        drain(wire);
    }

    /** Takes in one datagram from the wire and sends whatever the ARQ answers at once. */
    void receive(ByteBuffer datagram, int t, DatagramSink wire) {
        now = t;
        in.input(datagram, t, toArq);
        drain(wire);
    }

    void drain(DatagramSink wire) {
        out.encodeOutput(arq.output(), arq.outputCount(), wire);
        arq.clearOutput();
        sync.sync(arq, counters);
    }

    @Override
    public void close() {
        out.close();
        in.close();
        arq.close();
    }
}
