package io.kcp.fec;

import static io.kcp.fec.FecDecoderTest.shard;
import static io.kcp.fec.FecTestKit.feed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kcp.fec.FecTestKit.Collector;
import io.kcp.kernel.Kernel;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What a peer can make one FEC decoder spend: shape changes, codecs, memory. Runs on the
 * kernel's own codec ({@code -Dkcp.native}), so both Reed-Solomon implementations are attacked.
 */
class FecDecoderBoundsTest {

    private final ByteBuffer rxBuf = ByteBuffer.allocate(1500);
    private final Collector sink = new Collector();

    /** The kernel's codecs, counting how many the decoder creates. */
    private static final class CountingCodecs implements ReedSolomonFactory {
        final ReedSolomonFactory kernel = Kernel.active().reedSolomon();
        int created;

        @Override
        public ReedSolomon create(int dataShards, int parityShards) {
            created++;
            return kernel.create(dataShards, parityShards);
        }
    }

    /**
     * Seqids 0..5 make autotune read 2+1 until seqid 4 is seen as parity: then it reads 2+2.
     * Seqid 4 arrives as data and is queued; its duplicate, flagged parity, must change nothing.
     */
    @Test
    void aQueuedShardsDuplicateDoesNotReachTheShapeDetector() {
        boolean[] data = {false, true, true, false, true, true};
        try (FecDecoder dec = new FecDecoder(10, 3, Kernel.active().reedSolomon())) {
            for (int s = 0; s < data.length; s++) {
                feed(dec, rxBuf, shard(s, data[s], 40), s, sink);
            }
            assertEquals(6, dec.queued());
            assertEquals(10, dec.dataShards());
            // the duplicate does not fit its slot (4 is a data slot of 10+3), so kcp-go would
            // sample it and re-detect 2+2 from it
            feed(dec, rxBuf, shard(4, false, 40), 6, sink);
            assertEquals(6, dec.queued());
            assertEquals(10, dec.dataShards());
            assertEquals(3, dec.parityShards());
            // the next misfit re-detects from the original samples: 2+1
            feed(dec, rxBuf, shard(10, true, 40), 7, sink);
            assertEquals(2, dec.dataShards());
            assertEquals(1, dec.parityShards());
        }
        // The same samples without a duplicate: seqid 4 really is parity, so 2+2 is right.
        data[4] = false;
        try (FecDecoder dec = new FecDecoder(10, 3, Kernel.active().reedSolomon())) {
            for (int s = 0; s < data.length; s++) {
                feed(dec, rxBuf, shard(s, data[s], 40), s, sink);
            }
            feed(dec, rxBuf, shard(10, true, 40), 7, sink);
            assertEquals(2, dec.dataShards());
            assertEquals(2, dec.parityShards());
        }
    }

    /**
     * The attack that cost 7 ms per datagram: seqid 128 flipped between data and parity turns
     * the ring between 128+125 and 127+126, and a datagram that does not fit the current shape
     * makes the decoder re-detect: kcp-go would change shape twice every three datagrams.
     */
    @Test
    void alternatingShapesChangeItAtMostOncePerSecond() {
        CountingCodecs codecs = new CountingCodecs();
        List<byte[]> attack = new ArrayList<>(ring(128, 125, 0));
        for (long j = 2; attack.size() < 3000; j++) {
            attack.add(shard(128, false, 24)); // fits 128+125, turns the ring to 127+126
            int t = (int) (256 + AutoTune.SAMPLES * j);
            boolean expectData = Integer.remainderUnsigned(t, 253) < 128;
            attack.add(shard(t, !expectData, 24)); // does not fit 128+125: re-detect
            attack.add(shard(128, true, 24)); // does not fit 127+126: turns it back, re-detect
        }
        int millis = 0;
        try (FecInput in = new FecInput(0, 0, codecs)) {
            for (byte[] d : attack) {
                rxBuf.clear().put(0, d);
                in.input(rxBuf, 0, d.length, millis++, sink); // 1000 datagrams per second
            }
            FecDecoder dec = in.decoder();
            // the lazy 1+1 decoder's first detection and one more at once, then one per second
            long allowed = FecDecoder.SHAPE_CHANGE_BURST + millis / FecDecoder.SHAPE_CHANGE_INTERVAL_MS;
            assertTrue(allowed <= 10, "the attack tries 2000 changes in " + millis + " ms");
            assertTrue(dec.shapeChanges() >= 2, dec.shapeChanges() + " changes: the attack works");
            assertTrue(dec.shapeChanges() <= allowed, dec.shapeChanges() + " changes");
            assertEquals(dec.codecsCreated(), codecs.created);
            assertTrue(codecs.created <= CodecCache.CAPACITY, codecs.created + " codecs created");
        }
    }

    /**
     * A peer that alternates between two shapes (slowly enough to be followed) is followed each
     * time, and the decoder keeps one codec per shape instead of creating one per change.
     */
    @Test
    void codecsAreKeptPerShape() {
        CountingCodecs codecs = new CountingCodecs();
        Random rnd = new Random(31);
        int[][] shapes = {{10, 3}, {4, 2}, {10, 3}, {4, 2}, {10, 3}};
        int now = 0;
        int seqid = 0;
        try (FecInput in = new FecInput(0, 0, codecs)) {
            int createdAfterFirstTwo = -1;
            for (int phase = 0; phase < shapes.length; phase++) {
                int ds = shapes[phase][0];
                int ps = shapes[phase][1];
                now += 2 * FecDecoder.SHAPE_CHANGE_INTERVAL_MS;
                try (FecEncoder enc = new FecEncoder(ds, ps, 0, codecs.kernel)) {
                    enc.setNextSeqid((seqid / (ds + ps) + 1) * (ds + ps));
                    // whole groups until autotune has rewritten its ring, then groups that lose
                    // their first two data shards
                    List<byte[]> clean = FecTestKit.encodeAll(enc, FecDecoderTest.randomPayloads(rnd, 400, 200));
                    now = feedInput(in, clean, now, 1);
                    assertEquals(ds, in.decoder().dataShards(), "phase " + phase);
                    assertEquals(ps, in.decoder().parityShards(), "phase " + phase);
                    List<byte[]> kcp = FecDecoderTest.randomPayloads(rnd, ds * 10, 200);
                    List<byte[]> wire = FecTestKit.encodeAll(enc, kcp);
                    List<byte[]> kept = new ArrayList<>();
                    for (int i = 0; i < wire.size(); i++) {
                        if (i % (ds + ps) >= 2) {
                            kept.add(wire.get(i));
                        }
                    }
                    long before = in.fecRecovered();
                    now = feedInput(in, kept, now, 1);
                    assertEquals(20, in.fecRecovered() - before, "phase " + phase);
                    seqid = enc.nextSeqid();
                }
                if (phase == 1) {
                    createdAfterFirstTwo = codecs.created;
                }
            }
            assertTrue(createdAfterFirstTwo <= CodecCache.CAPACITY, createdAfterFirstTwo + " codecs");
            assertEquals(createdAfterFirstTwo, codecs.created, "shapes seen before reuse their codecs");
        }
    }

    /** Changes closer together than the bucket allows are not lost, only delayed. */
    @Test
    void aShapeChangeBeyondTheBurstIsFollowedOnceTheIntervalHasPassed() {
        Random rnd = new Random(37);
        try (FecInput in = new FecInput(0, 0, Kernel.active().reedSolomon())) {
            int seqid = 0;
            int[][] shapes = {{10, 3}, {4, 2}, {6, 3}};
            for (int[] s : shapes) { // all at the same time: a peer changing its mind twice
                try (FecEncoder enc = new FecEncoder(s[0], s[1], 0, Kernel.active().reedSolomon())) {
                    enc.setNextSeqid((seqid / (s[0] + s[1]) + 1) * (s[0] + s[1]));
                    feedInput(in, FecTestKit.encodeAll(enc, FecDecoderTest.randomPayloads(rnd, 300, 100)), 0, 0);
                    seqid = enc.nextSeqid();
                }
            }
            assertEquals(2, in.decoder().shapeChanges());
            assertEquals(4, in.decoder().dataShards(), "the third change waits for a token");
            try (FecEncoder enc = new FecEncoder(6, 3, 0, Kernel.active().reedSolomon())) {
                enc.setNextSeqid((seqid / 9 + 1) * 9);
                feedInput(in, FecTestKit.encodeAll(enc, FecDecoderTest.randomPayloads(rnd, 30, 100)),
                        FecDecoder.SHAPE_CHANGE_INTERVAL_MS, 0);
            }
            assertEquals(6, in.decoder().dataShards());
            assertEquals(3, in.decoder().parityShards());
        }
    }

    /**
     * The queue full of the smallest shards a peer can send: the memory it takes follows their
     * bytes (kcp-go and the decoder before held 1500 bytes per shard), and no codec is made
     * while nothing needs rebuilding.
     */
    @Test
    void queuedShardsTakeWhatTheyCarry() {
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (FecDecoder dec = new FecDecoder(128, 128, Kernel.active().reedSolomon())) {
            int shards = FecDecoder.RX_FEC_MULTI * 256;
            byte[][] small = new byte[shards][];
            for (int g = 0; g < shards; g++) {
                small[g] = shard(256 * g, true, 24); // one shard per group: none completes
            }
            long before = mx.getCurrentThreadAllocatedBytes();
            for (byte[] d : small) {
                feed(dec, rxBuf, d, 0, sink);
            }
            long allocated = mx.getCurrentThreadAllocatedBytes() - before;
            assertEquals(shards, dec.queued());
            assertTrue(allocated < 256 * 1024, allocated + " bytes allocated for " + shards + " shards of 24 B");
            assertEquals(shards * (24 + ShardStore.RECORD_HEADER), dec.queuedBytes());
            assertTrue(dec.storeCapacity() <= dec.queuedBytes() * 3 / 2 + ShardStore.MIN_CAPACITY,
                    dec.storeCapacity() + " bytes of store");
            assertEquals(0, dec.codecsCreated(), "nothing to rebuild, so no codec");

            // Full-size shards replace them one by one: the store follows.
            for (int g = shards; g < 2 * shards; g++) {
                feed(dec, rxBuf, shard(256 * g, true, 1500), 1, sink);
            }
            assertEquals(shards * (1500 + ShardStore.RECORD_HEADER), dec.queuedBytes());
            assertTrue(dec.storeCapacity() <= dec.queuedBytes() * 3 / 2 + ShardStore.MIN_CAPACITY,
                    dec.storeCapacity() + " bytes of store");

            // Small shards again, for longer than the store keeps an oversized array: it shrinks.
            int now = 2;
            for (int g = 2 * shards; g < 4 * shards; g++) {
                feed(dec, rxBuf, shard(256 * g, true, 24), now, sink);
                now += 20;
            }
            assertEquals(shards * (24 + ShardStore.RECORD_HEADER), dec.queuedBytes());
            assertTrue(dec.storeCapacity() <= 4 * dec.queuedBytes() + ShardStore.MIN_CAPACITY,
                    dec.storeCapacity() + " bytes of store after the burst");
        }
    }

    /**
     * A decoder keeps no group buffer: a rebuild borrows its thread's, which is made by the
     * first rebuild on that thread as large as the group needs.
     */
    @Test
    void aRebuildBorrowsItsThreadsGroupBufferAtTheGroupsSize() throws Exception {
        Throwable[] failure = new Throwable[1];
        Thread fresh = new Thread(() -> {
            try {
                CountingCodecs codecs = new CountingCodecs();
                try (FecDecoder dec = new FecDecoder(10, 3, codecs);
                     FecEncoder enc = new FecEncoder(10, 3, 0, codecs.kernel)) {
                    assertEquals(0, codecs.created, "the decoder's codec waits for a rebuild");
                    Random rnd = new Random(41);
                    List<byte[]> wire = FecTestKit.encodeAll(enc, FecDecoderTest.randomPayloads(rnd, 10, 100));
                    int longest = 0;
                    for (byte[] w : wire) {
                        longest = Math.max(longest, w.length - FecPacket.HEADER_SIZE);
                    }
                    for (int i = 1; i < wire.size(); i++) { // the first data shard is lost
                        feed(dec, rxBuf, wire.get(i), 0, sink);
                        if (i < 10) {
                            assertEquals(0, GroupScratch.threadCapacity());
                        }
                    }
                    assertEquals(1, dec.fecRecovered());
                    assertEquals(1, codecs.created);
                    assertEquals(13 * longest, GroupScratch.threadCapacity());
                }
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        fresh.start();
        fresh.join();
        if (failure[0] != null) {
            throw new AssertionError(failure[0]);
        }
    }

    /** A sink that feeds another decoder on the same thread does not get the same scratch. */
    @Test
    void aDecodeInsideASinkRebuildsInItsOwnBuffer() {
        Random rnd = new Random(43);
        ReedSolomonFactory codecs = Kernel.active().reedSolomon();
        List<byte[]> outer;
        List<byte[]> inner;
        try (FecEncoder a = new FecEncoder(4, 2, 0, codecs); FecEncoder b = new FecEncoder(4, 2, 0, codecs)) {
            outer = FecTestKit.encodeAll(a, FecDecoderTest.randomPayloads(rnd, 4, 200));
            inner = FecTestKit.encodeAll(b, FecDecoderTest.randomPayloads(rnd, 4, 200));
        }
        ByteBuffer innerBuf = ByteBuffer.allocate(1500);
        Collector innerSink = new Collector();
        Collector outerSink = new Collector();
        try (FecDecoder outerDec = new FecDecoder(4, 2, codecs);
             FecDecoder innerDec = new FecDecoder(4, 2, codecs)) {
            for (int i = 1; i < 4; i++) {
                feed(innerDec, innerBuf, inner.get(i), 0, innerSink);
            }
            KcpSink nesting = (kcp, regular) -> {
                // the inner group completes while the outer one's first shard is handed on
                if (!regular && innerDec.fecRecovered() == 0) {
                    feed(innerDec, innerBuf, inner.get(4), 0, innerSink);
                }
                return outerSink.input(kcp, regular);
            };
            for (int i = 2; i < 6; i++) { // outer data shards 0 and 1 lost, rebuilt together
                feed(outerDec, rxBuf, outer.get(i), 0, nesting);
            }
            assertEquals(2, outerDec.fecRecovered());
            assertEquals(1, innerDec.fecRecovered());
            for (int i = 0; i < 2; i++) {
                byte[] kcp = java.util.Arrays.copyOfRange(outer.get(i), 8, outer.get(i).length);
                assertEquals(1, outerSink.count(kcp), "outer shard " + i);
            }
            assertEquals(1, innerSink.count(java.util.Arrays.copyOfRange(inner.get(0), 8, inner.get(0).length)));
        }
    }

    /** Duplicates of queued shards, replayed at will, leave the queue and the shape alone. */
    @Test
    void replayedShardsCostNothingButTheirDelivery() {
        CountingCodecs codecs = new CountingCodecs();
        try (FecDecoder dec = new FecDecoder(10, 3, codecs)) {
            for (int s = 0; s < 9; s++) {
                feed(dec, rxBuf, shard(s, true, 100), 0, sink);
            }
            int bytes = dec.queuedBytes();
            for (int i = 0; i < 10_000; i++) {
                feed(dec, rxBuf, shard(i % 9, i % 2 == 0, 100), i, sink);
            }
            assertEquals(9, dec.queued());
            assertEquals(bytes, dec.queuedBytes());
            assertEquals(0, dec.shapeChanges());
            assertEquals(0, codecs.created);
        }
    }

    /** Feeds the datagrams from time {@code now}, {@code step} ms apart; returns the time after. */
    private int feedInput(FecInput in, List<byte[]> wire, int now, int step) {
        for (byte[] w : wire) {
            rxBuf.clear().put(0, w);
            in.input(rxBuf, 0, w.length, now, sink);
            now += step;
        }
        return now;
    }

    /**
     * 258 consecutive seqids from {@code base} (a multiple of 258) that make autotune read
     * ds+ps: parity, ds data, ps parity, data.
     */
    static List<byte[]> ring(int ds, int ps, long base) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < AutoTune.SAMPLES; i++) {
            out.add(shard((int) (base + i), i > 0 && (i <= ds || i > ds + ps), 24));
        }
        return out;
    }
}
