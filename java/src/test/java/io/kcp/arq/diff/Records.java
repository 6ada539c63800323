package io.kcp.arq.diff;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Reads the output area's {@code [u32 LE length][datagram]} records and decodes segments. */
final class Records {
    private Records() {}

    static final String[] HEADER_FIELDS = {
        "conv", "conv", "conv", "conv", "cmd", "frg", "wnd", "wnd",
        "ts", "ts", "ts", "ts", "sn", "sn", "sn", "sn", "una", "una", "una", "una",
        "len", "len", "len", "len"};

    /** Null when the area is well formed: {@code count} records exactly filling it, each at
     * least {@code reserved} long with zero reserved bytes. Otherwise what is wrong. */
    static String checkFraming(byte[] area, int count, int reserved) {
        int off = 0;
        int n = 0;
        while (off < area.length) {
            if (area.length - off < 4) {
                return "record " + n + " header cut at byte " + off;
            }
            long len = u32(area, off);
            if (len > area.length - off - 4) {
                return "record " + n + " length " + len + " runs past the area (" + area.length + ")";
            }
            if (len < reserved) {
                return "record " + n + " length " + len + " below reserved " + reserved;
            }
            for (int i = 0; i < reserved; i++) {
                if (area[off + 4 + i] != 0) {
                    return "record " + n + " reserved byte " + i + " is not zero";
                }
            }
            off += 4 + (int) len;
            n++;
        }
        return n == count ? null : "outputCount " + count + " but " + n + " records";
    }

    /** The KCP bytes (reserved prefix removed) of records {@code from..} of a well formed area. */
    static List<byte[]> datagrams(byte[] area, int from, int reserved) {
        List<byte[]> out = new ArrayList<>();
        int off = 0;
        for (int n = 0; off < area.length; n++) {
            int len = (int) u32(area, off);
            if (n >= from) {
                byte[] d = new byte[len - reserved];
                System.arraycopy(area, off + 4 + reserved, d, 0, d.length);
                out.add(d);
            }
            off += 4 + len;
        }
        return out;
    }

    /** Where byte {@code pos} of an area lies: record, offset, and segment header field. */
    static String locate(byte[] area, int pos, int reserved) {
        int off = 0;
        for (int n = 0; off < area.length; n++) {
            if (area.length - off < 4) {
                break;
            }
            long len = u32(area, off);
            if (pos < off + 4) {
                return "record " + n + " length prefix";
            }
            if (pos < off + 4 + len) {
                int in = pos - off - 4;
                if (in < reserved) {
                    return "record " + n + " reserved byte " + in;
                }
                int seg = off + 4 + reserved;
                int end = (int) Math.min(area.length, off + 4 + len);
                for (int s = 0; seg + 24 <= end; s++) {
                    long dl = u32(area, seg + 20);
                    if (pos < seg + 24) {
                        return "record " + n + " segment " + s + " field " + HEADER_FIELDS[pos - seg];
                    }
                    if (pos < seg + 24 + dl) {
                        return "record " + n + " segment " + s + " data byte " + (pos - seg - 24);
                    }
                    seg += 24 + (int) Math.min(dl, Integer.MAX_VALUE - seg - 24);
                }
                return "record " + n + " byte " + in;
            }
            off += 4 + (int) Math.min(len, Integer.MAX_VALUE - off - 4);
        }
        return "beyond the shorter area";
    }

    /** Segment headers of one datagram of KCP bytes, for verbose logs. */
    static String describe(byte[] d) {
        StringBuilder sb = new StringBuilder();
        ByteBuffer b = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
        while (b.remaining() >= 24) {
            int conv = b.getInt();
            int cmd = b.get() & 0xff;
            int frg = b.get() & 0xff;
            int wnd = b.getShort() & 0xffff;
            int ts = b.getInt();
            int sn = b.getInt();
            int una = b.getInt();
            long len = b.getInt() & 0xffffffffL;
            sb.append(String.format("[%s conv=%08x frg=%d wnd=%d ts=%s sn=%s una=%s len=%d] ",
                    cmdName(cmd), conv, frg, wnd, Integer.toUnsignedString(ts), Integer.toUnsignedString(sn),
                    Integer.toUnsignedString(una), len));
            if (len > b.remaining()) {
                sb.append("(truncated)");
                return sb.toString();
            }
            b.position(b.position() + (int) len);
        }
        if (b.hasRemaining()) {
            sb.append("+").append(b.remaining()).append(" trailing bytes");
        }
        return sb.toString();
    }

    static String cmdName(int cmd) {
        switch (cmd) {
            case 81: return "PUSH";
            case 82: return "ACK";
            case 83: return "WASK";
            case 84: return "WINS";
            default: return "cmd" + cmd;
        }
    }

    static String hex(byte[] d) {
        StringBuilder sb = new StringBuilder(d.length * 2);
        for (byte x : d) {
            sb.append(Character.forDigit((x >> 4) & 15, 16)).append(Character.forDigit(x & 15, 16));
        }
        return sb.toString();
    }

    static long u32(byte[] a, int off) {
        return (a[off] & 0xffL) | (a[off + 1] & 0xffL) << 8 | (a[off + 2] & 0xffL) << 16 | (a[off + 3] & 0xffL) << 24;
    }
}
