package io.kcp.arq;

import io.kcp.format.Wire;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The pure-Java ARQ kernel: kcp-go 5.6.1's {@code KCP} (kcp.go) statement by statement, with the
 * differences listed in docs/arq-kernel.md. Go's {@code uint32} fields are ints here; wherever
 * unsigned and signed 32-bit arithmetic differ (comparisons, division, shifts right) the unsigned
 * form is spelled out. Method names follow kcp.go so the two can be read side by side.
 */
public final class JavaArq implements Arq {
    static final int RTO_NDL = 30;
    static final int RTO_MIN = 100;
    static final int RTO_DEF = 200;
    static final int RTO_MAX = 60000;
    static final int CMD_PUSH = 81;
    static final int CMD_ACK = 82;
    static final int CMD_WASK = 83;
    static final int CMD_WINS = 84;
    static final int ASK_SEND = 1;
    static final int ASK_TELL = 2;
    static final int WND_SND = 32;
    static final int WND_RCV = 32;
    static final int MTU_DEF = 1400;
    static final int INTERVAL = 100;
    static final int OVERHEAD = Wire.KCP_OVERHEAD;
    static final int DEADLINK = 20;
    static final int THRESH_INIT = 2;
    static final int THRESH_MIN = 2;
    static final int PROBE_INIT = 500;
    static final int PROBE_LIMIT = 120000;
    static final int MAX_FRAGMENTS = 255;
    /** In flight until the peer has spoken: half the window it is assumed to have (kcp-go's
     * default receive window), so our first flush cannot fill a new peer's queue. */
    static final int INITIAL_FLIGHT = WND_RCV / 2;
    /** Pending ACKs held; input emits them (an ACK-only flush) before taking more. */
    static final int ACK_LIMIT = 1024;

    private final int conv;
    private int mtu = MTU_DEF;
    private int mss = MTU_DEF - OVERHEAD;
    private int state;
    private int sndUna;
    private int sndNxt;
    private int rcvNxt;
    private int ssthresh = THRESH_INIT;
    private int rxRttvar;
    private int rxSrtt;
    private int rxRto = RTO_DEF;
    private int rxMinrto = RTO_MIN;
    private int sndWnd = WND_SND;
    private int rcvWnd = WND_RCV;
    private int rmtWnd = WND_RCV;
    private boolean rmtWndKnown;
    private int cwnd;
    private int probe;
    private int interval = INTERVAL;
    private int nodelay;
    private int tsProbe;
    private int probeWait;
    private final int deadLink = DEADLINK;
    private int incr;
    private int fastresend;
    private int nocwnd;
    private int stream;
    /** 1: an input that leaves a datagram's worth of ACKs pending sends them (ACK-only flush). */
    private int ackClocking;
    private int reserved;

    private final SegmentQueue sndQueue = new SegmentQueue();
    private final SegmentQueue sndBuf = new SegmentQueue();
    private final SegmentQueue rcvQueue = new SegmentQueue();
    private final SegmentQueue rcvBuf = new SegmentQueue();
    private final AckList ackList = new AckList();
    private final SegmentPool pool = new SegmentPool();
    private final OutputArea out = new OutputArea();

    private long outSegs;
    private long inSegs;
    private long retransSegs;
    private long fastRetransSegs;
    private long earlyRetransSegs;
    private long lostSegs;
    private long repeatSegs;

    private boolean closed;

    public JavaArq(int conv) {
        this.conv = conv;
    }

    // ---- unsigned 32-bit helpers (Go uint32 semantics) ----

    private static boolean ult(int a, int b) {
        return Integer.compareUnsigned(a, b) < 0;
    }

    private static int umin(int a, int b) {
        return Integer.compareUnsigned(a, b) <= 0 ? a : b;
    }

    private static int umax(int a, int b) {
        return Integer.compareUnsigned(a, b) >= 0 ? a : b;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("ARQ instance is closed");
        }
    }

    /** Queued payloads get at least this much room, so stream-mode appends never copy. */
    private int sendBufferSize(int n) {
        return umax(n, mss);
    }

    // ---- user side ----

    @Override
    public int peekSize() {
        ensureOpen();
        if (rcvQueue.size() == 0) {
            return -1;
        }
        Segment first = rcvQueue.get(0);
        if (first.frg == 0) {
            return first.len;
        }
        // Go adds 1 to the uint8 frg before widening, so frg 255 compares against 0.
        if (rcvQueue.size() < ((first.frg + 1) & 0xff)) {
            return -1;
        }
        long length = 0; // Go's int is 64-bit; clamped so a hostile queue cannot wrap it
        for (int k = 0, n = rcvQueue.size(); k < n; k++) {
            Segment seg = rcvQueue.get(k);
            length += seg.len;
            if (seg.frg == 0) {
                break;
            }
        }
        return (int) Math.min(length, Integer.MAX_VALUE);
    }

    @Override
    public int recv(ByteBuffer dst) {
        int peeksize = peekSize();
        if (peeksize < 0) {
            return -1;
        }
        if (peeksize > dst.remaining()) {
            return -2;
        }
        boolean fastRecover = rcvQueue.size() >= rcvWnd;

        // merge fragments
        int n = 0;
        while (rcvQueue.size() > 0) {
            Segment seg = rcvQueue.removeFirst();
            dst.put(seg.data, 0, seg.len);
            n += seg.len;
            int frg = seg.frg;
            pool.give(seg);
            if (frg == 0) {
                break;
            }
        }

        moveReceived();

        if (rcvQueue.size() < rcvWnd && fastRecover) {
            probe |= ASK_TELL; // tell the peer our window in the next flush
        }
        return n;
    }

    /** Moves in-order segments from rcv_buf to rcv_queue while the window has room. */
    private void moveReceived() {
        while (rcvBuf.size() > 0) {
            Segment seg = rcvBuf.get(0);
            if (seg.sn == rcvNxt && rcvQueue.size() < rcvWnd) {
                rcvNxt++;
                rcvQueue.addLast(rcvBuf.removeFirst());
            } else {
                break;
            }
        }
    }

    @Override
    public int send(ByteBuffer src) {
        ensureOpen();
        int total = src.remaining();
        if (total == 0) {
            return -1;
        }
        int pos = src.position();
        int done = 0;

        // stream mode: append to the last queued segment while it is shorter than mss
        if (stream != 0) {
            if (sndQueue.size() > 0) {
                Segment last = sndQueue.last();
                if (last.len < mss) {
                    int extend = Math.min(mss - last.len, total);
                    if (last.data.length < last.len + extend) { // the mss grew since it was queued
                        pool.grow(last, mss);
                    }
                    src.get(pos, last.data, last.len, extend);
                    last.len += extend;
                    done = extend;
                }
            }
            if (done == total) {
                src.position(pos + total);
                return 0;
            }
        }

        int rest = total - done;
        long count = rest <= mss ? 1 : ((long) rest + mss - 1) / mss;
        if (count > MAX_FRAGMENTS) {
            return -2;
        }
        for (int i = 0; i < count; i++) {
            int size = Math.min(rest, mss);
            Segment seg = pool.take(sendBufferSize(size));
            src.get(pos + done, seg.data, 0, size);
            seg.len = size;
            seg.frg = stream == 0 ? (int) (count - i - 1) : 0;
            sndQueue.addLast(seg);
            done += size;
            rest -= size;
        }
        src.position(pos + total);
        return 0;
    }

    // ---- input ----

    private void updateAck(int rtt) {
        // RFC 6298 with kcp-go's shifts; rx_srtt and rx_rttvar are int32
        if (rxSrtt == 0) {
            rxSrtt = rtt;
            rxRttvar = rtt >> 1;
        } else {
            int delta = rtt - rxSrtt;
            rxSrtt += delta >> 3;
            if (delta < 0) {
                delta = -delta;
            }
            if (rtt < rxSrtt - rxRttvar) {
                // a sample below the expected range gets an 8x smaller weight
                rxRttvar += (delta - rxRttvar) >> 5;
            } else {
                rxRttvar += (delta - rxRttvar) >> 2;
            }
        }
        int rto = rxSrtt + umax(interval, rxRttvar << 2);
        rxRto = umin(umax(rxMinrto, rto), RTO_MAX);
    }

    private void shrinkBuf() {
        sndUna = sndBuf.size() > 0 ? sndBuf.get(0).sn : sndNxt;
    }

    private void parseAck(int sn) {
        if (sn - sndUna < 0 || sn - sndNxt >= 0) {
            return;
        }
        for (int k = 0, n = sndBuf.size(); k < n; k++) {
            Segment seg = sndBuf.get(k);
            if (sn == seg.sn) {
                // acked segments stay until una passes them; their data is released now
                seg.acked = 1;
                pool.release(seg);
                break;
            }
            if (sn - seg.sn < 0) {
                break;
            }
        }
    }

    private void parseFastack(int sn, int ts) {
        if (sn - sndUna < 0 || sn - sndNxt >= 0) {
            return;
        }
        for (int k = 0, n = sndBuf.size(); k < n; k++) {
            Segment seg = sndBuf.get(k);
            if (sn - seg.sn < 0) {
                break;
            } else if (sn != seg.sn && seg.ts - ts <= 0) {
                seg.fastack++;
            }
        }
    }

    private int parseUna(int una) {
        int count = 0;
        while (sndBuf.size() > 0 && una - sndBuf.get(0).sn > 0) {
            pool.give(sndBuf.removeFirst());
            count++;
        }
        return count;
    }

    /** Returns true if the segment was out of window or already held. */
    private boolean parseData(int frg, int wnd, int ts, int sn, int una,
                              ByteBuffer src, int dataPos, int length) {
        if (sn - (rcvNxt + rcvWnd) >= 0 || sn - rcvNxt < 0) {
            return true;
        }
        int n = rcvBuf.size() - 1;
        int insertIdx = 0;
        boolean repeat = false;
        for (int i = n; i >= 0; i--) {
            Segment seg = rcvBuf.get(i);
            if (seg.sn == sn) {
                repeat = true;
                break;
            }
            if (sn - seg.sn > 0) {
                insertIdx = i + 1;
                break;
            }
        }
        if (!repeat) {
            Segment seg = pool.take(length); // exactly what the payload needs
            seg.conv = conv;
            seg.cmd = CMD_PUSH;
            seg.frg = frg;
            seg.wnd = wnd;
            seg.ts = ts;
            seg.sn = sn;
            seg.una = una;
            seg.len = length;
            src.get(dataPos, seg.data, 0, length);
            if (insertIdx == n + 1) {
                rcvBuf.addLast(seg);
            } else {
                rcvBuf.insert(insertIdx, seg);
            }
        }
        moveReceived();
        return repeat;
    }

    private static int u32(ByteBuffer b, int i, boolean swap) {
        int v = b.getInt(i);
        return swap ? Integer.reverseBytes(v) : v;
    }

    private static int u16(ByteBuffer b, int i, boolean swap) {
        short v = b.getShort(i);
        return (swap ? Short.reverseBytes(v) : v) & 0xffff;
    }

    @Override
    public int input(ByteBuffer datagram, boolean regular, boolean ackNoDelay, int now) {
        ensureOpen();
        int prevUna = sndUna;
        int pos = datagram.position();
        int end = datagram.limit();
        if (end - pos < OVERHEAD) {
            return -1;
        }
        boolean swap = datagram.order() != ByteOrder.LITTLE_ENDIAN;
        int latest = 0; // ts of the latest ACK
        boolean flag = false;
        long segs = 0;
        boolean windowSlides = false;

        while (end - pos >= OVERHEAD) {
            if (u32(datagram, pos, swap) != conv) {
                return -1;
            }
            int cmd = datagram.get(pos + 4) & 0xff;
            int frg = datagram.get(pos + 5) & 0xff;
            int wnd = u16(datagram, pos + 6, swap);
            int ts = u32(datagram, pos + 8, swap);
            int sn = u32(datagram, pos + 12, swap);
            int una = u32(datagram, pos + 16, swap);
            int length = u32(datagram, pos + 20, swap);
            pos += OVERHEAD;
            if (Integer.toUnsignedLong(length) > end - pos) {
                return -2;
            }
            if (cmd != CMD_PUSH && cmd != CMD_ACK && cmd != CMD_WASK && cmd != CMD_WINS) {
                return -3;
            }
            // only regular packets carry a trustworthy window
            if (regular) {
                rmtWnd = wnd;
                rmtWndKnown = true;
            }
            if (parseUna(una) > 0) {
                windowSlides = true;
            }
            shrinkBuf();

            if (cmd == CMD_ACK) {
                parseAck(sn);
                parseFastack(sn, ts);
                flag = true;
                latest = ts;
            } else if (cmd == CMD_PUSH) {
                boolean repeat = true;
                if (sn - (rcvNxt + rcvWnd) < 0) {
                    if (ackList.size() >= ACK_LIMIT) { // a flood: send what is pending first
                        flush(true, now);
                    }
                    ackList.push(sn, ts);
                    if (sn - rcvNxt >= 0) {
                        repeat = parseData(frg, wnd, ts, sn, una, datagram, pos, length);
                    }
                }
                if (regular && repeat) {
                    repeatSegs++;
                }
            } else if (cmd == CMD_WASK) {
                probe |= ASK_TELL;
            }
            segs++;
            pos += length;
        }
        inSegs += segs;

        // one RTT sample per input, from the latest ACK; FEC-recovered packets are ignored
        if (flag && regular) {
            if (now - latest >= 0) {
                updateAck(now - latest);
            }
        }

        // cwnd grows when una advanced
        if (nocwnd == 0 && sndUna - prevUna > 0 && ult(cwnd, rmtWnd)) {
            int m = mss;
            if (ult(cwnd, ssthresh)) {
                cwnd++;
                incr += m;
            } else {
                if (ult(incr, m)) {
                    incr = m;
                }
                incr += Integer.divideUnsigned(m * m, incr) + (m >>> 4);
                if (Integer.compareUnsigned((cwnd + 1) * m, incr) <= 0) {
                    cwnd = m != 0 ? Integer.divideUnsigned(incr + m - 1, m) : incr + m - 1;
                }
            }
            if (Integer.compareUnsigned(cwnd, rmtWnd) > 0) {
                cwnd = rmtWnd;
                incr = rmtWnd * m;
            }
        }

        if (windowSlides) {
            flush(false, now);
        } else if (ackNoDelay && ackList.size() > 0) {
            flush(true, now);
        } else if (ackClocking != 0 && ackList.size() >= ackClockThreshold()) {
            // ACK clocking (later kcp-go releases): a datagram's worth of ACKs leaves now, not at
            // the next flush, so a sender whose window is full hears from us within one RTT
            flush(true, now);
        }
        return 0;
    }

    /** The ACKs one datagram holds: at least 1, since reserved &lt; mtu - 24. */
    private int ackClockThreshold() {
        return (mtu - reserved) / OVERHEAD;
    }

    // ---- flush ----

    private int wndUnused() {
        if (rcvQueue.size() < rcvWnd) {
            return (rcvWnd - rcvQueue.size()) & 0xffff;
        }
        return 0;
    }

    /** Emits the datagram under construction if {@code space} more bytes would exceed the mtu. */
    private void makeSpace(int space) {
        if (out.size() + space > mtu) {
            out.emit(reserved);
        }
    }

    private void flushBuffer() {
        if (out.size() > reserved) {
            out.emit(reserved);
        }
    }

    private void encode(int cmd, int frg, int wnd, int ts, int sn, int una, byte[] data, int n) {
        out.putSegment(conv, cmd, frg, wnd, ts, sn, una, data, n);
        outSegs++;
    }

    @Override
    public int flush(int now) {
        ensureOpen();
        return flush(false, now);
    }

    @Override
    public void flushAcks(int now) {
        ensureOpen();
        flush(true, now);
    }

    private int flush(boolean ackOnly, int now) {
        pool.trim(now, interval);

        // the template segment: ACK, then WASK/WINS with whatever sn/ts the last ACK left
        int wnd = wndUnused();
        int una = rcvNxt;
        int tmplSn = 0;
        int tmplTs = 0;

        out.begin(reserved);

        // acknowledgements
        int nacks = ackList.size();
        for (int i = 0; i < nacks; i++) {
            makeSpace(OVERHEAD);
            int sn = ackList.sn(i);
            // filter jitter caused by bufferbloat: old acks are dropped, except the last
            if (sn - rcvNxt >= 0 || i == nacks - 1) {
                tmplSn = sn;
                tmplTs = ackList.ts(i);
                encode(CMD_ACK, 0, wnd, tmplTs, tmplSn, una, null, 0);
            }
        }
        ackList.clear();

        if (ackOnly) {
            flushBuffer();
            return interval;
        }

        // probe the window while the peer reports it full
        if (rmtWnd == 0) {
            if (probeWait == 0) {
                // like a persist timer: one RTO, at least an interval, at most PROBE_INIT
                probeWait = umin(umax(rxRto, interval), PROBE_INIT);
                tsProbe = now + probeWait;
            } else if (now - tsProbe >= 0) {
                probeWait += probeWait >>> 1;
                if (Integer.compareUnsigned(probeWait, PROBE_LIMIT) > 0) {
                    probeWait = PROBE_LIMIT;
                }
                tsProbe = now + probeWait;
                probe |= ASK_SEND;
            }
        } else {
            tsProbe = 0;
            probeWait = 0;
        }

        if ((probe & ASK_SEND) != 0) {
            makeSpace(OVERHEAD);
            encode(CMD_WASK, 0, wnd, tmplTs, tmplSn, una, null, 0);
        }
        if ((probe & ASK_TELL) != 0) {
            makeSpace(OVERHEAD);
            encode(CMD_WINS, 0, wnd, tmplTs, tmplSn, una, null, 0);
        }
        probe = 0;

        // sliding window
        int cw = umin(sndWnd, rmtWnd);
        if (!rmtWndKnown) {
            cw = umin(cw, INITIAL_FLIGHT);
        }
        if (nocwnd == 0) {
            cw = umin(cwnd, cw);
        }
        int newSegsCount = 0;
        while (sndQueue.size() > 0) {
            if (sndNxt - (sndUna + cw) >= 0) {
                break;
            }
            Segment seg = sndQueue.removeFirst();
            seg.conv = conv;
            seg.cmd = CMD_PUSH;
            seg.sn = sndNxt;
            sndBuf.addLast(seg);
            sndNxt++;
            newSegsCount++;
        }

        int resent = fastresend > 0 ? fastresend : 0xffffffff;

        // (re)transmissions
        int current = now;
        long change = 0;
        long lost = 0;
        long fastRetrans = 0;
        long earlyRetrans = 0;
        int minrto = interval;

        for (int k = 0, n = sndBuf.size(); k < n; k++) {
            Segment seg = sndBuf.get(k);
            if (seg.acked == 1) {
                continue;
            }
            boolean needsend = false;
            if (seg.xmit == 0) { // first transmission
                needsend = true;
                seg.rto = rxRto;
                seg.resendts = current + seg.rto;
            } else if (Integer.compareUnsigned(seg.fastack, resent) >= 0) { // fast retransmit
                needsend = true;
                seg.fastack = 0;
                seg.rto = rxRto;
                seg.resendts = current + seg.rto;
                change++;
                fastRetrans++;
            } else if (seg.fastack != 0 && newSegsCount == 0) { // early retransmit
                needsend = true;
                seg.fastack = 0;
                seg.rto = rxRto;
                seg.resendts = current + seg.rto;
                change++;
                earlyRetrans++;
            } else if (current - seg.resendts >= 0) { // RTO
                needsend = true;
                seg.rto += nodelay == 0 ? rxRto : rxRto >>> 1;
                seg.fastack = 0;
                seg.resendts = current + seg.rto;
                lost++;
            }

            if (needsend) {
                seg.xmit++;
                seg.ts = current;
                seg.wnd = wnd;
                seg.una = una;
                makeSpace(OVERHEAD + seg.len);
                encode(seg.cmd, seg.frg, seg.wnd, seg.ts, seg.sn, seg.una, seg.data, seg.len);
                if (Integer.compareUnsigned(seg.xmit, deadLink) >= 0) {
                    state = 0xFFFFFFFF;
                }
            }

            // nearest retransmission time
            int rto = seg.resendts - current;
            if (rto > 0 && rto < minrto) {
                minrto = rto;
            }
        }

        flushBuffer();

        long sum = lost;
        lostSegs += lost;
        fastRetransSegs += fastRetrans;
        sum += fastRetrans;
        earlyRetransSegs += earlyRetrans;
        sum += earlyRetrans;
        retransSegs += sum;

        if (nocwnd == 0) {
            // rate halving (RFC 6937) after fast or early retransmits
            if (change > 0) {
                int inflight = sndNxt - sndUna;
                ssthresh = inflight >>> 1;
                if (ult(ssthresh, THRESH_MIN)) {
                    ssthresh = THRESH_MIN;
                }
                cwnd = ssthresh + resent;
                incr = cwnd * mss;
            }
            // loss (RFC 5681)
            if (lost > 0) {
                ssthresh = cw >>> 1;
                if (ult(ssthresh, THRESH_MIN)) {
                    ssthresh = THRESH_MIN;
                }
                cwnd = 1;
                incr = mss;
            }
            if (cwnd == 0) {
                cwnd = 1;
                incr = mss;
            }
        }
        return minrto;
    }

    // ---- output area ----

    @Override
    public ByteBuffer output() {
        ensureOpen();
        return out.view();
    }

    @Override
    public int outputCount() {
        ensureOpen();
        return out.count();
    }

    @Override
    public void clearOutput() {
        ensureOpen();
        out.clear();
    }

    // ---- configuration ----

    @Override
    public boolean setMtu(int mtu) {
        ensureOpen();
        // unlike kcp-go, the new mtu is checked against the reserved bytes
        if (mtu < 50 || reserved >= mtu - OVERHEAD) {
            return false;
        }
        this.mtu = mtu;
        this.mss = mtu - OVERHEAD - reserved;
        return true;
    }

    @Override
    public boolean reserveBytes(int n) {
        ensureOpen();
        if (n >= mtu - OVERHEAD || n < 0) {
            return false;
        }
        reserved = n;
        mss = mtu - OVERHEAD - n;
        return true;
    }

    @Override
    public void nodelay(int nodelay, int interval, int resend, int nc) {
        ensureOpen();
        if (nodelay >= 0) {
            this.nodelay = nodelay;
            rxMinrto = nodelay != 0 ? RTO_NDL : RTO_MIN;
        }
        if (interval >= 0) {
            this.interval = Math.max(10, Math.min(5000, interval));
        }
        if (resend >= 0) {
            fastresend = resend;
        }
        if (nc >= 0) {
            nocwnd = nc;
        }
    }

    @Override
    public void setMinRto(int minRto) {
        ensureOpen();
        if (minRto > 0) {
            rxMinrto = minRto;
        }
    }

    @Override
    public void windowSize(int sndWnd, int rcvWnd) {
        ensureOpen();
        if (sndWnd > 0) {
            this.sndWnd = sndWnd;
        }
        if (rcvWnd > 0) {
            this.rcvWnd = rcvWnd;
        }
    }

    @Override
    public void setStreamMode(boolean on) {
        ensureOpen();
        stream = on ? 1 : 0;
    }

    @Override
    public void setAckClocking(boolean on) {
        ensureOpen();
        ackClocking = on ? 1 : 0;
    }

    @Override
    public int waitSnd() {
        ensureOpen();
        return sndBuf.size() + sndQueue.size();
    }

    // ---- observation ----

    private static long u(int v) {
        return Integer.toUnsignedLong(v);
    }

    @Override
    public long field(ArqField f) {
        ensureOpen();
        switch (f) {
            case CONV: return u(conv);
            case MTU: return u(mtu);
            case MSS: return u(mss);
            case STATE: return u(state);
            case SND_UNA: return u(sndUna);
            case SND_NXT: return u(sndNxt);
            case RCV_NXT: return u(rcvNxt);
            case SSTHRESH: return u(ssthresh);
            case RX_RTTVAR: return rxRttvar;
            case RX_SRTT: return rxSrtt;
            case RX_RTO: return u(rxRto);
            case RX_MINRTO: return u(rxMinrto);
            case SND_WND: return u(sndWnd);
            case RCV_WND: return u(rcvWnd);
            case RMT_WND: return u(rmtWnd);
            case RMT_WND_KNOWN: return rmtWndKnown ? 1 : 0;
            case CWND: return u(cwnd);
            case PROBE: return u(probe);
            case INTERVAL: return u(interval);
            case NODELAY: return u(nodelay);
            case TS_PROBE: return u(tsProbe);
            case PROBE_WAIT: return u(probeWait);
            case DEAD_LINK: return u(deadLink);
            case INCR: return u(incr);
            case FASTRESEND: return fastresend;
            case NOCWND: return nocwnd;
            case STREAM: return stream;
            case ACK_CLOCKING: return ackClocking;
            case RESERVED: return reserved;
            case SND_QUEUE: return sndQueue.size();
            case RCV_QUEUE: return rcvQueue.size();
            case SND_BUF: return sndBuf.size();
            case RCV_BUF: return rcvBuf.size();
            case ACKLIST: return ackList.size();
            case DATA_BYTES: return pool.heldBytes();
            case POOL_BYTES: return pool.pooledBytes();
            case OUT_SEGS: return outSegs;
            case IN_SEGS: return inSegs;
            case RETRANS_SEGS: return retransSegs;
            case FAST_RETRANS_SEGS: return fastRetransSegs;
            case EARLY_RETRANS_SEGS: return earlyRetransSegs;
            case LOST_SEGS: return lostSegs;
            case REPEAT_SEGS: return repeatSegs;
            default: throw new IllegalArgumentException(String.valueOf(f));
        }
    }

    @Override
    public void snapshot(long[] dst) {
        ensureOpen();
        if (dst.length < ArqField.COUNT) {
            throw new IllegalArgumentException("need " + ArqField.COUNT + " slots, got " + dst.length);
        }
        for (int i = 0; i < ArqField.COUNT; i++) {
            dst[i] = field(ArqField.of(i));
        }
    }

    @Override
    public long digest() {
        ensureOpen();
        ArqDigest d = new ArqDigest();
        d.queue(sndQueue);
        d.queue(sndBuf);
        d.queue(rcvQueue);
        d.queue(rcvBuf);
        d.mix(ackList.size());
        for (int i = 0; i < ackList.size(); i++) {
            d.mix(ackList.sn(i));
            d.mix(ackList.ts(i));
        }
        return d.value();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        sndQueue.clear(pool);
        sndBuf.clear(pool);
        rcvQueue.clear(pool);
        rcvBuf.clear(pool);
        ackList.clear();
        pool.clear();
        out.clear();
    }
}
