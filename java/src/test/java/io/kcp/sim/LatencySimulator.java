package io.kcp.sim;

import java.util.ArrayDeque;

/**
 * A lossy, delaying two-way link on a simulated millisecond clock, after the
 * {@code LatencySimulator} of skywind3000's kcp test bench, with a seeded random source so a run
 * can be replayed (SplitMix64, spelled out here so the numbers do not depend on the JDK).
 *
 * <p>The constructor takes round-trip figures and halves them per direction (integer division,
 * as the original does): {@code (10, 60, 125, 1000)} drops 5 % of the datagrams in each
 * direction and delays each by {@code 30 + U[0, 32)} ms. Loss is drawn from a shuffled bag of
 * 100 tickets, so exactly {@code lostRate/2} of every 100 consecutive sends in one direction
 * are dropped. A direction is a FIFO: a datagram is never delivered before one sent earlier in
 * the same direction (its delivery time is raised to the previous one's). A direction holding
 * {@code maxQueue} datagrams drops new ones.
 *
 * <p>Peer 0 sends to peer 1 and peer 1 to peer 0; {@link #recv} takes the receiving peer.
 * Times are u32 milliseconds compared wrap-safe.
 */
public final class LatencySimulator {

    private final Direction toPeer1;
    private final Direction toPeer0;

    public LatencySimulator(long seed, int lostRateRoundTrip, int rttMin, int rttMax, int maxQueue) {
        if (lostRateRoundTrip < 0 || lostRateRoundTrip > 200 || rttMin < 0 || rttMax < rttMin
                || maxQueue < 1) {
            throw new IllegalArgumentException("lostRate 0..200, 0 <= rttMin <= rttMax, maxQueue >= 1");
        }
        int lost = lostRateRoundTrip / 2;
        toPeer1 = new Direction(new SplitMix(seed), lost, rttMin / 2, rttMax / 2, maxQueue);
        toPeer0 = new Direction(new SplitMix(~seed), lost, rttMin / 2, rttMax / 2, maxQueue);
    }

    /** The figures of test.cpp: 10 % round-trip loss, RTT 60..125 ms, 1000 datagrams queued. */
    public static LatencySimulator kcpTestDefaults(long seed) {
        return new LatencySimulator(seed, 10, 60, 125, 1000);
    }

    /** Offers a copy of {@code data[off, off+len)} sent by {@code fromPeer}; false if dropped. */
    public boolean send(int fromPeer, byte[] data, int off, int len, int now) {
        byte[] copy = new byte[len];
        System.arraycopy(data, off, copy, 0, len);
        return direction(fromPeer).offer(copy, now);
    }

    /** The next datagram due for {@code toPeer} at {@code now}, or null. */
    public byte[] recv(int toPeer, int now) {
        return direction(1 - toPeer).poll(now);
    }

    public long sent(int fromPeer) { return direction(fromPeer).sent; }

    public long lost(int fromPeer) { return direction(fromPeer).lost; }

    public long overflowed(int fromPeer) { return direction(fromPeer).overflowed; }

    public long delivered(int fromPeer) { return direction(fromPeer).delivered; }

    public int queued(int fromPeer) { return direction(fromPeer).queue.size(); }

    private Direction direction(int fromPeer) {
        if (fromPeer == 0) {
            return toPeer1;
        }
        if (fromPeer == 1) {
            return toPeer0;
        }
        throw new IllegalArgumentException("peer must be 0 or 1: " + fromPeer);
    }

    private static final class Direction {
        private final SplitMix random;
        private final int lostPercent;
        private final int delayMin;
        private final int delaySpread;
        private final int maxQueue;
        private final ArrayDeque<Packet> queue = new ArrayDeque<>();
        private final int[] bag = new int[100];
        private int bagLeft;
        private int lastDeliverAt;
        private long sent, lost, overflowed, delivered;

        Direction(SplitMix random, int lostPercent, int delayMin, int delayMax, int maxQueue) {
            this.random = random;
            this.lostPercent = lostPercent;
            this.delayMin = delayMin;
            this.delaySpread = delayMax - delayMin;
            this.maxQueue = maxQueue;
        }

        boolean offer(byte[] data, int now) {
            sent++;
            // Loss is decided before the queue limit, so a full queue does not shift the bag.
            if (drawTicket() < lostPercent) {
                lost++;
                return false;
            }
            if (queue.size() >= maxQueue) {
                overflowed++;
                return false;
            }
            int deliverAt = now + delayMin + (delaySpread > 0 ? random.nextInt(delaySpread) : 0);
            if (!queue.isEmpty() && deliverAt - lastDeliverAt < 0) {
                deliverAt = lastDeliverAt; // FIFO: wait behind the datagram sent before
            }
            lastDeliverAt = deliverAt;
            queue.addLast(new Packet(data, deliverAt));
            return true;
        }

        byte[] poll(int now) {
            Packet head = queue.peekFirst();
            if (head == null || now - head.deliverAt < 0) {
                return null;
            }
            queue.removeFirst();
            delivered++;
            return head.data;
        }

        /** A uniformly drawn ticket 0..99 without replacement; the bag refills when empty. */
        private int drawTicket() {
            if (bagLeft == 0) {
                for (int i = 0; i < bag.length; i++) {
                    bag[i] = i;
                }
                bagLeft = bag.length;
            }
            int i = random.nextInt(bagLeft);
            int ticket = bag[i];
            bag[i] = bag[--bagLeft];
            return ticket;
        }
    }

    private record Packet(byte[] data, int deliverAt) { }

    /** Steele, Lea and Flood's SplitMix64. */
    private static final class SplitMix {
        private long state;

        SplitMix(long seed) { state = seed; }

        /** Uniform in [0, bound); the modulo bias is below 1e-17 for the bounds used here. */
        int nextInt(int bound) {
            state += 0x9e3779b97f4a7c15L;
            long z = state;
            z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
            z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
            z ^= z >>> 31;
            return (int) Long.remainderUnsigned(z, bound);
        }
    }
}
