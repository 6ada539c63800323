package io.kcp.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Traffic a hostile peer can send to an FEC receiver, as FEC packets after the crypto header
 * (seqid u32 LE, flag u16 LE, then a data shard's size field and bytes). Each attack is a fixed
 * sequence, built up front so that building it is not measured.
 *
 * <p>Shapes are set the way a peer sets them: through kcp-go's autotune, whose ring holds the
 * last 258 (seqid, data or parity) samples at {@code seqid % 258} and which reads a shape from
 * the first run of data and the first run of parity between two edges.
 */
final class FecAttacks {

    /** The autotune ring's length. */
    static final int RING = 258;
    /** The shortest FEC packet a receiver takes: kcp-go drops anything under 24 bytes. */
    static final int SMALL = 24;
    /** kcp-go's largest datagram. */
    static final int LARGE = 1500;

    /** A named attack: the local FEC configuration and the datagrams, in order. */
    record Attack(String name, int dataShards, int parityShards, List<byte[]> datagrams) {
    }

    private FecAttacks() {
    }

    /** Every attack, each with at most {@code max} datagrams. */
    static List<Attack> all(int max) {
        return List.of(
                legit(max),
                shapeFlip(max),
                shapeCycle(max),
                duplicates(max),
                largestRebuilds(max, SMALL),
                largestRebuilds(max, LARGE),
                sparseWideGroups(max),
                seqidStorm(max),
                tinyShardQueue(max));
    }

    /** A kcp-go 10+3 stream of 1400-byte datagrams, one data shard lost per group: the baseline. */
    static Attack legit(int max) {
        List<byte[]> out = new ArrayList<>();
        Random rnd = new Random(1);
        for (int g = 0; out.size() < max; g++) {
            for (int s = 0; s < 13; s++) {
                if (s != 3) {
                    out.add(packet(13 * g + s, s < 10, 1400, rnd));
                }
            }
        }
        return new Attack("legit 10+3 x 1400 B, 1 loss/group", 10, 3, trim(out, max));
    }

    /**
     * Alternates the shape between 128+125 and 127+126 by flipping one ring sample (seqid 128,
     * sent as data, then as parity) and sending a datagram whose flag does not fit the current
     * shape, so that the receiver re-detects: two shape changes every three datagrams.
     */
    static Attack shapeFlip(int max) {
        List<byte[]> out = new ArrayList<>(ring(128, 125, 0));
        Random rnd = new Random(2);
        for (long j = 2; out.size() < max; j++) {
            // In shape A (128+125; B is 127+126, both of 253 shards), seqid 128 is a parity slot:
            // sent as parity it only turns the ring to B.
            out.add(packet(128, false, SMALL, rnd));
            // A trigger at ring index 256 (after both shapes' edges) that does not fit shape A.
            int t = (int) (256 + RING * j);
            boolean expectData = Integer.remainderUnsigned(t, 253) < 128;
            out.add(packet(t, !expectData, SMALL, rnd));
            // In shape B seqid 128 is a parity slot too: sent as data it turns the ring back and
            // makes the decoder re-detect A at once.
            out.add(packet(128, true, SMALL, rnd));
        }
        return new Attack("shape flip 128+125 <-> 127+126", 0, 0, trim(out, max));
    }

    /** Rewrites the whole ring for a new shape each time, cycling through 40 large shapes. */
    static Attack shapeCycle(int max) {
        List<byte[]> out = new ArrayList<>();
        for (int j = 0; out.size() < max; j++) {
            int ds = 90 + (j % 40);
            out.addAll(ring(ds, 250 - ds, RING * (long) j));
        }
        return new Attack("shape cycle, 40 shapes of 250", 0, 0, trim(out, max));
    }

    /**
     * Nine data shards of a 10+3 group wait for the tenth; the peer replays them, half of the
     * time with the other flag, over and over.
     */
    static Attack duplicates(int max) {
        List<byte[]> out = new ArrayList<>();
        Random rnd = new Random(4);
        for (int i = 0; i < 9; i++) {
            out.add(packet(i, true, SMALL, rnd));
        }
        for (int i = 0; out.size() < max; i++) {
            out.add(packet(i % 9, (i / 9) % 2 == 0, SMALL, rnd));
        }
        return new Attack("duplicates of queued shards", 10, 3, trim(out, max));
    }

    /**
     * Shape 128+128, then groups of one data shard and 127 parity shards, a different choice
     * every group: each rebuilds 127 data shards with a decode matrix it has not seen.
     */
    static Attack largestRebuilds(int max, int size) {
        List<byte[]> out = new ArrayList<>(ring(128, 128, 0));
        Random rnd = new Random(5);
        for (long g = 2; out.size() < max; g++) {
            long base = 256 * g;
            int data = rnd.nextInt(128);
            int skip = 128 + rnd.nextInt(128);
            out.add(packet((int) (base + data), true, size, rnd));
            for (int s = 128; s < 256; s++) {
                if (s != skip) {
                    out.add(packet((int) (base + s), false, size, rnd));
                }
            }
        }
        return new Attack("largest rebuilds 128+128, 1+127 of " + size + " B", 0, 0, trim(out, max));
    }

    /**
     * Shape 1+255, then one full-size parity shard per group at a random slot: every datagram
     * is a rebuild over a 256-slot group.
     */
    static Attack sparseWideGroups(int max) {
        List<byte[]> out = new ArrayList<>(ring(1, 255, 0));
        Random rnd = new Random(6);
        for (long g = 2; out.size() < max; g++) {
            out.add(packet((int) (256 * g + 1 + rnd.nextInt(255)), false, LARGE, rnd));
        }
        return new Attack("sparse groups 1+255, 1 parity of 1500 B", 0, 0, trim(out, max));
    }

    /** Random seqids near a moving base, random flags and sizes. */
    static Attack seqidStorm(int max) {
        List<byte[]> out = new ArrayList<>();
        Random rnd = new Random(7);
        int base = rnd.nextInt();
        while (out.size() < max) {
            int seqid = base + rnd.nextInt(4096);
            base += rnd.nextInt(4);
            out.add(packet(seqid, rnd.nextBoolean(), SMALL + rnd.nextInt(200), rnd));
        }
        return new Attack("out-of-order seqid storm", 10, 3, trim(out, max));
    }

    /**
     * Shape 128+128, then one small data shard in each of many groups: the queue fills with
     * 3 * 256 shards that never complete a group.
     */
    static Attack tinyShardQueue(int max) {
        List<byte[]> out = new ArrayList<>(ring(128, 128, 0));
        Random rnd = new Random(8);
        for (long g = 2; out.size() < max; g++) {
            out.add(packet((int) (256 * g), true, SMALL, rnd));
        }
        return new Attack("full queue of 24 B shards, 128+128", 0, 0, trim(out, max));
    }

    /**
     * 258 consecutive seqids from {@code base} (a multiple of 258, so seqid base + i lands at
     * ring index i) that make autotune read ds+ps: parity, ds data, ps parity, data.
     */
    static List<byte[]> ring(int ds, int ps, long base) {
        if (ds + ps > RING - 2) {
            throw new IllegalArgumentException("the ring holds runs of at most 256 in all");
        }
        Random rnd = new Random(ds * 1000 + ps);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < RING; i++) {
            boolean data = i > 0 && (i <= ds || i > ds + ps);
            out.add(packet((int) (base + i), data, SMALL, rnd));
        }
        return out;
    }

    /** An FEC packet of {@code len} bytes; a data shard carries a consistent size field. */
    static byte[] packet(int seqid, boolean data, int len, Random rnd) {
        byte[] b = new byte[len];
        rnd.nextBytes(b);
        b[0] = (byte) seqid;
        b[1] = (byte) (seqid >>> 8);
        b[2] = (byte) (seqid >>> 16);
        b[3] = (byte) (seqid >>> 24);
        b[4] = (byte) (data ? 0xF1 : 0xF2);
        b[5] = 0;
        if (data) {
            b[6] = (byte) (len - 6);
            b[7] = (byte) ((len - 6) >>> 8);
        }
        return b;
    }

    private static List<byte[]> trim(List<byte[]> l, int max) {
        return l.size() > max ? new ArrayList<>(l.subList(0, max)) : l;
    }
}
