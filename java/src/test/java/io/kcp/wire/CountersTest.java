package io.kcp.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kcp.Snmp;
import io.kcp.SnmpCounter;
import io.kcp.arq.Arq;
import io.kcp.arq.ArqField;
import io.kcp.kernel.Kernel;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CountersTest {

    /** kcp-go 5.6.1's snmp.go, Header(). */
    private static final List<String> KCP_GO_HEADER = List.of("BytesSent", "BytesReceived", "MaxConn",
            "ActiveOpens", "PassiveOpens", "CurrEstab", "InErrs", "InCsumErrors", "KCPInErrors", "InPkts",
            "OutPkts", "InSegs", "OutSegs", "InBytes", "OutBytes", "RetransSegs", "FastRetransSegs",
            "EarlyRetransSegs", "LostSegs", "RepeatSegs", "FECParityShards", "FECErrs", "FECRecovered",
            "FECShortShards");

    @Test
    void headerIsKcpGosFollowedByOurOwn() {
        assertEquals(KCP_GO_HEADER, Snmp.header().subList(0, KCP_GO_HEADER.size()));
        assertEquals(List.of("OutErrs"), Snmp.header().subList(KCP_GO_HEADER.size(), SnmpCounter.COUNT));
        assertEquals(25, SnmpCounter.COUNT);
        for (SnmpCounter c : SnmpCounter.values()) {
            assertEquals(c, SnmpCounter.ofKcpGoName(c.kcpGoName()));
            assertEquals(c, SnmpCounter.of(c.ordinal()));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SnmpCounter.ofKcpGoName("FECFullShards"));
        assertEquals(true, e.getMessage().contains("FECShortShards"), e.getMessage());
    }

    @Test
    void addsGoUpTheChain() {
        Counters root = new Counters(null);
        Counters listener = new Counters(root);
        Counters s1 = new Counters(listener);
        Counters s2 = new Counters(listener);
        s1.add(Counter.IN_BYTES, 100);
        s2.add(Counter.IN_BYTES, 20);
        s2.inc(Counter.IN_PKTS);
        listener.inc(Counter.IN_ERRS);
        assertEquals(100, s1.get(Counter.IN_BYTES));
        assertEquals(20, s2.get(Counter.IN_BYTES));
        assertEquals(120, listener.get(Counter.IN_BYTES));
        assertEquals(120, root.get(Counter.IN_BYTES));
        assertEquals(1, root.get(Counter.IN_PKTS));
        assertEquals(0, s1.get(Counter.IN_ERRS));
        assertEquals(1, root.get(Counter.IN_ERRS));
        assertEquals(listener, s1.parent());
    }

    @Test
    void globalCollectsFromItsChildren() {
        Counters s = new Counters(Counters.GLOBAL);
        long before = Counters.GLOBAL.get(Counter.FEC_SHORT_SHARDS);
        s.add(Counter.FEC_SHORT_SHARDS, 7);
        assertEquals(before + 7, Counters.GLOBAL.get(Counter.FEC_SHORT_SHARDS));
    }

    @Test
    void resetClearsOnlyItsOwnLevel() {
        Counters root = new Counters(null);
        Counters s = new Counters(root);
        s.add(Counter.OUT_BYTES, 5);
        s.reset();
        assertEquals(Snmp.zero(), Snmp.of(s.values()));
        assertEquals(5, root.get(Counter.OUT_BYTES));
        s.inc(Counter.OUT_BYTES);
        assertEquals(1, s.get(Counter.OUT_BYTES));
        assertEquals(6, root.get(Counter.OUT_BYTES));
    }

    @Test
    void snapshotIsImmutableAndLinesUpWithTheHeader() {
        Counters c = new Counters(null);
        for (SnmpCounter x : SnmpCounter.values()) {
            c.add(Counter.valueOf(x.name()), 1000 + x.ordinal());
        }
        c.add(Counter.BYTES_SENT, -1001); // wraps to u64 max, as Go's uint64 would
        Snmp s = Snmp.of(c.values());
        c.inc(Counter.IN_PKTS);
        assertEquals(1009, s.get(SnmpCounter.IN_PKTS), "a snapshot does not follow later adds");
        List<String> values = s.values();
        assertEquals(Snmp.header().size(), values.size());
        assertEquals("18446744073709551615", values.get(0));
        for (int i = 1; i < values.size(); i++) {
            assertEquals(String.valueOf(1000 + i), values.get(i));
        }
        String line = s.toString();
        assertEquals(true, line.startsWith("BytesSent=18446744073709551615 BytesReceived=1001 MaxConn=1002 "), line);
        assertEquals(true, line.endsWith(" FECShortShards=1023 OutErrs=1024"), line);
        assertEquals(25, line.split(" ").length);

        Snmp later = Snmp.of(c.values());
        Snmp d = later.minus(s);
        assertEquals(1, d.get(SnmpCounter.IN_PKTS));
        assertEquals(1, d.toArray().length == 25 ? d.toArray()[SnmpCounter.IN_PKTS.ordinal()] : -1);
        assertEquals(Snmp.zero(), later.minus(later));
        assertEquals(later, Snmp.of(later.toArray()));
        assertNotEquals(later, s);
        assertThrows(IllegalArgumentException.class, () -> Snmp.of(new long[3]));
    }

    @Test
    void sessionsOpenAndCloseAtEveryLevel() {
        Counters root = new Counters(null);
        Counters listener = new Counters(root);
        listener.sessionOpened(false);
        listener.sessionOpened(false);
        new Counters(root).sessionOpened(true);
        assertEquals(3, root.get(Counter.CURR_ESTAB));
        assertEquals(3, root.get(Counter.MAX_CONN));
        assertEquals(2, root.get(Counter.PASSIVE_OPENS));
        assertEquals(1, root.get(Counter.ACTIVE_OPENS));
        assertEquals(2, listener.get(Counter.MAX_CONN));
        listener.sessionClosed();
        listener.sessionClosed();
        assertEquals(1, root.get(Counter.CURR_ESTAB));
        assertEquals(3, root.get(Counter.MAX_CONN), "MaxConn is a high-water mark");
        listener.sessionOpened(false);
        assertEquals(2, listener.get(Counter.MAX_CONN));
        assertEquals(3, root.get(Counter.MAX_CONN));
    }

    @Test
    void concurrentAddsAreNotLost() throws InterruptedException {
        Counters root = new Counters(null);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Counters mine = new Counters(root);
            threads.add(new Thread(() -> {
                for (int i = 0; i < 100_000; i++) {
                    mine.inc(Counter.IN_PKTS);
                    mine.add(Counter.IN_BYTES, 3);
                }
            }));
        }
        threads.forEach(Thread::start);
        long seen = 0;
        while (threads.stream().anyMatch(Thread::isAlive)) {
            long now = root.get(Counter.IN_PKTS); // reading while others write
            assertEquals(true, now >= seen);
            seen = now;
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(400_000, root.get(Counter.IN_PKTS));
        assertEquals(1_200_000, root.get(Counter.IN_BYTES));
    }

    @Test
    void arqCountersArriveAsDeltas() {
        try (Arq a = Kernel.active().newArq(9); Arq b = Kernel.active().newArq(9)) {
            Counters root = new Counters(null);
            Counters ca = new Counters(root);
            Counters cb = new Counters(root);
            ArqCounterSync sa = new ArqCounterSync();
            ArqCounterSync sb = new ArqCounterSync();
            int now = 0;
            for (int round = 0; round < 50; round++, now += 100) {
                a.send(ByteBuffer.allocate(3000));
                a.flush(now);
                int k = 0;
                for (byte[] d : records(a)) {
                    if (k++ % 3 != 1) { // lose some, so that there are retransmissions
                        b.input(ByteBuffer.wrap(d), true, false, now);
                    }
                }
                b.flush(now);
                for (byte[] d : records(b)) {
                    a.input(ByteBuffer.wrap(d), true, false, now);
                }
                records(a);
                sa.sync(a, ca);
                sb.sync(b, cb);
            }
            assertEquals(true, a.field(ArqField.RETRANS_SEGS) > 0);
            String[][] pairs = {{"OUT_SEGS", "OUT_SEGS"}, {"IN_SEGS", "IN_SEGS"}, {"RETRANS_SEGS", "RETRANS_SEGS"},
                {"FAST_RETRANS_SEGS", "FAST_RETRANS_SEGS"}, {"EARLY_RETRANS_SEGS", "EARLY_RETRANS_SEGS"},
                {"LOST_SEGS", "LOST_SEGS"}, {"REPEAT_SEGS", "REPEAT_SEGS"}};
            for (String[] p : pairs) {
                ArqField f = ArqField.valueOf(p[0]);
                SnmpCounter c = SnmpCounter.valueOf(p[1]);
                assertEquals(a.field(f), ca.get(Counter.valueOf(c.name())), c.kcpGoName());
                assertEquals(b.field(f), cb.get(Counter.valueOf(c.name())), c.kcpGoName());
                assertEquals(a.field(f) + b.field(f), root.get(Counter.valueOf(c.name())), c.kcpGoName());
            }
            Snmp before = Snmp.of(root.values());
            sa.sync(a, ca);
            sb.sync(b, cb);
            assertEquals(before, Snmp.of(root.values()), "a second sync adds nothing");

            ArqCounterSync fresh = new ArqCounterSync();
            Counters other = new Counters(null);
            fresh.sync(a, other);
            assertEquals(a.field(ArqField.OUT_SEGS), other.get(Counter.OUT_SEGS));
            fresh.reset();
            fresh.sync(a, other);
            assertEquals(2 * a.field(ArqField.OUT_SEGS), other.get(Counter.OUT_SEGS), "reset forgets");
        }
    }

    private static List<byte[]> records(Arq arq) {
        ByteBuffer out = arq.output();
        List<byte[]> list = new ArrayList<>();
        for (int p = out.position(); p < out.limit(); ) {
            int len = out.getInt(p);
            byte[] d = new byte[len];
            out.get(p + 4, d);
            list.add(d);
            p += 4 + len;
        }
        arq.clearOutput();
        return list;
    }
}
