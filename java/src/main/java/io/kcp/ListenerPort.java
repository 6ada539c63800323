package io.kcp;

import io.kcp.kernel.Kernel;
import io.kcp.kernel.NativeUdpSocket;
import io.kcp.transport.ReceiveLoop;
import io.kcp.wire.Counters;
import io.kcp.wire.InboundPipeline;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.DatagramChannel;

/**
 * One socket of a listener and the state of the receive thread that serves it: its decryptor,
 * its checksum alarm and the sessions the current receive batch fed. A listener has one, or one
 * per socket of an {@code SO_REUSEPORT} group ({@link KcpConfig#receiveLoops()}); a session
 * sends through the port its peer arrived on.
 */
final class ListenerPort {

    final DatagramChannel channel;
    /** The descriptor the port's sessions send batches through, or null (the channel's path). */
    final NativeUdpSocket nativeSocket;
    final ReceiveLoop loop;
    // the receive thread's only
    final InboundPipeline decryptor;
    final ChecksumAlarm checksumAlarm;
    private final KcpSession[] fed = new KcpSession[ReceiveLoop.BATCH];
    private int fedCount;
    ReceiveLoop.Registration registration; // set once, right after construction

    /**
     * @param suffix what tells this port from the group's others in names ({@code "#2"}), or
     *     {@code ""} for a listener's only socket
     */
    ListenerPort(DatagramChannel channel, KcpConfig config, Counters counters, String suffix)
            throws IOException {
        this.channel = channel;
        this.decryptor = new InboundPipeline(config.newCipher(), 0, 0, config.kernel().reedSolomon(),
                counters);
        SocketAddress bound = channel.getLocalAddress();
        this.checksumAlarm = new ChecksumAlarm("listener on " + bound + suffix);
        String port = bound instanceof InetSocketAddress a ? String.valueOf(a.getPort()) : "?";
        this.loop = new ReceiveLoop("kcp-listener-" + port + suffix);
        this.nativeSocket = config.kernel() == Kernel.NATIVE ? NativeUdpSocket.open(channel) : null;
    }

    /** Remembers that {@code s} got input in this receive batch (it hears at the batch's end). */
    void fed(KcpSession s) {
        int n = fedCount;
        if (n > 0 && fed[n - 1] == s) return; // a burst from one peer: the usual case
        for (int i = 0; i < n - 1; i++) if (fed[i] == s) return;
        if (n == fed.length) {
            s.afterInput(); // more peers in one batch than slots: this one hears now
            return;
        }
        fed[n] = s;
        fedCount = n + 1;
    }

    /** The end of a receive batch: each session fed by it wakes its reader and writers. */
    void announceInput() {
        for (int i = 0; i < fedCount; i++) {
            KcpSession s = fed[i];
            fed[i] = null;
            s.afterInput();
        }
        fedCount = 0;
    }

    /** Gives the native descriptor's reference back (sessions still ending hold their own). */
    void release() {
        if (nativeSocket != null) nativeSocket.release();
    }
}
