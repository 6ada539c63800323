package io.kcp.arq.diff;

import io.kcp.arq.ArqField;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Datagrams a network or an attacker could deliver: truncated or bit-flipped copies of real
 * traffic, garbage, a foreign conv, replays (including the kernel's own datagrams looped back),
 * forged segments aimed at the current sequence numbers, and floods of PUSHes (more than the
 * ACK list holds).
 */
final class Hostile {
    private Hostile() {}

    /** Header fields: name, offset, size. */
    private static final String[] FIELD = {"conv", "cmd", "frg", "wnd", "ts", "sn", "una", "len"};
    private static final int[] OFFSET = {0, 4, 5, 6, 8, 12, 16, 20};
    private static final int[] SIZE = {4, 1, 1, 2, 4, 4, 4, 4};

    /** A labelled hostile datagram. */
    record Forged(byte[] data, String origin) {}

    static Forged make(Random rnd, int conv, long[] st, int now, List<byte[]> peerSent, List<byte[]> ownSent) {
        if (rnd.nextInt(25) == 0) {
            return new Forged(flood(rnd, conv, st, now), "flood");
        }
        boolean own = rnd.nextInt(4) == 0 || peerSent.isEmpty();
        byte[] base = pick(rnd, own ? ownSent : peerSent);
        int kind = rnd.nextInt(base == null ? 3 : 9);
        switch (kind) {
            case 0:
                return new Forged(forge(rnd, conv, st, now), "forged");
            case 1:
                return garbage(rnd, conv);
            case 2: {
                byte[] d = new byte[rnd.nextInt(24)];
                rnd.nextBytes(d);
                return new Forged(d, "short");
            }
            case 3:
                return new Forged(base.clone(), own ? "loopback" : "replay");
            case 4: {
                int n = base.length == 0 ? 0 : rnd.nextInt(base.length);
                return new Forged(Arrays.copyOf(base, n), "truncated " + base.length + "->" + n);
            }
            case 5: {
                byte[] d = base.clone();
                List<Integer> segs = segments(d);
                if (segs.isEmpty()) {
                    return new Forged(d, "replay");
                }
                int s = rnd.nextInt(segs.size());
                ByteBuffer b = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
                b.putInt(segs.get(s), b.getInt(segs.get(s)) ^ (1 + rnd.nextInt(0x7fffffff)));
                return new Forged(d, "conv of segment " + s + " changed");
            }
            default: {
                byte[] d = base.clone();
                List<Integer> segs = segments(d);
                if (segs.isEmpty()) {
                    return new Forged(d, "replay");
                }
                int s = rnd.nextInt(segs.size());
                int f = rnd.nextInt(FIELD.length);
                String how = mutate(rnd, d, segs.get(s) + OFFSET[f], SIZE[f]);
                return new Forged(d, "segment " + s + " " + FIELD[f] + " " + how);
            }
        }
    }

    private static byte[] pick(Random rnd, List<byte[]> pool) {
        return pool.isEmpty() ? null : pool.get(rnd.nextInt(pool.size()));
    }

    private static Forged garbage(Random rnd, int conv) {
        byte[] d = new byte[rnd.nextInt(200)];
        rnd.nextBytes(d);
        if (d.length >= 5 && rnd.nextBoolean()) {
            // get past the conv check and often the cmd check too
            ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN).putInt(0, conv);
            if (rnd.nextBoolean()) {
                d[4] = (byte) (81 + rnd.nextInt(4));
            }
        }
        return new Forged(d, "garbage");
    }

    /** Offsets of the segment headers a datagram's len fields lead to. */
    static List<Integer> segments(byte[] d) {
        List<Integer> offs = new ArrayList<>();
        long off = 0;
        while (off + 24 <= d.length) {
            offs.add((int) off);
            off += 24 + Records.u32(d, (int) off + 20);
        }
        return offs;
    }

    private static String mutate(Random rnd, byte[] d, int at, int size) {
        long mask = size == 4 ? 0xffffffffL : (1L << (8 * size)) - 1;
        long v = 0;
        for (int i = 0; i < size; i++) {
            v |= (d[at + i] & 0xffL) << (8 * i);
        }
        long nv;
        String how;
        int k = rnd.nextInt(10);
        if (k < 5) {
            nv = v ^ (1L << rnd.nextInt(8 * size));
            how = "bit flip";
        } else if (k < 8) {
            nv = v + (rnd.nextBoolean() ? 1 : -1) * (1 + rnd.nextInt(3));
            how = "nudged";
        } else {
            nv = rnd.nextLong();
            how = "randomised";
        }
        nv &= mask;
        for (int i = 0; i < size; i++) {
            d[at + i] = (byte) (nv >>> (8 * i));
        }
        return how + " " + v + "->" + nv;
    }

    /** 1025 to 2224 PUSHes, mostly empty: old ones, in the receive window, a few beyond it. */
    static byte[] flood(Random rnd, int conv, long[] st, int now) {
        int rcvNxt = (int) st[ArqField.RCV_NXT.ordinal()];
        int rcvWnd = (int) Math.min(st[ArqField.RCV_WND.ordinal()], 1 << 16);
        int una = (int) st[ArqField.SND_UNA.ordinal()];
        int[] wnds = {0, 32, 1024, rnd.nextInt(65536)};
        int wnd = wnds[rnd.nextInt(wnds.length)];
        int n = 1025 + rnd.nextInt(1200);
        ByteBuffer b = ByteBuffer.allocate(n * (24 + 8)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            int k = rnd.nextInt(10);
            int sn = k < 3 ? rcvNxt - 1 - rnd.nextInt(3000)
                    : k < 9 ? rcvNxt + rnd.nextInt(Math.max(1, rcvWnd)) : rcvNxt + rcvWnd + rnd.nextInt(100);
            int len = rnd.nextInt(8) == 0 ? 1 + rnd.nextInt(8) : 0;
            b.putInt(conv).put((byte) 81).put((byte) 0).putShort((short) wnd).putInt(now - rnd.nextInt(100))
                    .putInt(sn).putInt(una).putInt(len);
            b.put(Payload.of(rnd, len));
        }
        return Arrays.copyOf(b.array(), b.position());
    }

    /** One to four well-formed segments with the right conv, aimed near the live sequence
     * numbers, with odd windows, timestamps and lengths. */
    static byte[] forge(Random rnd, int conv, long[] st, int now) {
        int sndUna = (int) st[ArqField.SND_UNA.ordinal()];
        int sndNxt = (int) st[ArqField.SND_NXT.ordinal()];
        int rcvNxt = (int) st[ArqField.RCV_NXT.ordinal()];
        int rcvWnd = (int) Math.min(st[ArqField.RCV_WND.ordinal()], 1 << 16);
        int mss = (int) st[ArqField.MSS.ordinal()];
        int inFlight = Math.max(0, sndNxt - sndUna);
        ByteBuffer b = ByteBuffer.allocate(4 * (24 + 400)).order(ByteOrder.LITTLE_ENDIAN);
        int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            int r = rnd.nextInt(20);
            int cmd = r < 7 ? 81 : r < 14 ? 82 : r < 16 ? 83 : r < 18 ? 84 : rnd.nextInt(256);
            int sn = cmd == 81 ? rcvNxt - 3 + rnd.nextInt(rcvWnd + 7)
                    : cmd == 82 ? sndUna - 2 + rnd.nextInt(inFlight + 5) : rnd.nextInt();
            int una = rnd.nextInt(8) == 0 ? rnd.nextInt() : sndUna - 2 + rnd.nextInt(inFlight + 5);
            int tr = rnd.nextInt(20);
            int ts = tr < 3 ? now + 1 + rnd.nextInt(1000) // from the future: no RTT sample
                    : tr < 5 ? now // an RTT of zero is still a sample
                    : tr < 7 ? rnd.nextInt() : now - rnd.nextInt(600);
            int[] wnds = {0, 1, 2, rnd.nextInt(64), 65535, rnd.nextInt(65536)};
            int wnd = wnds[rnd.nextInt(wnds.length)];
            int frg = rnd.nextInt(3) == 0 ? rnd.nextInt(4) : rnd.nextInt(10) == 0 ? rnd.nextInt(256) : 0;
            int len = cmd == 81 ? rnd.nextInt(Math.min(mss + 10, 400) + 1) : rnd.nextInt(12) == 0 ? rnd.nextInt(8) : 0;
            b.putInt(conv).put((byte) cmd).put((byte) frg).putShort((short) wnd).putInt(ts).putInt(sn).putInt(una);
            int claimed = rnd.nextInt(30) == 0 ? len + 1 + rnd.nextInt(100) : len; // overlong claim: -2
            b.putInt(claimed);
            b.put(Payload.of(rnd, len));
        }
        return Arrays.copyOf(b.array(), b.position());
    }
}
