package io.kcp.wire;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;

/**
 * One direction of a simulated network: copies what a pipeline sends, loses a fraction of it,
 * sometimes swaps neighbours, and keeps count of what it carried.
 */
final class LossyWire implements DatagramSink {

    private final Random rnd;
    private final double loss;
    private final Predicate<byte[]> isParity;
    private List<byte[]> inFlight = new ArrayList<>();

    long sent;
    long sentBytes;
    long delivered;
    long deliveredBytes;
    long deliveredParity;

    LossyWire(long seed, double loss, Predicate<byte[]> isParity) {
        this.rnd = new Random(seed);
        this.loss = loss;
        this.isParity = isParity;
    }

    @Override
    public void send(ByteBuffer datagram) {
        byte[] x = new byte[datagram.remaining()];
        datagram.get(datagram.position(), x);
        sent++;
        sentBytes += x.length;
        if (rnd.nextDouble() >= loss) {
            inFlight.add(x);
        }
    }

    /** Everything still in flight, in (mostly) the order sent; the wire is empty afterwards. */
    List<byte[]> take() {
        List<byte[]> out = inFlight;
        inFlight = new ArrayList<>();
        for (int i = 1; i < out.size(); i++) {
            if (rnd.nextInt(8) == 0) {
                Collections.swap(out, i - 1, i);
            }
        }
        for (byte[] x : out) {
            delivered++;
            deliveredBytes += x.length;
            if (isParity.test(x)) {
                deliveredParity++;
            }
        }
        return out;
    }
}
