package io.kcp.mux;

import static io.kcp.mux.MuxSessionTest.failureOf;
import static io.kcp.mux.MuxTestKit.crc;
import static io.kcp.mux.MuxTestKit.drain;
import static io.kcp.mux.MuxTestKit.eventually;
import static io.kcp.mux.MuxTestKit.pair;
import static io.kcp.mux.MuxTestKit.quiet;
import static io.kcp.mux.MuxTestKit.random;
import static io.kcp.mux.MuxTestKit.readFully;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A peer that breaks the rules: every violation gets a clear error or a counted drop, costs
 * bounded memory, and leaves the session and its other streams working where the framing is
 * intact.
 */
@Tag("kernel-independent")
@Timeout(60)
class MuxHostileTest {

    /** A kcp-java server session and a hand-played client. */
    record Rig(MuxSession server, RawPeer peer) implements AutoCloseable {
        static Rig of(MuxConfig config) throws IOException {
            ChannelPair cp = ChannelPair.open();
            return new Rig(MuxSession.server(cp.b, config), new RawPeer(cp.a, config.version()));
        }

        @Override
        public void close() throws IOException {
            server.close();
            peer.close();
        }
    }

    @Test
    void dataForUnknownStreamsIsDroppedAndCounted() throws Exception {
        try (Rig r = Rig.of(quiet(1).build())) {
            r.peer.send(Frames.PSH, 77, new byte[1000]);
            r.peer.send(Frames.FIN, 79);
            r.peer.send(Frames.UPD, 81, new byte[8]);
            r.peer.send(Frames.SYN, 3);
            r.peer.send(Frames.PSH, 3, "still fine".getBytes());
            MuxStream s = r.server.acceptStream(Duration.ofSeconds(5));
            assertArrayEquals("still fine".getBytes(), readFully(s, 10));
            MuxStats st = r.server.stats();
            assertEquals(1000, st.droppedBytes());
            assertEquals(2, st.ignoredFrames());
            assertTrue(r.server.isOpen());
        }
    }

    @Test
    void synsThatCannotOpenAStreamAreIgnored() throws Exception {
        try (Rig r = Rig.of(quiet(1).build())) {
            r.peer.send(Frames.SYN, 4);   // the server's own parity
            r.peer.send(Frames.SYN, 1);   // never used by smux
            r.peer.send(Frames.SYN, 3);
            r.peer.send(Frames.SYN, 3);   // twice
            MuxStream s = r.server.acceptStream(Duration.ofSeconds(5));
            assertEquals(3, s.id());
            assertTrue(eventually(Duration.ofSeconds(5), () -> r.server.stats().ignoredFrames() == 3));
            assertEquals(1, r.server.streamCount());
        }
    }

    @Test
    void windowOverrunResetsOnlyThatStream() throws Exception {
        try (Rig r = Rig.of(quiet(2).maxStreamBuffer(65536).build())) {
            r.peer.send(Frames.SYN, 3);
            r.peer.send(Frames.SYN, 5);
            // a peer may send 256 KiB before it hears our window: that is fine
            for (int i = 0; i < 8; i++) r.peer.send(Frames.PSH, 3, new byte[32768]);
            r.peer.send(Frames.PSH, 5, "ok".getBytes());
            MuxStream s3 = r.server.acceptStream(Duration.ofSeconds(5));
            MuxStream s5 = r.server.acceptStream(Duration.ofSeconds(5));
            assertArrayEquals("ok".getBytes(), readFully(s5, 2));
            assertTrue(eventually(Duration.ofSeconds(5), () -> r.server.stats().bufferedBytes() == 262144));
            assertEquals(0, r.server.stats().windowOverruns());
            // one byte more is an overrun
            r.peer.send(Frames.PSH, 3, new byte[1]);
            assertTrue(eventually(Duration.ofSeconds(5), () -> r.server.stats().windowOverruns() == 1));
            MuxProtocolException e = assertThrows(MuxProtocolException.class, () -> s3.read(ByteBuffer.allocate(10)));
            assertTrue(e.getMessage().contains("window"), e.getMessage());
            RawPeer.Frame fin = r.peer.next(Frames.FIN, 5000);
            assertEquals(3, fin.sid());
            assertEquals(0, r.server.stats().bufferedBytes(), "the reset stream's bytes are released");
            // the session and the other stream go on; stream 3 is gone
            r.peer.send(Frames.PSH, 3, new byte[100]);
            r.peer.send(Frames.PSH, 5, "on".getBytes());
            assertArrayEquals("on".getBytes(), readFully(s5, 2));
            assertTrue(r.server.isOpen());
            assertEquals(1, r.server.streamCount(), String.valueOf(r.server.stats()));
        }
    }

    @Test
    void aPeerAcknowledgingUnsentBytesResetsTheStream() throws Exception {
        try (Rig r = Rig.of(quiet(2).build())) {
            r.peer.send(Frames.SYN, 3);
            MuxStream s = r.server.acceptStream(Duration.ofSeconds(5));
            r.peer.sendUpdate(3, 1000, 65536);
            assertTrue(eventually(Duration.ofSeconds(5), () -> r.server.stats().ignoredFrames() == 0
                    && r.server.stats().framesReceived() == 2));
            s.write(ByteBuffer.wrap(new byte[10]));
            assertEquals(Frames.FIN, r.peer.next(5000).cmd(), "reset: FIN, no data");
            IOException e = assertThrows(MuxProtocolException.class, () -> s.write(ByteBuffer.wrap(new byte[10])));
            assertTrue(e.getMessage().contains("acknowledged 1000"), e.getMessage());
        }
    }

    @Test
    void aStreamFloodIsRefusedBeyondTheBacklog() throws Exception {
        try (Rig r = Rig.of(quiet(1).acceptBacklog(16).maxStreams(40).build())) {
            for (int i = 0; i < 100; i++) r.peer.send(Frames.SYN, 3 + 2 * i);
            assertTrue(eventually(Duration.ofSeconds(5), () -> r.server.stats().streamsRefused() == 84));
            assertEquals(16, r.server.stats().streamsAccepted());
            Set<Integer> finned = new HashSet<>();
            for (int i = 0; i < 84; i++) {
                RawPeer.Frame f = r.peer.next(5000);
                assertEquals(Frames.FIN, f.cmd());
                finned.add(f.sid());
            }
            assertEquals(84, finned.size(), "each refused stream gets its FIN");
            assertTrue(finned.stream().allMatch(sid -> sid >= 3 + 2 * 16));
            // accepting frees the backlog; the stream limit (40) still applies
            for (int i = 0; i < 16; i++) r.server.acceptStream(Duration.ofSeconds(5));
            for (int i = 100; i < 116; i++) r.peer.send(Frames.SYN, 3 + 2 * i);
            for (int i = 0; i < 16; i++) r.server.acceptStream(Duration.ofSeconds(5));
            for (int i = 116; i < 136; i++) r.peer.send(Frames.SYN, 3 + 2 * i);
            assertTrue(eventually(Duration.ofSeconds(5), () -> r.server.stats().streamsRefused() == 84 + 12));
            assertEquals(40, r.server.streamCount());
            IOException e = assertThrows(IOException.class, r.server::openStream);
            assertTrue(e.getMessage().contains("limit 40"), e.getMessage());
            assertTrue(r.server.isOpen());
        }
    }

    @Test
    void versionOneMemoryIsBoundedByTheSessionBuffer() throws Exception {
        int budget = 1 << 20;
        try (Rig r = Rig.of(quiet(1).maxReceiveBuffer(budget).maxStreamBuffer(65536).build())) {
            r.peer.send(Frames.SYN, 3);
            MuxStream s = r.server.acceptStream(Duration.ofSeconds(5));
            byte[] data = random(8 << 20, 5);
            CompletableFuture<Throwable> w = failureOf(() -> {
                for (int off = 0; off < data.length; off += 32768) {
                    r.peer.send(Frames.PSH, 3, java.util.Arrays.copyOfRange(data, off, off + 32768));
                }
                r.peer.send(Frames.FIN, 3);
                return null;
            });
            // nobody reads: the session stops reading its channel at the budget
            assertTrue(eventually(Duration.ofSeconds(5), () -> r.server.stats().bufferedBytes() >= budget));
            Thread.sleep(300);
            long held = r.server.stats().bufferedBytes();
            assertTrue(held <= budget + 64 * 1024, "buffered " + held);
            assertTrue(r.server.isOpen());
            // reading resumes the flow, in order, nothing lost
            long[] got = drain(s);
            assertEquals(data.length, got[1]);
            assertEquals(crc(data), got[0]);
            assertNull(w.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void versionTwoSlowStreamsDoNotBlockTheOthers() throws Exception {
        // smux's defaults: 4 MiB per session, 64 KiB windows (256 KiB before the first update)
        try (MuxTestKit.Pair p = pair(quiet(2).build())) {
            List<MuxStream> slow = new ArrayList<>();
            List<CompletableFuture<Throwable>> slowWriters = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                MuxStream c = p.client().openStream();
                slow.add(p.server().acceptStream(Duration.ofSeconds(5)));
                slowWriters.add(failureOf(() -> c.write(ByteBuffer.wrap(new byte[16 << 20]))));
            }
            MuxStream fast = p.client().openStream();
            MuxStream fastEnd = p.server().acceptStream(Duration.ofSeconds(5));
            byte[] data = random(32 << 20, 6);
            CompletableFuture<Throwable> w = failureOf(() -> {
                fast.write(ByteBuffer.wrap(data));
                fast.close();
                return null;
            });
            long[] got = drain(fastEnd);
            assertEquals(crc(data), got[0], "the fast stream moved all its bytes past ten stalled ones");
            assertNull(w.get(10, TimeUnit.SECONDS));
            long held = p.server().stats().bufferedBytes();
            assertTrue(held <= 10 * 262144, "each stalled stream holds at most its window: " + held);
            for (CompletableFuture<Throwable> f : slowWriters) assertTrue(!f.isDone(), "slow writers are blocked");
            // and the slow ones still work when read
            byte[] head = readFully(slow.get(0), 1000);
            assertEquals(1000, head.length);
        }
    }

    @Test
    void brokenFramingEndsTheSessionWithTheReason() throws Exception {
        try (Rig r = Rig.of(quiet(1).build())) {
            r.peer.send(Frames.SYN, 3);
            r.peer.send(Frames.PSH, 3, "before".getBytes());
            MuxStream s = r.server.acceptStream(Duration.ofSeconds(5));
            ByteBuffer bad = ByteBuffer.allocate(8);
            Frames.putHeader(bad, 2, Frames.PSH, 3, 0);
            bad.flip();
            r.peer.sendRaw(bad);
            assertTrue(eventually(Duration.ofSeconds(5), () -> !r.server.isOpen()));
            assertTrue(r.server.endCause() instanceof MuxProtocolException);
            assertArrayEquals("before".getBytes(), readFully(s, 6), "what came before is still read");
            MuxProtocolException e = assertThrows(MuxProtocolException.class, () -> s.read(ByteBuffer.allocate(1)));
            assertTrue(e.getMessage().contains("version 2"), e.getMessage());
        }
    }

    @Test
    void randomBytesIntoALiveSession() throws Exception {
        Random rnd = new Random(77);
        int broken = 0;
        int intact = 0;
        for (int i = 0; i < 200; i++) {
            int version = 1 + rnd.nextInt(2);
            try (Rig r = Rig.of(quiet(version).maxReceiveBuffer(1 << 20).maxStreamBuffer(65536)
                    .acceptBacklog(8).maxStreams(16).build())) {
                byte[] input = FrameParserFuzzTest.mutate(rnd, FrameParserFuzzTest.randomFrames(rnd, version));
                try {
                    r.peer.sendRaw(ByteBuffer.wrap(input));
                } catch (IOException endedOnWhatItRead) {
                    // the session closed its end
                }
                // the peer hangs up: the session ends on the framing or on the end of input
                r.peer.close();
                assertTrue(eventually(Duration.ofSeconds(5), () -> !r.server.isOpen()), "case " + i);
                IOException cause = r.server.endCause();
                if (cause instanceof MuxProtocolException) {
                    broken++;
                } else {
                    assertTrue(cause.getMessage().contains("peer closed the connection"), "case " + i + ": " + cause);
                    intact++;
                }
                assertTrue(r.server.stats().bufferedBytes() <= (1 << 20) + 65536);
            }
        }
        assertTrue(broken > 20 && intact > 20, "broken framing " + broken + ", intact " + intact);
    }
}
