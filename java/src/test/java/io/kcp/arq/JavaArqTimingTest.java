package io.kcp.arq;

import static io.kcp.arq.ArqTestKit.ACK;
import static io.kcp.arq.ArqTestKit.PUSH;
import static io.kcp.arq.ArqTestKit.WASK;
import static io.kcp.arq.ArqTestKit.WINS;
import static io.kcp.arq.ArqTestKit.ack;
import static io.kcp.arq.ArqTestKit.bytes;
import static io.kcp.arq.ArqTestKit.concat;
import static io.kcp.arq.ArqTestKit.drain;
import static io.kcp.arq.ArqTestKit.drainSegments;
import static io.kcp.arq.ArqTestKit.feed;
import static io.kcp.arq.ArqTestKit.newArq;
import static io.kcp.arq.ArqTestKit.seg;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kcp.arq.ArqTestKit.Seg;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Retransmission, congestion window, RTT estimation, window probing and clock wrap. */
class JavaArqTimingTest {
    private static final byte[] DATA = bytes(9, 0);

    private static void send(Arq a, int n) {
        for (int i = 0; i < n; i++) {
            assertEquals(0, a.send(ByteBuffer.wrap(DATA)));
        }
    }

    @Test
    void rtoGrowsByRxRtoWithoutNodelay() {
        try (Arq a = newArq(1)) {
            a.nodelay(-1, 5000, -1, 1); // long interval: flush returns the time to the next resend
            send(a, 1);
            assertEquals(200, a.flush(0));
            drain(a);
            assertEquals(1, a.flush(199));
            assertEquals(0, a.outputCount());
            assertEquals(400, a.flush(200)); // rto 200 + 200
            List<Seg> segs = drainSegments(a);
            assertEquals(1, segs.size());
            assertEquals(200, segs.get(0).ts());
            assertEquals(1, a.field(ArqField.LOST_SEGS));
            assertEquals(1, a.field(ArqField.RETRANS_SEGS));
            assertEquals(600, a.flush(600)); // rto 400 + 200
            assertEquals(1, drain(a).size());
            assertEquals(2, a.field(ArqField.LOST_SEGS));
            assertEquals(3, a.field(ArqField.OUT_SEGS));
        }
    }

    @Test
    void rtoGrowsByHalfRxRtoWithNodelay() {
        try (Arq a = newArq(1)) {
            a.nodelay(1, 5000, -1, 1);
            send(a, 1);
            assertEquals(200, a.flush(0)); // rx_rto is still the default 200
            assertEquals(300, a.flush(200));
            assertEquals(400, a.flush(500));
            assertEquals(3, drain(a).size());
        }
    }

    @Test
    void fastRetransmitAfterResendDuplicateAcks() {
        try (Arq a = newArq(1)) {
            a.nodelay(-1, -1, 2, 1);
            send(a, 3);
            a.flush(0);
            drain(a);
            // two ACKs for sn 2: sn 0 and 1 (ts 0 <= 0) collect fastack 2 each
            feed(a, concat(ack(1, 32, 0, 2, 0), ack(1, 32, 0, 2, 0)), 10);
            a.flush(10);
            List<Seg> segs = drainSegments(a);
            assertEquals(2, segs.size());
            assertEquals(0, segs.get(0).sn());
            assertEquals(1, segs.get(1).sn());
            assertEquals(10, segs.get(0).ts());
            assertEquals(2, a.field(ArqField.FAST_RETRANS_SEGS));
            assertEquals(0, a.field(ArqField.EARLY_RETRANS_SEGS));
            assertEquals(0, a.field(ArqField.LOST_SEGS));
            assertEquals(2, a.field(ArqField.RETRANS_SEGS));
        }
    }

    @Test
    void earlyRetransmitWaitsForAFlushWithoutNewSegments() {
        try (Arq a = newArq(1)) {
            a.nodelay(-1, -1, 0, 1);
            send(a, 2);
            a.flush(0);
            drain(a);
            feed(a, ack(1, 32, 0, 1, 0), 5); // sn 0 gets fastack 1
            send(a, 1);
            a.flush(10); // a new segment moved to snd_buf: no early retransmit
            List<Seg> segs = drainSegments(a);
            assertEquals(1, segs.size());
            assertEquals(2, segs.get(0).sn());
            assertEquals(0, a.field(ArqField.EARLY_RETRANS_SEGS));
            a.flush(20);
            segs = drainSegments(a);
            assertEquals(1, segs.size());
            assertEquals(0, segs.get(0).sn());
            assertEquals(1, a.field(ArqField.EARLY_RETRANS_SEGS));
            assertEquals(1, a.field(ArqField.RETRANS_SEGS));
        }
    }

    /** cwnd 2 with sn 1 and 2 in flight (sent at 20), sn 2 acked at 30 so sn 1 has fastack 1. */
    private static Arq twoInFlightOneAcked(int fastresend) {
        Arq a = newArq(1);
        a.nodelay(-1, -1, fastresend, -1);
        a.flush(0); // cwnd 0 -> 1
        send(a, 1);
        a.flush(0);
        feed(a, ack(1, 32, 0, 0, 1), 10); // una advances: slow start, cwnd 2
        assertEquals(2, a.field(ArqField.CWND));
        assertEquals(2752, a.field(ArqField.INCR));
        send(a, 2);
        a.flush(20);
        feed(a, ack(1, 32, 20, 2, 1), 30);
        drain(a);
        return a;
    }

    @Test
    void earlyRetransmitHalvesWithWrappingResent() {
        try (Arq a = twoInFlightOneAcked(0)) {
            a.flush(40);
            assertEquals(1, a.field(ArqField.EARLY_RETRANS_SEGS));
            // ssthresh = max(2, inflight 2 / 2); cwnd = ssthresh + 0xffffffff (u32 wrap)
            assertEquals(2, a.field(ArqField.SSTHRESH));
            assertEquals(1, a.field(ArqField.CWND));
            assertEquals(1376, a.field(ArqField.INCR));
        }
    }

    @Test
    void fastRetransmitSetsCwndToSsthreshPlusResend() {
        try (Arq a = twoInFlightOneAcked(1)) {
            a.flush(40);
            assertEquals(1, a.field(ArqField.FAST_RETRANS_SEGS));
            assertEquals(2, a.field(ArqField.SSTHRESH));
            assertEquals(3, a.field(ArqField.CWND));
            assertEquals(3 * 1376, a.field(ArqField.INCR));
        }
    }

    @Test
    void lossCollapsesCwnd() {
        try (Arq a = twoInFlightOneAcked(10)) {
            // two RTT samples of 10 ms: srtt 10, rttvar 3 -> rto 110
            assertEquals(110, a.rto());
            a.flush(40); // early retransmit of sn 1: cwnd = ssthresh 2 + resend 10
            assertEquals(1, a.field(ArqField.EARLY_RETRANS_SEGS));
            assertEquals(12, a.field(ArqField.CWND));
            assertEquals(12 * 1376, a.field(ArqField.INCR));
            drain(a);
            a.flush(149);
            assertEquals(0, a.outputCount());
            a.flush(150);
            List<Seg> segs = drainSegments(a);
            assertEquals(1, segs.size());
            assertEquals(1, segs.get(0).sn());
            assertEquals(150, segs.get(0).ts());
            assertEquals(1, a.field(ArqField.LOST_SEGS));
            assertEquals(2, a.field(ArqField.RETRANS_SEGS));
            // ssthresh = cw / 2 with cw = min(snd_wnd, rmt_wnd, cwnd 12)
            assertEquals(6, a.field(ArqField.SSTHRESH));
            assertEquals(1, a.field(ArqField.CWND));
            assertEquals(1376, a.field(ArqField.INCR));
        }
    }

    /** Sends one segment, flushes, and acks it with the given remote window. */
    private static void sendAndAck(Arq a, int now, int rmtWnd) {
        send(a, 1);
        a.flush(now);
        int sn = (int) a.field(ArqField.SND_NXT) - 1;
        feed(a, ack(1, rmtWnd, now, sn, sn + 1), now + 1);
        drain(a);
    }

    @Test
    void congestionAvoidanceFollowsIncr() {
        try (Arq a = newArq(1)) {
            a.flush(0);
            sendAndAck(a, 10, 32);
            assertEquals(2, a.field(ArqField.CWND));
            sendAndAck(a, 20, 32); // incr += 1376*1376/2752 + 1376/16
            assertEquals(2, a.field(ArqField.CWND));
            assertEquals(3526, a.field(ArqField.INCR));
            sendAndAck(a, 30, 32); // incr 4148 >= 3 * 1376: cwnd = ceil(4148 / 1376)
            assertEquals(4, a.field(ArqField.CWND));
            assertEquals(4148, a.field(ArqField.INCR));
        }
    }

    @Test
    void cwndIsClampedToTheRemoteWindow() {
        try (Arq a = newArq(1)) {
            a.flush(0);
            sendAndAck(a, 10, 32);
            sendAndAck(a, 20, 32);
            sendAndAck(a, 30, 3);
            assertEquals(3, a.field(ArqField.RMT_WND));
            assertEquals(3, a.field(ArqField.CWND));
            assertEquals(3 * 1376, a.field(ArqField.INCR));
        }
    }

    @Test
    void sendWindowLimitsSegmentsInFlight() {
        try (Arq a = newArq(1)) {
            a.nodelay(-1, -1, -1, 1);
            a.windowSize(2, 32);
            send(a, 5);
            a.flush(0);
            assertEquals(2, drainSegments(a).size());
            assertEquals(2, a.field(ArqField.SND_BUF));
            assertEquals(3, a.field(ArqField.SND_QUEUE));
            assertEquals(5, a.waitSnd());
            feed(a, ack(1, 32, 0, 0, 1), 5); // una 1: the input's flush sends sn 2
            List<Seg> segs = drainSegments(a);
            assertEquals(1, segs.size());
            assertEquals(2, segs.get(0).sn());
            assertEquals(5, segs.get(0).ts());
        }
    }

    @Test
    void deadLinkAfterTwentyTransmissions() {
        try (Arq a = newArq(1)) {
            a.nodelay(-1, -1, -1, 1);
            send(a, 1);
            int now = 0;
            a.flush(now);
            for (int xmit = 2; xmit <= 20; xmit++) {
                assertEquals(0, a.field(ArqField.STATE), "xmit " + (xmit - 1));
                now += 100_000;
                a.flush(now);
            }
            assertEquals(4294967295L, a.field(ArqField.STATE));
            assertEquals(-1, a.state());
            assertEquals(19, a.field(ArqField.LOST_SEGS));
            assertEquals(20, drain(a).size());
        }
    }

    @Test
    void rttEstimator() {
        try (Arq a = newArq(1)) {
            feed(a, ack(1, 32, 0, 0, 0), 50);
            assertEquals(50, a.srtt());
            assertEquals(25, a.srttVar());
            assertEquals(150, a.rto());
            feed(a, ack(1, 32, 0, 0, 0), 30); // delta -20: srtt += -20 >> 3 (arithmetic: -3)
            assertEquals(47, a.srtt());
            assertEquals(23, a.srttVar());
            assertEquals(147, a.rto());
            feed(a, ack(1, 32, 0, 0, 0), 10); // below srtt - rttvar: weight 1/32
            assertEquals(42, a.srtt());
            assertEquals(23, a.srttVar());
            assertEquals(142, a.rto());
            a.input(ByteBuffer.wrap(ack(1, 32, 0, 0, 0)), false, false, 1000); // FEC-recovered: ignored
            feed(a, ack(1, 32, 2000, 0, 0), 1000); // ts in the future: ignored
            assertEquals(42, a.srtt());
            feed(a, concat(ack(1, 32, 0, 0, 0), ack(1, 32, 1000, 0, 0)), 1042); // latest ts wins
            assertEquals(42, a.srtt());
            assertEquals(17, a.srttVar()); // 23 + (0 - 23) >> 2
        }
    }

    @Test
    void rtoIsBoundedByMinRtoAndMax() {
        try (Arq a = newArq(1); Arq b = newArq(1)) {
            a.nodelay(1, 10, -1, -1);
            feed(a, ack(1, 32, 0, 0, 0), 1); // 1 + max(10, 0) = 11 -> minrto 30
            assertEquals(30, a.rto());
            a.setMinRto(5);
            feed(a, ack(1, 32, 0, 0, 0), 1);
            assertEquals(11, a.rto());
            feed(b, ack(1, 32, 0, 0, 0), 100_000);
            assertEquals(60000, b.rto());
        }
    }

    @Test
    void rttArithmeticWrapsLikeInt32AndUint32() {
        try (Arq a = newArq(1)) {
            feed(a, ack(1, 32, 0, 0, 0), Integer.MAX_VALUE);
            assertEquals(Integer.MAX_VALUE, a.field(ArqField.RX_SRTT));
            assertEquals(1073741823, a.field(ArqField.RX_RTTVAR));
            assertEquals(60000, a.rto()); // srtt + (rttvar << 2 as u32) wraps, then the bound
            feed(a, ack(1, 32, 5, 0, 0), 5); // rtt 0
            assertEquals(1879048191, a.field(ArqField.RX_SRTT));
            assertEquals(1107296255, a.field(ArqField.RX_RTTVAR));
            assertEquals(60000, a.rto());
        }
    }

    @Test
    void windowProbeStartsAfterOneRtoAndBacksOff() {
        try (Arq a = newArq(1)) {
            a.nodelay(-1, -1, -1, 1); // interval 100
            feed(a, seg(1, WINS, 0, 0, 0, 0, 0, new byte[0]), 1000); // no RTT sample: rto 200
            assertEquals(0, a.field(ArqField.RMT_WND));
            send(a, 1);
            a.flush(1000);
            assertEquals(0, a.outputCount()); // no room at the peer, no probe yet
            assertEquals(200, a.field(ArqField.PROBE_WAIT)); // kcp-go 5.6.1: 7000
            assertEquals(1200, a.field(ArqField.TS_PROBE));
            a.flush(1199);
            assertEquals(0, a.outputCount());
            a.flush(1200);
            List<Seg> segs = drainSegments(a);
            assertEquals(1, segs.size());
            assertEquals(WASK, segs.get(0).cmd());
            assertEquals(32, segs.get(0).wnd());
            assertEquals(300, a.field(ArqField.PROBE_WAIT));
            assertEquals(1500, a.field(ArqField.TS_PROBE));
            int[] waits = {450, 675, 1012, 1518, 2277, 3415, 5122, 7683, 11524, 17286, 25929, 38893, 58339,
                87508, 120000, 120000};
            int now = 1500;
            for (int w : waits) {
                a.flush(now - 1);
                assertEquals(0, a.outputCount());
                a.flush(now);
                assertEquals(WASK, drainSegments(a).get(0).cmd());
                assertEquals(w, a.field(ArqField.PROBE_WAIT));
                now += w;
                assertEquals(now, (int) a.field(ArqField.TS_PROBE));
            }
            a.input(ByteBuffer.wrap(seg(1, WINS, 0, 10, 0, 0, 0, new byte[0])), false, false, now);
            assertEquals(0, a.field(ArqField.RMT_WND)); // FEC-recovered packets do not move it
            feed(a, seg(1, WINS, 0, 10, 0, 0, 0, new byte[0]), now);
            assertEquals(10, a.field(ArqField.RMT_WND));
            a.flush(now);
            assertEquals(0, a.field(ArqField.PROBE_WAIT));
            assertEquals(0, a.field(ArqField.TS_PROBE));
            segs = drainSegments(a);
            assertEquals(1, segs.size());
            assertEquals(PUSH, segs.get(0).cmd());
        }
    }

    /** The first wait when the window shuts: the RTO, at least the interval, at most 500 ms. */
    private static long firstProbeWait(Arq a, int now) {
        feed(a, seg(1, WINS, 0, 0, 0, 0, 0, new byte[0]), now);
        a.flush(now);
        long wait = a.field(ArqField.PROBE_WAIT);
        feed(a, seg(1, WINS, 0, 32, 0, 0, 0, new byte[0]), now);
        a.flush(now); // reopened: the timer resets
        assertEquals(0, a.field(ArqField.PROBE_WAIT));
        return wait;
    }

    @Test
    void firstProbeWaitFollowsTheRtoWithinIntervalAnd500() {
        try (Arq a = newArq(1)) {
            a.nodelay(1, 10, -1, 1);
            feed(a, ack(1, 32, 99, 0, 0), 100); // rtt 1: rto = max(minrto 30, 1 + 10)
            assertEquals(30, a.rto());
            assertEquals(30, firstProbeWait(a, 100));
            a.setMinRto(5);
            feed(a, ack(1, 32, 100, 0, 0), 100); // rtt 0: rto 10
            assertEquals(10, a.rto());
            assertEquals(10, firstProbeWait(a, 100));
            a.nodelay(-1, 300, -1, -1); // the rto is older than the new interval
            assertEquals(300, firstProbeWait(a, 100));
            feed(a, ack(1, 32, 0, 0, 0), 100_000);
            assertEquals(60000, a.rto());
            assertEquals(500, firstProbeWait(a, 100_000));
        }
    }

    @Test
    void atMostSixteenInFlightUntilThePeerHasSpoken() {
        try (Arq a = newArq(1)) {
            a.nodelay(1, 10, 2, 1);
            a.windowSize(1024, 1024);
            send(a, 40);
            a.flush(0);
            assertEquals(16, drainSegments(a).size()); // kcp-go 5.6.1: rmt_wnd 32
            assertEquals(0, a.field(ArqField.RMT_WND_KNOWN));
            assertEquals(32, a.field(ArqField.RMT_WND));
            a.flush(10);
            assertEquals(0, a.outputCount());
            // an FEC-recovered ACK slides the window, but is not the peer speaking
            a.input(ByteBuffer.wrap(ack(1, 1024, 0, 0, 1)), false, false, 20);
            List<Seg> segs = drainSegments(a);
            assertEquals(1, segs.size());
            assertEquals(16, segs.get(0).sn());
            assertEquals(0, a.field(ArqField.RMT_WND_KNOWN));
            // the first regular packet: the peer's own window from now on
            feed(a, ack(1, 1024, 0, 1, 2), 30);
            assertEquals(1, a.field(ArqField.RMT_WND_KNOWN));
            assertEquals(1024, a.field(ArqField.RMT_WND));
            assertEquals(23, drainSegments(a).size());
            assertEquals(40, a.field(ArqField.SND_NXT));
        }
    }

    @Test
    void windowTellCarriesTheLastAcksFields() {
        try (Arq b = newArq(1)) {
            feed(b, concat(seg(1, PUSH, 0, 32, 77, 3, 0, DATA), seg(1, WASK, 0, 32, 0, 0, 0, new byte[0])), 0);
            assertEquals(2, b.field(ArqField.PROBE));
            b.flush(0);
            List<byte[]> records = drain(b);
            assertEquals(1, records.size());
            List<Seg> segs = ArqTestKit.segments(records.get(0), 0);
            assertEquals(2, segs.size());
            assertEquals(ACK, segs.get(0).cmd());
            assertEquals(WINS, segs.get(1).cmd());
            assertEquals(3, segs.get(1).sn());
            assertEquals(77, segs.get(1).ts());
            assertEquals(0, segs.get(1).una());
            assertEquals(32, segs.get(1).wnd());
        }
    }

    @Test
    void clockWrapsAroundZero() {
        try (Arq a = newArq(1)) {
            a.nodelay(-1, 5000, -1, 1);
            send(a, 1);
            assertEquals(200, a.flush(0xFFFFFFF0));
            drain(a);
            assertEquals(0xB9, a.flush(0xFFFFFFFF)); // resendts wrapped to 0xB8
            assertEquals(0, a.outputCount());
            assertEquals(400, a.flush(0xB8));
            List<Seg> segs = drainSegments(a);
            assertEquals(1, segs.size());
            assertEquals(0xB8, segs.get(0).ts());
            feed(a, ack(1, 32, 0xFFFFFFF0, 0, 0), 0x10); // RTT across the wrap: 32 ms
            assertEquals(32, a.srtt());
        }
    }

    @Test
    void probeTimerWrapsAroundZero() {
        try (Arq a = newArq(1)) {
            feed(a, ack(1, 0, 0, 0, 0), 0xFFFFFF80); // ts 0 lies in the future: no RTT sample
            a.flush(0xFFFFFF80);
            assertEquals(72, a.field(ArqField.TS_PROBE)); // 0xFFFFFF80 + rto 200, wrapped
            a.flush(71);
            assertEquals(0, a.outputCount());
            a.flush(72);
            assertEquals(WASK, drainSegments(a).get(0).cmd());
        }
    }
}
