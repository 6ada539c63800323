package io.kcp.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kcp.crypto.PacketCipher;
import io.kcp.crypto.PacketCiphers;
import io.kcp.kernel.Kernel;
import io.kcp.kernel.NativeArq;
import io.kcp.kernel.NativeOutbound;
import io.kcp.kernel.NativeUdp;
import io.kcp.kernel.NativeUdpBatch;
import io.kcp.kernel.NativeUdpSocket;
import io.kcp.wire.Counter;
import io.kcp.wire.Counters;
import io.kcp.wire.NonceSource;
import io.kcp.wire.OutboundPipeline;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The native way out is the Java pipeline's twin: the datagrams the C outbound and
 * {@link NativeDrain} put on the wire are byte for byte those {@link OutboundPipeline} gives for
 * the same ARQ records and nonces, across flushes, FEC groups, duplicates and ciphers; and what
 * it counts is the same.
 */
@Tag("kernel-independent")
@Timeout(60)
class NativeDrainTest {

    private static final int MTU = 1400;

    @ParameterizedTest(name = "{0}, fec {1}/{2}, dup {3}")
    @CsvSource({
        "null, 0, 0, 0",
        "null, 10, 3, 0",
        "null, 0, 0, 2",
        "none, 0, 0, 0",
        "aes-128, 0, 0, 0",
        "aes-128, 10, 3, 1",
        "aes, 1, 1, 0",
        "salsa20, 4, 2, 0",
        "xor, 10, 3, 2",
    })
    void theWireBytesAreThePipelines(String cipherName, int ds, int ps, int dup) throws IOException {
        assertTrue(NativeUdp.available(), "batched sends are available on Linux with the native kernel");
        try (DatagramChannel out = DatagramChannel.open(StandardProtocolFamily.INET).bind(loopback());
             DatagramChannel in = DatagramChannel.open(StandardProtocolFamily.INET).bind(loopback())) {
            in.setOption(StandardSocketOptions.SO_RCVBUF, 8 << 20);
            NativeUdpSocket socket = NativeUdpSocket.open(out);
            assertNotNull(socket);
            Counters nativeCounts = new Counters(null);
            Counters javaCounts = new Counters(null);
            NativeDrain drain = NativeDrain.open(socket, (InetSocketAddress) in.getLocalAddress(),
                    cipher(cipherName), ds, ps, MTU, new CountingNonces(7), nativeCounts);
            socket.release();
            assertNotNull(drain);
            drain.setDuplicates(dup);
            OutboundPipeline pipeline = new OutboundPipeline(cipher(cipherName), ds, ps,
                    Kernel.JAVA.reedSolomon(), new CountingNonces(7), javaCounts, MTU);
            pipeline.setDuplicates(dup);
            assertEquals(pipeline.reserveBytes(), drain.reserveBytes());

            // two ARQs fed alike give the same records: one for each way out
            NativeArq arq = arq(drain.reserveBytes());
            NativeArq twin = arq(drain.reserveBytes());
            Random random = new Random(20261203L + ds * 31 + dup);
            List<byte[]> expected = new ArrayList<>();
            for (int flush = 0; flush < 8; flush++) {
                int messages = 1 + random.nextInt(12);
                for (int m = 0; m < messages; m++) {
                    byte[] message = new byte[1 + random.nextInt(random.nextBoolean() ? 200 : 6000)];
                    random.nextBytes(message);
                    assertEquals(0, arq.send(ByteBuffer.wrap(message)));
                    assertEquals(0, twin.send(ByteBuffer.wrap(message)));
                }
                int interval = twin.flush(flush * 10);
                pipeline.encodeOutput(twin.output(), twin.outputCount(), d -> {
                    byte[] bytes = new byte[d.remaining()];
                    d.duplicate().get(bytes);
                    expected.add(bytes);
                });
                twin.clearOutput();
                if (flush % 2 == 0) {
                    // flush, encode and send in one crossing (without a cipher)
                    assertEquals(interval, drain.flush(arq, flush * 10));
                } else {
                    assertEquals(interval, arq.flush(flush * 10));
                    drain.drain(arq);
                }
                assertEquals(0, arq.outputCount(), "the drain empties the output area");
            }
            for (int i = 0; i < expected.size(); i++) {
                ByteBuffer got = ByteBuffer.allocate(4096);
                assertNotNull(in.receive(got), "datagram " + i + " of " + expected.size() + " arrived");
                got.flip();
                byte[] bytes = new byte[got.remaining()];
                got.get(bytes);
                assertArrayEquals(expected.get(i), bytes, "datagram " + i);
            }
            in.configureBlocking(false);
            assertEquals(null, in.receive(ByteBuffer.allocate(4096)), "nothing more was sent");
            assertEquals(javaCounts.get(Counter.OUT_PKTS), nativeCounts.get(Counter.OUT_PKTS));
            assertEquals(javaCounts.get(Counter.OUT_BYTES), nativeCounts.get(Counter.OUT_BYTES));
            assertEquals(expected.size(), nativeCounts.get(Counter.OUT_PKTS));
            assertEquals(0, nativeCounts.get(Counter.OUT_ERRS));
            drain.close();
            arq.close();
            twin.close();
            pipeline.close();
        }
    }

    @Test
    void recordsThatDoNotFitTheShapeAreRefused() {
        try (NativeOutbound outbound = new NativeOutbound(NativeOutbound.CRYPTO_HEADER, 10, 3, 1500)) {
            ByteBuffer records = ByteBuffer.allocateDirect(64).order(ByteOrder.LITTLE_ENDIAN);
            records.putInt(0, 27).limit(31); // shorter than the 28 bytes of header room
            NativeUdpBatch batch = NativeUdpBatch.take();
            try {
                assertThrows(IllegalStateException.class, () -> outbound.encodeRecords(records, 1, batch));
                records.putInt(0, 40).limit(30); // runs past the end
                assertThrows(IllegalStateException.class, () -> outbound.encodeRecords(records, 1, batch));
            } finally {
                NativeUdpBatch.give(batch);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new NativeOutbound(16, 0, 0, 1500));
        assertThrows(IllegalArgumentException.class, () -> new NativeOutbound(20, 200, 57, 1500));
    }

    @Test
    void aWholeWindowLeavesInOneBatch() {
        // 300 full records with FEC 10/3: far past what add() takes; the batch grows to hold them
        try (NativeOutbound outbound = new NativeOutbound(0, 10, 3, 1500)) {
            ByteBuffer records = ByteBuffer.allocateDirect(300 * 1404).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < 300; i++) {
                records.putInt(1400);
                records.position(records.position() + 1400);
            }
            records.flip();
            NativeUdpBatch batch = NativeUdpBatch.take();
            try {
                outbound.encodeRecords(records, 300, batch);
                assertEquals(300 + 30 * 3, batch.count());
                assertEquals(390 * 1400, batch.bytes());
            } finally {
                NativeUdpBatch.give(batch);
            }
        }
    }

    private static NativeArq arq(int reserve) {
        NativeArq arq = new NativeArq(42);
        arq.reserveBytes(reserve);
        arq.setMtu(MTU);
        arq.nodelay(1, 10, 2, 1);
        arq.windowSize(1024, 1024);
        return arq;
    }

    private static PacketCipher cipher(String name) {
        return name.equals("null") ? PacketCiphers.NULL : PacketCiphers.fromPassword(name, "twin test");
    }

    private static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    /** Nonces that two instances with one seed give alike. */
    private static final class CountingNonces implements NonceSource {
        private long next;

        CountingNonces(long seed) {
            next = seed;
        }

        @Override
        public void fill(ByteBuffer dst, int index) {
            long n = next++;
            for (int i = 0; i < SIZE; i++) dst.put(index + i, (byte) (n >>> (8 * (i % 8)) ^ i));
        }
    }
}
