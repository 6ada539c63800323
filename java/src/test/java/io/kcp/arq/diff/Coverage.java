package io.kcp.arq.diff;

import io.kcp.arq.ArqField;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts how often the scripts reached the paths they are meant to reach, so a generator that
 * silently stopped producing (say) truncated segments or window probes fails the test instead
 * of passing with nothing compared.
 */
final class Coverage {
    private final Map<String, Long> counts = new TreeMap<>();

    /** {@code before}: the fields before the step; {@code emitted}: the datagrams it emitted. */
    void note(Event e, Outcome o, long[] before, Observation x, List<byte[]> emitted) {
        if (e instanceof Event.Input) {
            add("input returned " + o.ret());
            if (!((Event.Input) e).regular()) {
                add("input not regular");
            }
        } else if (e instanceof Event.Send) {
            add("send returned " + o.ret());
        } else if (e instanceof Event.Recv) {
            add(o.ret() >= 0 ? "recv returned a message" : "recv returned " + o.ret());
        }
        long[] f = x.fields;
        if (f[ArqField.RMT_WND.ordinal()] == 0) {
            add("remote window zero");
        }
        if (f[ArqField.STATE.ordinal()] != 0) {
            add("dead link");
        }
        if (f[ArqField.RCV_QUEUE.ordinal()] >= f[ArqField.RCV_WND.ordinal()]) {
            add("receive queue full");
        }
        int inFlight = (int) (f[ArqField.SND_NXT.ordinal()] - f[ArqField.SND_UNA.ordinal()]);
        if (f[ArqField.RMT_WND_KNOWN.ordinal()] == 0 && f[ArqField.SND_QUEUE.ordinal()] > 0 && inFlight == 16
                && f[ArqField.SND_WND.ordinal()] > 16
                && (f[ArqField.NOCWND.ordinal()] != 0 || f[ArqField.CWND.ordinal()] > 16)) {
            add("initial flight capped");
        }
        boolean ack = false;
        boolean wask = false;
        for (byte[] d : emitted) {
            for (int s = 0; s + 24 <= d.length; s += 24 + (int) Records.u32(d, s + 20)) {
                ack |= d[s + 4] == 82;
                wask |= d[s + 4] == 83;
            }
        }
        // acks out of an input that neither slid the window nor had ackNoDelay: the ACK list limit,
        // or (with it on) ACK clocking
        boolean clocking = f[ArqField.ACK_CLOCKING.ordinal()] != 0;
        if (e instanceof Event.Input && !((Event.Input) e).ackNoDelay() && ack
                && before[ArqField.SND_UNA.ordinal()] == f[ArqField.SND_UNA.ordinal()]) {
            add(clocking ? "ACK clocking flush" : "ACK list limit flush");
        }
        // a datagram's worth of ACKs or more left pending by an input: only with clocking off
        int perDatagram = (int) ((f[ArqField.MTU.ordinal()] - f[ArqField.RESERVED.ordinal()]) / 24);
        if (e instanceof Event.Input && f[ArqField.ACKLIST.ordinal()] >= perDatagram) {
            add(clocking ? "ACKs pending past the threshold with clocking on"
                    : "ACKs pending past the threshold with clocking off");
        }
        // the first probe waits at most 500 ms and grows it to at most 750: this is a later one
        if (wask && f[ArqField.PROBE_WAIT.ordinal()] > 750) {
            add("window probe backed off");
        }
        // a flush takes no buffers: less in the pool afterwards means it trimmed
        if ((e instanceof Event.Flush || e instanceof Event.FlushAcks)
                && f[ArqField.POOL_BYTES.ordinal()] < before[ArqField.POOL_BYTES.ordinal()]) {
            add("buffer pool trimmed");
        }
        int mtu = (int) f[ArqField.MTU.ordinal()];
        int reserved = (int) f[ArqField.RESERVED.ordinal()];
        for (int off = 0; off + 4 <= x.area.length; ) {
            int len = (int) Records.u32(x.area, off);
            if (len > mtu) {
                add("datagram longer than mtu");
            }
            for (int s = off + 4 + reserved; s + 24 <= off + 4 + len; s += 24 + (int) Records.u32(x.area, s + 20)) {
                add("emitted " + Records.cmdName(x.area[s + 4] & 0xff));
            }
            off += 4 + len;
        }
    }

    /** Called with the final snapshot of each script. */
    void end(long[] f) {
        for (ArqField c : new ArqField[] {ArqField.FAST_RETRANS_SEGS, ArqField.EARLY_RETRANS_SEGS,
                ArqField.LOST_SEGS, ArqField.REPEAT_SEGS}) {
            if (f[c.ordinal()] > 0) {
                add("scripts with " + c);
            }
        }
    }

    private void add(String key) { counts.merge(key, 1L, Long::sum); }

    long get(String key) { return counts.getOrDefault(key, 0L); }

    synchronized void merge(Coverage other) {
        other.counts.forEach((k, v) -> counts.merge(k, v, Long::sum));
    }

    @Override
    public String toString() { return counts.toString(); }
}
