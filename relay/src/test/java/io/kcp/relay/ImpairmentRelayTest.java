package io.kcp.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Plain UDP through a real relay on loopback. */
@Tag("kernel-independent")
class ImpairmentRelayTest {
    private static final long MS = 1_000_000;

    @Test
    void aPerfectLinkDeliversEverythingInOrderBothWays() throws IOException {
        try (Udp server = new Udp(); Udp client = new Udp();
             ImpairmentRelay relay = ImpairmentRelay.builder(server.address()).start()) {
            int n = 2000;
            for (int base = 0; base < n; base += 100) {
                for (int i = base; i < base + 100; i++) {
                    client.send(relay.localAddress(), i);
                }
                for (int i = base; i < base + 100; i++) {
                    assertEquals(i, server.echo(), "server got datagrams out of order");
                    assertNotEquals(client.address(), server.source, "the server sees the relay, not the client");
                }
                for (int i = base; i < base + 100; i++) {
                    assertEquals(i, client.receive(), "client got echoes out of order");
                    assertEquals(relay.localAddress(), client.source, "echoes come from the relay's address");
                }
            }
            assertTrue(relay.awaitIdle(Duration.ofSeconds(5)), "counted once sent");
            RelayStats s = relay.stats();
            for (DirectionStats d : List.of(s.clientToServer(), s.serverToClient())) {
                assertEquals(n, d.received());
                assertEquals(n, d.forwarded());
                assertEquals(4L * n, d.forwardedBytes());
                assertEquals(0, d.dropped() + d.duplicated() + d.reordered() + d.sendFailed());
            }
            assertEquals(1, s.clients());
            assertTrue(relay.failure().isEmpty());
        }
    }

    @Test
    void lossHasTheConfiguredRateAndDropsTheSameDatagramsForTheSameSeed() throws IOException {
        Impairment loss = Impairment.builder().loss(0.1).seed(2024).build();
        int n = 20_000;
        BitSet first = droppedThroughRelay(loss, n);
        BitSet second = droppedThroughRelay(loss, n);
        // mean 2000, standard deviation ≈ 42: ± 300 is over 7 deviations (and the seed is fixed)
        assertTrue(Math.abs(first.cardinality() - 2000) < 300, "dropped " + first.cardinality());
        assertEquals(first, second, "same seed, same arrivals: same datagrams dropped");
        assertEquals(ImpairmentModelTest.lost(loss, n), first, "the relay drops what the model says");
        assertNotEquals(first, ImpairmentModelTest.lost(loss.withSeed(2025), n));
    }

    /**
     * Sends sequence numbers 0..n-1 through a fresh relay with {@code loss} towards the server and
     * returns the ones that did not arrive. Paced in windows: each window is sent only once the
     * relay has handled the previous one and the server has read all of it, so that no socket
     * buffer can overflow and every missing datagram is one the relay dropped on purpose.
     */
    private static BitSet droppedThroughRelay(Impairment loss, int n) throws IOException {
        try (Udp server = new Udp(); Udp client = new Udp();
             ImpairmentRelay relay = ImpairmentRelay.start(server.address(), loss, Impairment.NONE)) {
            BitSet arrived = new BitSet(n);
            long read = 0;
            for (int base = 0; base < n; base += 200) {
                int end = Math.min(n, base + 200);
                for (int i = base; i < end; i++) {
                    client.send(relay.localAddress(), i);
                }
                DirectionStats s = await(relay, d -> d.received() == end && d.inFlight() == 0);
                for (; read < s.forwarded(); read++) {
                    int seq = server.receive();
                    assertFalse(arrived.get(seq), "duplicate " + seq);
                    arrived.set(seq);
                }
            }
            DirectionStats s = relay.stats().clientToServer();
            assertEquals(n, s.received());
            assertEquals(n - arrived.cardinality(), s.droppedLoss());
            assertEquals(0, s.sendFailed());
            assertEquals(-1, server.poll(20));
            BitSet dropped = new BitSet(n);
            dropped.set(0, n);
            dropped.andNot(arrived);
            return dropped;
        }
    }

    /** Waits until the client-to-server counters satisfy {@code done}; fails after 5 s. */
    private static DirectionStats await(ImpairmentRelay relay, Predicate<DirectionStats> done) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            DirectionStats s = relay.stats().clientToServer();
            if (done.test(s)) {
                return s;
            }
            if (System.nanoTime() - deadline > 0) {
                return fail("relay stuck at " + s);
            }
            LockSupport.parkNanos(50_000);
        }
    }

    private static void awaitTrue(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out");
            }
            LockSupport.parkNanos(100_000);
        }
    }

    @Test
    void delayAddsAtLeastTheConfiguredTimeEachWay() throws IOException {
        try (Udp server = new Udp(); Udp client = new Udp();
             ImpairmentRelay relay = ImpairmentRelay.start(server.address(),
                     Impairment.builder().delayMillis(30).build(), Impairment.builder().delayMillis(20).build())) {
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                client.send(relay.localAddress(), i);
                assertEquals(i, server.echo());
                long oneWay = System.nanoTime() - t0;
                assertEquals(i, client.receive());
                long roundTrip = System.nanoTime() - t0;
                assertTrue(oneWay >= 30 * MS && oneWay < 1000 * MS, "one way " + oneWay / 1e6 + " ms");
                assertTrue(roundTrip >= 50 * MS && roundTrip < 1000 * MS, "round trip " + roundTrip / 1e6 + " ms");
            }
        }
    }

    @Test
    void duplicatesArriveForExactlyTheDatagramsTheModelPicks() throws IOException {
        Impairment toServer = Impairment.builder().duplicate(0.3).seed(11).build(); // sent at once
        Impairment toClient = Impairment.builder().duplicate(0.3).delayMillis(1).seed(12).build(); // held
        int n = 500;
        try (Udp server = new Udp(); Udp client = new Udp();
             ImpairmentRelay relay = ImpairmentRelay.start(server.address(), toServer, toClient)) {
            int[] atServer = new int[n];
            for (int i = 0; i < n; i++) {
                client.send(relay.localAddress(), i);
            }
            DirectionStats up = await(relay, d -> d.received() == n && d.inFlight() == 0);
            for (long k = 0; k < up.forwarded(); k++) {
                atServer[server.receive()]++;
            }
            InetSocketAddress mapped = server.source;
            for (int i = 0; i < n; i++) {
                server.send(mapped, i);
            }
            int[] atClient = new int[n];
            BitSet twiceDown = duplicated(toClient, n);
            for (long k = 0; k < n + twiceDown.cardinality(); k++) {
                atClient[client.receive()]++;
            }
            assertEquals(-1, client.poll(50), "no more than the duplicates the model picked");

            BitSet twiceUp = duplicated(toServer, n);
            for (int i = 0; i < n; i++) {
                assertEquals(twiceUp.get(i) ? 2 : 1, atServer[i], "copies of " + i + " at the server");
                assertEquals(twiceDown.get(i) ? 2 : 1, atClient[i], "copies of " + i + " at the client");
            }
            assertTrue(twiceUp.cardinality() > 100 && twiceDown.cardinality() > 100);
            RelayStats s = relay.stats();
            assertEquals(twiceUp.cardinality(), s.clientToServer().duplicated());
            assertEquals(twiceDown.cardinality(), s.serverToClient().duplicated());
            assertTrue(relay.awaitIdle(Duration.ofSeconds(5)));
            assertEquals(n + twiceDown.cardinality(), relay.stats().serverToClient().forwarded());
        }
    }

    private static BitSet duplicated(Impairment impairment, int n) {
        ImpairmentModel model = new ImpairmentModel(impairment);
        Verdict v = new Verdict();
        BitSet twice = new BitSet(n);
        for (int i = 0; i < n; i++) {
            model.decide(0, 4, v);
            twice.set(i, v.copies == 2);
        }
        return twice;
    }

    @Test
    void reorderedDatagramsAreOvertakenAndHoldUpNoOthers() throws IOException {
        Impairment reorder = Impairment.builder().reorder(0.1, 300).seed(5).build();
        int n = 300;
        BitSet held = new BitSet(n);
        ImpairmentModel model = new ImpairmentModel(reorder);
        Verdict v = new Verdict();
        for (int i = 0; i < n; i++) {
            model.decide(0, 4, v);
            held.set(i, v.reordered);
        }
        try (Udp server = new Udp(); Udp client = new Udp();
             ImpairmentRelay relay = ImpairmentRelay.start(server.address(), reorder, Impairment.NONE)) {
            for (int i = 0; i < n; i++) {
                client.send(relay.localAddress(), i);
            }
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                order.add(server.receive());
            }
            assertEquals(n, new HashSet<>(order).size(), "each datagram exactly once");
            BitSet overtaken = new BitSet(n);
            int highest = -1;
            for (int seq : order) {
                if (seq < highest) {
                    overtaken.set(seq);
                }
                highest = Math.max(highest, seq);
            }
            assertFalse(overtaken.isEmpty(), "something was reordered");
            BitSet notHeld = (BitSet) overtaken.clone();
            notHeld.andNot(held);
            assertTrue(notHeld.isEmpty(), "only held datagrams are overtaken: " + notHeld);
            assertEquals(held.cardinality(), relay.stats().clientToServer().reordered());
        }
    }

    @Test
    void theRateLimitPacesAndTailDrops() throws IOException {
        // 100 kB/s, 1000 B datagrams: one every 10 ms; 21 of them take at least 200 ms.
        Impairment paced = Impairment.builder().rateLimit(100_000, 1000, 64 * 1024).build();
        try (Udp server = new Udp(); Udp client = new Udp();
             ImpairmentRelay relay = ImpairmentRelay.start(server.address(), paced, Impairment.NONE)) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 21; i++) {
                client.send(relay.localAddress(), i, 1000);
            }
            for (int i = 0; i < 21; i++) {
                assertEquals(i, server.receive());
            }
            long elapsed = System.nanoTime() - t0;
            assertTrue(elapsed >= 200 * MS - 1000, "21 datagrams in " + elapsed / 1e6 + " ms");
            assertTrue(relay.awaitIdle(Duration.ofSeconds(5)), "counted once sent");
            assertEquals(21_000, relay.stats().clientToServer().forwardedBytes());
        }
        // 10 kB/s with a 5000 B queue: a burst of 20 keeps the first, queues 5 and drops the rest.
        Impairment small = Impairment.builder().rateLimit(10_000, 1000, 5000).build();
        try (Udp server = new Udp(); Udp client = new Udp();
             ImpairmentRelay relay = ImpairmentRelay.start(server.address(), small, Impairment.NONE)) {
            for (int i = 0; i < 20; i++) {
                client.send(relay.localAddress(), i, 1000);
            }
            DirectionStats s = await(relay, d -> d.received() == 20 && d.inFlight() == 0);
            assertTrue(s.droppedQueueFull() > 0, s.toString());
            assertEquals(20, s.forwarded() + s.droppedQueueFull());
            int previous = -1;
            for (long k = 0; k < s.forwarded(); k++) {
                int seq = server.receive();
                assertTrue(seq > previous, "FIFO");
                previous = seq;
            }
        }
    }

    @Test
    void eachClientGetsItsOwnUpstreamSource() throws IOException {
        try (Udp server = new Udp(); Udp a = new Udp(); Udp b = new Udp(); Udp c = new Udp();
             ImpairmentRelay relay = ImpairmentRelay.builder(server.address())
                     .clientToServer(Impairment.builder().delayMillis(2).build()).start()) {
            List<Udp> clients = List.of(a, b, c);
            for (int k = 0; k < clients.size(); k++) {
                for (int i = 0; i < 10; i++) {
                    clients.get(k).send(relay.localAddress(), k * 1000 + i);
                }
            }
            Map<Integer, Set<InetSocketAddress>> sources = new HashMap<>();
            for (int i = 0; i < 30; i++) {
                int seq = server.echo();
                sources.computeIfAbsent(seq / 1000, x -> new HashSet<>()).add(server.source);
            }
            Set<InetSocketAddress> distinct = new HashSet<>();
            for (int k = 0; k < clients.size(); k++) {
                assertEquals(1, sources.get(k).size(), "client " + k + " keeps one source");
                distinct.addAll(sources.get(k));
            }
            assertEquals(3, distinct.size(), "three clients, three sources: " + distinct);
            assertFalse(distinct.contains(relay.localAddress()));
            for (int k = 0; k < clients.size(); k++) {
                for (int i = 0; i < 10; i++) {
                    assertEquals(k, clients.get(k).receive() / 1000, "echo went back to its own client");
                }
            }
            assertEquals(Set.of(a.address(), b.address(), c.address()), new HashSet<>(relay.clientAddresses()));
            assertEquals(3, relay.stats().clients());
        }
    }

    @Test
    void maxClientsOneLocksTheRelayToWhoeverSendsFirst() throws IOException {
        try (Udp server = new Udp(); Udp first = new Udp(); Udp second = new Udp();
             ImpairmentRelay relay = ImpairmentRelay.builder(server.address()).maxClients(1).start()) {
            first.send(relay.localAddress(), 1);
            assertEquals(1, server.receive());
            for (int i = 0; i < 5; i++) {
                second.send(relay.localAddress(), 100 + i);
            }
            first.send(relay.localAddress(), 2);
            assertEquals(2, server.receive(), "the second client's datagrams are not relayed");
            awaitTrue(() -> relay.stats().rejected() >= 5);
            assertEquals(5, relay.stats().rejected());
            assertEquals(-1, server.poll(50));
            assertEquals(List.of(first.address()), relay.clientAddresses());
        }
    }

    @Test
    void closeReleasesThePortsAndTheThreads() throws IOException {
        InetSocketAddress local;
        InetSocketAddress upstreamSource;
        String prefix;
        ImpairmentRelay relay;
        try (Udp server = new Udp(); Udp client = new Udp()) {
            relay = ImpairmentRelay.start(server.address(), Impairment.builder().delayMillis(1).build(),
                    Impairment.builder().delayMillis(10_000).build());
            local = relay.localAddress();
            prefix = ImpairmentRelay.THREAD_NAME_PREFIX + local.getPort() + "-";
            client.send(local, 7);
            assertEquals(7, server.echo()); // and the echo stays held for 10 s: close() discards it
            upstreamSource = server.source;
            awaitTrue(() -> relay.stats().serverToClient().received() == 1);
            assertEquals(2, relayThreads(prefix).size(), "receiver and release threads: " + relayThreads(prefix));
            for (Thread t : relayThreads(prefix)) {
                assertTrue(t.isDaemon(), t.getName());
            }
            assertThrows(BindException.class, () -> new DatagramSocket(local).close(), "port in use");
            assertThrows(BindException.class, () -> new DatagramSocket(upstreamSource).close());
            relay.close();
            relay.close(); // idempotent
        }
        assertEquals(List.of(), relayThreads(prefix));
        new DatagramSocket(local).close();
        new DatagramSocket(upstreamSource).close();
        assertEquals(1, relay.stats().serverToClient().received(), "stats stay readable");
        assertEquals(0, relay.stats().serverToClient().forwarded());
        assertTrue(relay.toString().contains("closed"), relay.toString());
    }

    private static List<Thread> relayThreads(String prefix) {
        List<Thread> threads = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(prefix)) {
                threads.add(t);
            }
        }
        return threads;
    }

    @Test
    void aServerThatIsNotUpYetDoesNotBreakTheRelay() throws IOException {
        InetSocketAddress later;
        try (Udp placeholder = new Udp()) {
            later = placeholder.address(); // a free port, closed again: datagrams there bounce (ICMP)
        }
        try (Udp client = new Udp(); ImpairmentRelay relay = ImpairmentRelay.start(later, Impairment.NONE,
                Impairment.NONE)) {
            for (int i = 0; i < 3; i++) {
                client.send(relay.localAddress(), i);
            }
            await(relay, d -> d.received() == 3 && d.inFlight() == 0);
            try (DatagramSocket bound = new DatagramSocket(later)) {
                bound.setSoTimeout(200);
                byte[] buf = new byte[16];
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                boolean arrived = false;
                for (int i = 10; i < 50 && !arrived; i++) {
                    client.send(relay.localAddress(), i);
                    try {
                        bound.receive(p);
                        arrived = true;
                    } catch (SocketTimeoutException e) {
                        // an ICMP error may cost one send; try again
                    }
                }
                assertTrue(arrived, relay.toString());
            }
            assertTrue(relay.failure().isEmpty());
        }
    }

    @Test
    void invalidRelaySettingsAreRejected() {
        InetSocketAddress somewhere = new InetSocketAddress("127.0.0.1", 9);
        assertThrows(IllegalArgumentException.class, () -> ImpairmentRelay.builder(
                InetSocketAddress.createUnresolved("example.invalid", 9)));
        assertThrows(IllegalArgumentException.class, () -> ImpairmentRelay.builder(new InetSocketAddress("127.0.0.1", 0)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImpairmentRelay.builder(somewhere).maxClients(0));
        assertEquals("maxClients must be in [1, 65535], was 0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ImpairmentRelay.builder(somewhere).socketBufferBytes(10));
        assertThrows(NullPointerException.class, () -> ImpairmentRelay.builder(somewhere).clientToServer(null));
    }
}
