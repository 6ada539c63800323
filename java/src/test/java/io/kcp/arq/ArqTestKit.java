package io.kcp.arq;

import io.kcp.kernel.Kernel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Builds KCP segments and reads an {@link Arq}'s output records, for the ARQ tests. */
final class ArqTestKit {
    static final int PUSH = 81;
    static final int ACK = 82;
    static final int WASK = 83;
    static final int WINS = 84;

    private ArqTestKit() {
    }

    /** The kernel under test: the one this JVM selected (see {@code -Dkcp.native}). */
    static Arq newArq(int conv) {
        return Kernel.active().newArq(conv);
    }

    /** One encoded segment (24-byte little-endian header, then data). */
    static byte[] seg(int conv, int cmd, int frg, int wnd, int ts, int sn, int una, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(24 + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(conv).put((byte) cmd).put((byte) frg).putShort((short) wnd)
                .putInt(ts).putInt(sn).putInt(una).putInt(data.length).put(data);
        return b.array();
    }

    static byte[] ack(int conv, int wnd, int ts, int sn, int una) {
        return seg(conv, ACK, 0, wnd, ts, sn, una, new byte[0]);
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] all = new byte[n];
        int off = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, off, p.length);
            off += p.length;
        }
        return all;
    }

    /** Feeds bytes as a regular datagram without ack-nodelay. */
    static int feed(Arq arq, byte[] datagram, int now) {
        return arq.input(ByteBuffer.wrap(datagram), true, false, now);
    }

    /** The datagrams in the output area, in order, then clears it. */
    static List<byte[]> drain(Arq arq) {
        ByteBuffer out = arq.output();
        List<byte[]> records = new ArrayList<>();
        int pos = out.position();
        while (pos < out.limit()) {
            int len = out.getInt(pos);
            byte[] d = new byte[len];
            out.get(pos + 4, d, 0, len);
            records.add(d);
            pos += 4 + len;
        }
        if (records.size() != arq.outputCount()) {
            throw new AssertionError(records.size() + " records but outputCount " + arq.outputCount());
        }
        arq.clearOutput();
        return records;
    }

    /** A decoded segment header. */
    record Seg(int conv, int cmd, int frg, int wnd, int ts, int sn, int una, byte[] data) {
    }

    /** Decodes the segments of one datagram that starts with {@code reserved} header bytes. */
    static List<Seg> segments(byte[] datagram, int reserved) {
        ByteBuffer b = ByteBuffer.wrap(datagram).order(ByteOrder.LITTLE_ENDIAN);
        b.position(reserved);
        List<Seg> segs = new ArrayList<>();
        while (b.remaining() >= 24) {
            int conv = b.getInt();
            int cmd = b.get() & 0xff;
            int frg = b.get() & 0xff;
            int wnd = b.getShort() & 0xffff;
            int ts = b.getInt();
            int sn = b.getInt();
            int una = b.getInt();
            int len = b.getInt();
            byte[] data = new byte[len];
            b.get(data);
            segs.add(new Seg(conv, cmd, frg, wnd, ts, sn, una, data));
        }
        if (b.hasRemaining()) {
            throw new AssertionError("trailing bytes in an output datagram");
        }
        return segs;
    }

    /** All segments of all drained records (reserved = 0). */
    static List<Seg> drainSegments(Arq arq) {
        List<Seg> all = new ArrayList<>();
        for (byte[] d : drain(arq)) {
            all.addAll(segments(d, 0));
        }
        return all;
    }

    static byte[] hex(String s) {
        String h = s.replace(" ", "");
        byte[] b = new byte[h.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }
}
