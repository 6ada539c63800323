package io.kcp;

import static io.kcp.SessionTestKit.addressOf;
import static io.kcp.SessionTestKit.fast;
import static io.kcp.SessionTestKit.readFully;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** kcp-go's listener rules: sessions by address, conv replacement, backlog, user sockets. */
@Timeout(60)
class ListenerTest {

    @Test
    void aNewConvWithSnZeroFromTheSameAddressReplacesTheSession() throws Exception {
        KcpConfig cfg = fast().build();
        try (KcpListener l = Kcp.listen(SessionTestKit.ANY_LOOPBACK, cfg);
             DatagramChannel socket = DatagramChannel.open().bind(SessionTestKit.ANY_LOOPBACK)) {
            KcpSession first = Kcp.newSession(socket, addressOf(l), cfg);
            first.write(ByteBuffer.wrap("one".getBytes()));
            KcpSession serverFirst = l.accept(Duration.ofSeconds(5));
            assertEquals("one", new String(readFully(serverFirst, 3)));
            first.close();
            assertTrue(socket.isOpen(), "a session on a user's socket must leave it open");

            // the same address restarts with a new conv: its first segment has sn 0
            KcpSession second = Kcp.newSession(socket, addressOf(l), cfg);
            assertNotEquals(first.conv(), second.conv());
            second.write(ByteBuffer.wrap("two".getBytes()));
            KcpSession serverSecond = l.accept(Duration.ofSeconds(5));
            assertEquals(second.conv(), serverSecond.conv());
            assertEquals("two", new String(readFully(serverSecond, 3)));
            assertFalse(serverFirst.isOpen(), "the replaced session must end");
            assertEquals(1, l.sessionCount());
            second.close();
        }
    }

    @Test
    void aReceiveLoopGroupSpreadsPeersOverItsSocketsAndEachSessionAnswersFromTheListenersPort()
            throws Exception {
        KcpConfig cfg = fast().receiveLoops(4).build();
        List<KcpSession> clients = new ArrayList<>();
        InetSocketAddress bound;
        try (KcpListener l = Kcp.listen(SessionTestKit.ANY_LOOPBACK, cfg)) {
            bound = addressOf(l);
            for (int i = 0; i < 32; i++) {
                KcpSession c = Kcp.dial(bound, cfg);
                clients.add(c);
                c.write(ByteBuffer.wrap(new byte[] {(byte) i}));
            }
            for (int i = 0; i < 32; i++) {
                KcpSession s = l.accept(Duration.ofSeconds(10));
                byte[] got = readFully(s, 1);
                s.write(ByteBuffer.wrap(new byte[] {got[0], 42}));
            }
            // a dialed session takes datagrams from its peer's address only: every reply came
            // from the one port, whichever socket of the group carried it
            for (int i = 0; i < 32; i++) {
                byte[] reply = readFully(clients.get(i), 2);
                assertEquals(i, reply[0]);
                assertEquals(42, reply[1]);
            }
            assertTrue(l.portsServing() > 1, "32 peers hashed onto one socket of four");
            assertEquals(32, l.sessionCount());
        } finally {
            for (KcpSession c : clients) c.close();
        }
        // every socket of the group gets closed (on its loop's thread, soon): the port is free
        // again for a socket without SO_REUSEPORT
        long end = System.nanoTime() + 5_000_000_000L;
        while (true) {
            try (DatagramChannel again = DatagramChannel.open().bind(bound)) {
                assertTrue(again.isOpen());
                break;
            } catch (java.net.BindException e) {
                if (System.nanoTime() - end > 0) throw e;
                Thread.sleep(10);
            }
        }
    }

    @Test
    void receiveLoopsAreOneToSixtyFour() {
        assertThrows(IllegalArgumentException.class, () -> KcpConfig.builder().receiveLoops(0));
        assertThrows(IllegalArgumentException.class, () -> KcpConfig.builder().receiveLoops(65));
        assertEquals(1, KcpConfig.builder().build().receiveLoops());
        assertEquals(8, KcpConfig.builder().receiveLoops(8).build().toBuilder().build().receiveLoops());
    }

    @Test
    void newPeersWaitWhileTheBacklogIsFullAndAreAcceptedOnceItDrainsWithNothingLost() throws Exception {
        KcpConfig cfg = fast().backlog(2).build();
        List<KcpSession> clients = new ArrayList<>();
        try (KcpListener l = Kcp.listen(SessionTestKit.ANY_LOOPBACK, cfg)) {
            for (int i = 0; i < 4; i++) {
                KcpSession c = Kcp.dial(addressOf(l), cfg);
                clients.add(c);
                c.write(ByteBuffer.wrap(new byte[] {(byte) i}));
            }
            long end = System.nanoTime() + 2_000_000_000L;
            while (l.droppedNewPeers() + l.reapedSessions() == 0 && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertTrue(l.sessionCount() <= 2, "only the backlog's worth of sessions may exist");
            assertTrue(l.droppedNewPeers() + l.reapedSessions() > 0);
            // accepting makes room; the refused peers (and those whose session on probation
            // gave way, which acknowledged nothing) retransmit and get in
            for (int i = 0; i < 4; i++) {
                KcpSession s = l.accept(Duration.ofSeconds(10));
                assertEquals(1, readFully(s, 1).length);
            }
            assertEquals(4, l.sessionCount());
            assertThrows(SocketTimeoutException.class, () -> l.accept(Duration.ofMillis(100)));
        } finally {
            for (KcpSession c : clients) c.close();
        }
    }

    @Test
    void servesOnAChannelTheUserOwnsAndLeavesItOpen() throws Exception {
        KcpConfig cfg = fast().crypt("xtea", "k").build();
        try (DatagramChannel mine = DatagramChannel.open().bind(SessionTestKit.ANY_LOOPBACK)) {
            KcpListener l = Kcp.serve(mine, cfg);
            try (KcpSession c = Kcp.dial((InetSocketAddress) mine.getLocalAddress(), cfg)) {
                c.write(ByteBuffer.wrap("hi".getBytes()));
                KcpSession s = l.accept(Duration.ofSeconds(5));
                assertEquals("hi", new String(readFully(s, 2)));
            }
            l.close();
            assertTrue(mine.isOpen());
        }
    }

    @Test
    void countersAreKeptPerSessionAndGlobally() throws Exception {
        KcpConfig cfg = fast().build();
        Snmp before = Kcp.counters();
        try (KcpListener l = Kcp.listen(SessionTestKit.ANY_LOOPBACK, cfg);
             KcpSession c = Kcp.dial(addressOf(l), cfg)) {
            c.write(ByteBuffer.wrap(new byte[5000]));
            KcpSession s = l.accept(Duration.ofSeconds(5));
            readFully(s, 5000);
            Snmp mine = c.counters();
            assertEquals(5000, mine.get(SnmpCounter.BYTES_SENT));
            assertTrue(mine.get(SnmpCounter.OUT_PKTS) >= 4);
            assertEquals(1, mine.get(SnmpCounter.ACTIVE_OPENS));
            assertEquals(1, s.counters().get(SnmpCounter.PASSIVE_OPENS));
            Snmp delta = Kcp.counters().minus(before);
            assertTrue(delta.get(SnmpCounter.BYTES_SENT) >= 5000);
            assertTrue(delta.get(SnmpCounter.IN_SEGS) >= 4);
            assertEquals(Snmp.header().size(), mine.values().size());
            assertEquals("BytesSent", Snmp.header().get(0));
        }
    }
}
