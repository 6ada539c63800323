package io.kcp.arq.diff;

import io.kcp.arq.ArqField;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded random script of ARQ calls for the kernels under test. One seed fixes everything:
 * conv, start clock, configuration, the peer and the link between them, and every event.
 *
 * <p>The script is produced step by step because the peer reacts to what the kernels send:
 * {@link #next} may read the state the two kernels agreed on after the previous step, and
 * {@link #afterStep} hands it the datagrams they emitted (identical in both, or the script has
 * already failed). So the events never depend on which kernel runs.
 */
final class EventScript implements AutoCloseable {
    private static final int POOL = 64;

    final int conv;
    private final int start;
    private final Random rnd;
    private final int length;
    private final ArrayDeque<Event> initial;
    private final LossyLink toKernel;
    private final LossyLink toPeer;
    private final Peer peer;
    private final List<byte[]> peerSent = new ArrayList<>();
    private final List<byte[]> ownSent = new ArrayList<>();
    private final StringBuilder log;
    // per-script tendencies, so scripts differ in character and not only in detail
    private final double pAdvance;
    private final double pAckNoDelay;
    private final double pClear;
    private final double pLinkInput;
    private final boolean bulk;
    /** Starts with one large send, so the first flush meets the limit before the peer speaks. */
    private boolean burstStart;
    private long elapsed;
    private long kernelFlushAt;
    private int produced;
    private int areaCount;
    private final int total;

    EventScript(long seed, StringBuilder log) {
        this.log = log;
        this.rnd = new Random(seed);
        int c = rnd.nextInt(10);
        this.conv = c == 0 ? 0 : c == 1 ? -1 : rnd.nextInt();
        int s = rnd.nextInt(20);
        this.start = s < 10 ? -1 - rnd.nextInt(100001) : s < 13 ? 0 : rnd.nextInt();
        this.length = 50 + rnd.nextInt(251);
        this.initial = new ArrayDeque<>(Configs.initial(rnd));
        this.total = length + initial.size();
        this.pAdvance = 0.2 + rnd.nextDouble() * 0.4;
        this.pAckNoDelay = new double[] {0, 0.5, 1}[rnd.nextInt(3)];
        this.pClear = new double[] {1, 0.7, 0.3}[rnd.nextInt(3)];
        this.pLinkInput = 0.3 + rnd.nextDouble() * 0.5;
        this.bulk = rnd.nextInt(100) == 0;
        this.burstStart = rnd.nextInt(4) == 0;
        this.toKernel = LossyLink.random(rnd);
        this.toPeer = LossyLink.random(rnd);
        if (log != null) {
            log.append(String.format("script seed=%d conv=%08x start=%s events=%d pAdvance=%.2f pAckNoDelay=%.1f"
                    + " pClear=%.1f pLinkInput=%.2f bulk=%b burstStart=%b%n", seed, conv,
                    Integer.toUnsignedString(start), length, pAdvance, pAckNoDelay, pClear, pLinkInput, bulk,
                    burstStart));
        }
        this.peer = new Peer(conv, rnd, log);
    }

    boolean hasNext() { return produced < total; }

    int now() { return start + (int) elapsed; }

    /** The next call; {@code st} is the snapshot both kernels agreed on after the last step. */
    Event next(long[] st) {
        produced++;
        if (!initial.isEmpty()) {
            return initial.poll();
        }
        if (burstStart) {
            burstStart = false;
            int mss = (int) Math.max(1, st[ArqField.MSS.ordinal()]);
            int size = (int) Math.min(60000L, (long) mss * (17 + rnd.nextInt(24)));
            return new Event.Send(Payload.of(rnd, size), BufKind.any(rnd), 0, rnd.nextBoolean());
        }
        if (rnd.nextDouble() < pAdvance) {
            advance();
        } else if (rnd.nextInt(5) == 0) {
            peerTick();
        }
        int now = now();
        if (elapsed >= kernelFlushAt && rnd.nextInt(8) != 0) {
            return new Event.Flush(now);
        }
        if (toKernel.hasDue(elapsed) && rnd.nextDouble() < pLinkInput) {
            byte[] d = toKernel.poll(elapsed);
            boolean regular = rnd.nextInt(10) != 0; // else as if recovered by FEC
            return input(d, regular, regular ? "peer" : "peer, FEC-recovered");
        }
        int r = rnd.nextInt(100);
        if (r < 10) {
            Hostile.Forged f = Hostile.make(rnd, conv, st, now, peerSent, ownSent);
            return input(f.data(), rnd.nextInt(4) != 0, f.origin());
        }
        if (r < 32) {
            return send(st);
        }
        if (r < 48) {
            return recv(st);
        }
        if (r < 53) {
            return new Event.PeekSize();
        }
        if (r < 55) {
            return new Event.WaitSnd();
        }
        if (r < 66) {
            return new Event.Flush(now);
        }
        if (r < 75) {
            return new Event.FlushAcks(now);
        }
        if (r < 78) {
            return Configs.change(rnd, st, areaCount == 0);
        }
        // otherwise let time pass for the peer and deliver what arrives next
        advance();
        byte[] d = toKernel.poll(elapsed);
        return d != null ? input(d, true, "peer") : new Event.Flush(now());
    }

    /** Takes the step's result: schedules and the datagrams the kernels emitted. */
    void afterStep(Event e, Outcome o, List<byte[]> emitted, int outputCount) {
        if (e instanceof Event.Flush) {
            long wait = o.ret() > 0 && o.ret() <= 60000 ? o.ret() : 1;
            kernelFlushAt = elapsed + wait;
        }
        for (byte[] d : emitted) {
            ownSent.add(d);
            toPeer.send(d, elapsed);
        }
        trim(ownSent);
        areaCount = outputCount;
    }

    /** Whether the driver now empties the output areas. */
    boolean clearOutput(int count) {
        boolean clear = count > 0 && (count > 32 || rnd.nextDouble() < pClear);
        if (clear) {
            areaCount = 0;
        }
        return clear;
    }

    /** Keeps a replay pool bounded: random entries make room. */
    private void trim(List<byte[]> pool) {
        while (pool.size() > POOL) {
            pool.remove(rnd.nextInt(pool.size()));
        }
    }

    private Event.Input input(byte[] d, boolean regular, String origin) {
        boolean ackNoDelay = rnd.nextDouble() < pAckNoDelay;
        int pad = rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(64) : 0;
        return new Event.Input(d, regular, ackNoDelay, now(), BufKind.any(rnd), pad, rnd.nextBoolean(), origin);
    }

    /** Small steps mostly; sometimes to the next scheduled moment; rarely far, across the u32
     * wrap, or by half the clock range (where wrap-safe comparisons change sign). */
    private void advance() {
        int k = rnd.nextInt(1000);
        long d;
        if (toPeer.down() && k < 500) {
            d = 100 + rnd.nextInt(3000); // an outage lasts: retransmit until the link is dead
        } else if (k < 450) {
            d = rnd.nextInt(20);
        } else if (k < 750) {
            long next = Math.min(Math.min(kernelFlushAt, peer.nextFlush()), toKernel.nextDue());
            d = next > elapsed && next - elapsed < 20000 ? next - elapsed : rnd.nextInt(50);
        } else if (k < 930) {
            d = 20 + rnd.nextInt(500);
        } else if (k < 985) {
            d = 500 + rnd.nextInt(10000);
        } else if (k < 995) {
            d = 60000 + rnd.nextInt(240000);
        } else if (k < 998) {
            d = (0xFFFFFFFFL - Integer.toUnsignedLong(now()) - rnd.nextInt(500)) & 0xFFFFFFFFL;
        } else {
            d = 0x7FFFFFFFL - 50 + rnd.nextInt(100);
        }
        elapsed += d;
        if (log != null && d > 0) {
            log.append("  clock +").append(d).append(" -> ").append(Integer.toUnsignedString(now())).append('\n');
        }
        peerTick();
    }

    private void peerTick() {
        peer.tick(elapsed, now(), toPeer, toKernel, peerSent);
        trim(peerSent);
    }

    private Event send(long[] st) {
        int mss = (int) Math.max(1, st[ArqField.MSS.ordinal()]);
        long waiting = st[ArqField.SND_QUEUE.ordinal()] + st[ArqField.SND_BUF.ordinal()];
        // the digest after every step reads all queued data: keep the queues modest
        boolean crowded = waiting > 48 || waiting * mss > 65536;
        boolean manyAllowed = waiting < 16 && (bulk || 255L * mss <= 32768);
        int k = rnd.nextInt(100);
        long size;
        if (k < 3) {
            size = 0;
        } else if (k < 45 || crowded) {
            size = 1 + rnd.nextInt(64);
        } else if (k < 70) {
            size = 1 + rnd.nextInt(mss);
        } else if (k < 84) {
            size = mss + 1 + rnd.nextInt(3 * mss);
        } else if (k < 90) {
            size = (long) mss * (1 + rnd.nextInt(3)) + rnd.nextInt(3) - 1; // fragment boundaries
        } else if (!manyAllowed) {
            size = 1 + rnd.nextInt(2 * mss);
        } else if (k < 94) {
            int frags = 4 + rnd.nextInt(252);
            size = (long) (frags - 1) * mss + 1 + rnd.nextInt(mss);
        } else if (k < 97) {
            size = 255L * mss + rnd.nextInt(2); // the last size that fits, and the first that does not
        } else {
            size = 255L * mss + 1 + rnd.nextInt(2 * mss); // too many fragments: -2
        }
        size = Math.max(0, Math.min(size, 900_000));
        int pad = rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(64) : 0;
        return new Event.Send(Payload.of(rnd, (int) size), BufKind.any(rnd), pad, rnd.nextBoolean());
    }

    private Event recv(long[] st) {
        int mss = (int) Math.max(1, st[ArqField.MSS.ordinal()]);
        int pad = rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(64) : 0;
        BufKind kind = BufKind.writable(rnd);
        boolean le = rnd.nextBoolean();
        int k = rnd.nextInt(10);
        if (k < 4) {
            return new Event.Recv(0, true, 0, kind, pad, le);
        }
        if (k == 4) {
            return new Event.Recv(0, true, -1, kind, pad, le); // one byte short: -2
        }
        if (k == 5) {
            return new Event.Recv(0, true, 1 + rnd.nextInt(100), kind, pad, le);
        }
        int cap = k == 6 ? 0 : k == 7 ? rnd.nextInt(2 * mss + 1) : 4096 + rnd.nextInt(60000);
        return new Event.Recv(cap, false, 0, kind, pad, le);
    }

    @Override
    public void close() { peer.close(); }
}
