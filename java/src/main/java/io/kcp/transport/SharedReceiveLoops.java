package io.kcp.transport;

import io.kcp.kernel.NativeUdpSocket;
import java.io.IOException;
import java.nio.channels.DatagramChannel;

/**
 * The receive loops that dialed sessions share: a few per process instead of a thread, a
 * selector and 96 KiB of buffers per session. A new socket goes to the loop serving the fewest.
 */
public final class SharedReceiveLoops {

    private static final ReceiveLoop[] LOOPS = create(
            Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2)));

    private SharedReceiveLoops() {
    }

    private static ReceiveLoop[] create(int n) {
        ReceiveLoop[] loops = new ReceiveLoop[n];
        for (int i = 0; i < n; i++) loops[i] = new ReceiveLoop("kcp-rx-" + i);
        return loops;
    }

    /**
     * Serves {@code channel} on the least busy shared loop; see
     * {@link ReceiveLoop#register(DatagramChannel, ReceiveLoop.Handler, boolean, NativeUdpSocket)}.
     */
    public static ReceiveLoop.Registration register(DatagramChannel channel,
                                                    ReceiveLoop.Handler handler,
                                                    boolean closeChannel,
                                                    NativeUdpSocket nativeSocket) throws IOException {
        ReceiveLoop best = LOOPS[0];
        int fewest = best.registrations();
        for (int i = 1; i < LOOPS.length; i++) {
            int n = LOOPS[i].registrations();
            if (n < fewest) {
                best = LOOPS[i];
                fewest = n;
            }
        }
        return best.register(channel, handler, closeChannel, nativeSocket);
    }

    /** How many loops there are. */
    public static int size() {
        return LOOPS.length;
    }
}
