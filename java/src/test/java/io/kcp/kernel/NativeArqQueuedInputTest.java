package io.kcp.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kcp.arq.Arq;
import io.kcp.arq.ArqField;
import io.kcp.arq.JavaArq;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Queued input is input: packets queued and input in one crossing per batch leave the native
 * ARQ in the state, with the output and the per-packet verdicts, that inputting them one by one
 * does. Traffic is a real sender's, with losses, reordering and foreign packets mixed in.
 */
@Tag("kernel-independent")
class NativeArqQueuedInputTest {

    private static final int CONV = 0x1234;

    @Test
    void queuedInputMatchesInputOneByOne() {
        Random random = new Random(20261203);
        try (JavaArq sender = arq(new JavaArq(CONV));
             NativeArq oneByOne = arq(new NativeArq(CONV));
             NativeArq queued = arq(new NativeArq(CONV))) {
            // one receive area for a whole batch, as a receive thread's, and one view of it
            ByteBuffer area = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer view = area.duplicate();
            int now = 0;
            long batches = 0, packets = 0, fullQueues = 0;
            for (int round = 0; round < 400; round++) {
                for (int m = random.nextInt(round % 10 == 0 ? 40 : 4); m > 0; m--) {
                    byte[] message = new byte[1 + random.nextInt(5000)];
                    random.nextBytes(message);
                    sender.send(ByteBuffer.wrap(message));
                }
                now += 1 + random.nextInt(15);
                sender.flush(now);
                List<byte[]> datagrams = records(sender);
                if (random.nextInt(5) == 0) datagrams.add(foreign(random)); // another conv, or junk
                java.util.Collections.shuffle(datagrams.subList(0, datagrams.size() / 3), random);
                // a batch: lay the surviving datagrams out in the area, input them both ways
                int at = 0;
                List<int[]> placed = new ArrayList<>();
                for (byte[] d : datagrams) {
                    if (random.nextInt(10) == 0) continue; // lost
                    area.put(at, d);
                    placed.add(new int[] {at, d.length});
                    at += d.length;
                }
                boolean ackNoDelay = random.nextBoolean();
                List<Integer> expected = new ArrayList<>();
                for (int[] p : placed) {
                    expected.add(oneByOne.input(view.limit(p[0] + p[1]).position(p[0]), true, ackNoDelay, now));
                    view.clear();
                }
                int first = 0;
                while (first < placed.size()) {
                    int n = 0;
                    for (int i = first; i < placed.size(); i++, n++) {
                        int[] p = placed.get(i);
                        boolean took = queued.queueInput(view.limit(p[0] + p[1]).position(p[0]), true);
                        view.clear();
                        if (!took) {
                            // only a full queue, or the buffer's first sight (its address not known yet)
                            assertTrue(n == 64 || (batches == 0 && i == 0), "queue refused packet " + i);
                            break;
                        }
                    }
                    assertEquals(n, queued.queuedInputs());
                    if (n == 64) fullQueues++;
                    int accepted = queued.inputQueued(ackNoDelay, now);
                    int expectAccepted = 0;
                    for (int i = 0; i < n; i++) {
                        assertEquals(expected.get(first + i), queued.queuedResult(i), "verdict of packet " + (first + i));
                        if (expected.get(first + i) == 0) expectAccepted++;
                    }
                    assertEquals(expectAccepted, accepted);
                    if (n == 0) { // refused at first sight: input it now, as a session does
                        int[] p = placed.get(first);
                        assertEquals(expected.get(first), queued.input(view.limit(p[0] + p[1]).position(p[0]), true, ackNoDelay, now));
                        view.clear();
                        n = 1;
                    }
                    first += n;
                    packets += n;
                }
                batches++;
                assertEquals(0, queued.queuedInputs());
                assertEquals(oneByOne.digest(), queued.digest(), "state after batch " + round);
                assertEquals(oneByOne.output(), queued.output(), "output after batch " + round);
                // the application reads both alike
                ByteBuffer a = ByteBuffer.allocate(1 << 16), b = ByteBuffer.allocate(1 << 16);
                while (true) {
                    int ra = oneByOne.recv(a.clear()), rb = queued.recv(b.clear());
                    assertEquals(ra, rb, "message sizes after batch " + round);
                    if (ra < 0) break;
                    assertEquals(a.flip(), b.flip(), "message after batch " + round);
                }
                // the receiver answers (ACKs, window): the sender hears the one-by-one side
                oneByOne.flush(now);
                queued.flush(now);
                assertEquals(oneByOne.output(), queued.output(), "flush after batch " + round);
                for (byte[] ack : records(oneByOne)) {
                    if (random.nextInt(8) != 0) sender.input(ByteBuffer.wrap(ack), true, false, now);
                }
                queued.clearOutput();
            }
            assertTrue(oneByOne.field(ArqField.RCV_NXT) > 300, "traffic flowed: rcv_nxt " + oneByOne.field(ArqField.RCV_NXT) + ", " + packets + " packets, " + fullQueues + " full queues");
            assertTrue(packets > 1000, packets + " packets");
            assertTrue(fullQueues > 0, "some batches filled the queue");
        }
        try (JavaArq java = new JavaArq(CONV)) {
            assertFalse(java.queueInput(ByteBuffer.allocateDirect(64), true), "the Java kernel inputs at once");
            assertEquals(0, java.queuedInputs());
        }
    }

    private static <A extends Arq> A arq(A arq) {
        arq.setMtu(1400);
        arq.nodelay(1, 10, 2, 1);
        arq.windowSize(256, 256);
        return arq;
    }

    /** The datagrams in an ARQ's output area (it is emptied). */
    private static List<byte[]> records(Arq arq) {
        List<byte[]> out = new ArrayList<>();
        ByteBuffer b = arq.output().order(ByteOrder.LITTLE_ENDIAN);
        int p = b.position();
        for (int i = 0; i < arq.outputCount(); i++) {
            int len = b.getInt(p);
            byte[] d = new byte[len];
            b.get(p + 4, d);
            out.add(d);
            p += 4 + len;
        }
        arq.clearOutput();
        return out;
    }

    private static byte[] foreign(Random random) {
        byte[] d = new byte[24 + random.nextInt(40)];
        random.nextBytes(d);
        if (random.nextBoolean()) {
            ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN).putInt(0, CONV).put(4, (byte) 99); // unknown command
        }
        return d;
    }
}
