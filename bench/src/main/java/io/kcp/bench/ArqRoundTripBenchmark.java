package io.kcp.bench;

import io.kcp.arq.Arq;
import io.kcp.arq.ArqField;
import io.kcp.kernel.Kernel;

import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One ARQ round trip between two instances of one kernel, as a bulk sender sees it: the sender
 * queues {@value #SEGMENTS} full segments and flushes, the receiver takes in every datagram,
 * flushes its ACKs, the sender takes in the ACKs (its window slides and it flushes again) and the
 * receiver reads the messages out.
 *
 * <p>The score is per segment ({@link OperationsPerInvocation}): segments per second, and with
 * {@code -prof gc} bytes allocated per segment. Datagrams go from one instance's output area
 * straight into the other's input, so only ARQ work is measured, no network copy. Payload and
 * receive buffers are direct, as on the transport's hot path (the native kernel would otherwise
 * copy heap buffers through a staging buffer).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ArqRoundTripBenchmark {

    static final int SEGMENTS = 32;
    private static final int CONV = 0x11223344;

    @Param({"native", "java"})
    public String kernel;

    private Arq sender;
    private Arq receiver;
    private ByteBuffer payload;
    private ByteBuffer received;
    private int mss;
    private int now;

    @Setup(Level.Trial)
    public void open() {
        Kernel k = Kernel.valueOf(kernel.toUpperCase(Locale.ROOT));
        sender = configure(k.newArq(CONV));
        receiver = configure(k.newArq(CONV));
        mss = sender.mss();
        payload = ByteBuffer.allocateDirect(mss);
        for (int i = 0; i < mss; i++) {
            payload.put(i, (byte) i);
        }
        received = ByteBuffer.allocateDirect(mss);
    }

    private static Arq configure(Arq arq) {
        // No congestion window: a burst of SEGMENTS is sent at once, as an established bulk
        // sender would; windows well above the burst so nothing waits.
        arq.nodelay(1, 10, 2, 1);
        arq.windowSize(4 * SEGMENTS, 4 * SEGMENTS);
        return arq;
    }

    @Benchmark
    @OperationsPerInvocation(SEGMENTS)
    public int roundTrip() {
        int t = ++now;
        for (int i = 0; i < SEGMENTS; i++) {
            payload.position(0);
            sender.send(payload);
        }
        sender.flush(t);
        forward(sender, receiver, t);
        receiver.flush(t);
        forward(receiver, sender, t); // the ACKs; the sender's una advances and it flushes
        sender.clearOutput();

        int bytes = 0;
        for (int i = 0; i < SEGMENTS; i++) {
            received.clear();
            bytes += receiver.recv(received);
        }
        if (bytes != SEGMENTS * mss) {
            throw new IllegalStateException("round trip delivered " + bytes + " bytes, expected "
                    + SEGMENTS * mss);
        }
        return bytes;
    }

    /** Inputs every output record of {@code from} into {@code to}, then empties {@code from}. */
    private static void forward(Arq from, Arq to, int now) {
        int count = from.outputCount();
        ByteBuffer out = from.output();
        int end = out.limit();
        int pos = 0;
        for (int i = 0; i < count; i++) {
            int len = out.getInt(pos); // the output view is little-endian
            out.limit(pos + 4 + len).position(pos + 4);
            to.input(out, true, false, now);
            out.limit(end);
            pos += 4 + len;
        }
        from.clearOutput();
    }

    /** Guards the figures: a kernel that retransmits or leaves data behind measures something else. */
    @TearDown(Level.Iteration)
    public void check() {
        if (sender.waitSnd() != 0 || receiver.peekSize() >= 0
                || sender.field(ArqField.RETRANS_SEGS) != 0 || receiver.outputCount() != 0) {
            throw new IllegalStateException("not a clean round trip: waitSnd=" + sender.waitSnd()
                    + " retrans=" + sender.field(ArqField.RETRANS_SEGS)
                    + " receiverOutput=" + receiver.outputCount());
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        sender.close();
        receiver.close();
    }
}
