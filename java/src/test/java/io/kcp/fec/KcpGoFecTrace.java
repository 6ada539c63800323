package io.kcp.fec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * Decoder traces to compare with kcp-go 5.6.1's own fecDecoder. A script is a first line
 * {@code "ds ps"} (the receiver's FEC configuration, "0 0" for none) and one line per datagram,
 * {@code "now hex"}: FEC streams of changing shapes with loss, duplication, reordering, pauses
 * past the expiry, seqid jumps and corrupted or random packets. The trace lists, per datagram,
 * what kcpInput hands to the ARQ ({@code R} regular, {@code V} recovered, {@code P} plain, {@code E}
 * InErrs) and a counter line {@code C ds ps queued parity errs recovered short}.
 *
 * <p>The reference traces come from a Go program that drives kcp-go's fec.go/autotune.go (with a
 * settable clock) exactly as kcpInput does; {@code main(seed, file)} writes a script for it.
 */
final class KcpGoFecTrace {

    private static final HexFormat HEX = HexFormat.of();

    private KcpGoFecTrace() {
    }

    public static void main(String[] args) throws IOException {
        Files.writeString(Path.of(args[1]), script(Long.parseLong(args[0])), StandardCharsets.US_ASCII);
    }

    static String script(long seed) {
        Random rnd = new Random(seed);
        StringBuilder w = new StringBuilder();
        int[][] shapes = {{0, 0}, {10, 3}, {1, 1}, {4, 2}, {20, 10}, {3, 1}};
        int[] init = shapes[rnd.nextInt(shapes.length)];
        w.append(init[0]).append(' ').append(init[1]).append('\n');
        long now = rnd.nextInt() & 0xFFFFFFFFL;
        int phases = 1 + rnd.nextInt(4);
        int seqBase = rnd.nextInt(4) == 0 ? -rnd.nextInt(2000) : 0;
        for (int ph = 0; ph < phases; ph++) {
            int ds = 1 + rnd.nextInt(rnd.nextBoolean() ? 12 : 40);
            int ps = 1 + rnd.nextInt(rnd.nextBoolean() ? 4 : 20);
            if (rnd.nextInt(3) == 0) {
                ds = 10;
                ps = 3;
            }
            double loss = rnd.nextInt(3) == 0 ? 0
                    : rnd.nextInt(2) == 0 ? rnd.nextDouble() * 0.03 : rnd.nextDouble() * 0.4;
            double dup = rnd.nextDouble() * 0.1;
            double garbage = rnd.nextInt(3) == 0 ? rnd.nextDouble() * 0.05 : 0;
            int n = 50 + rnd.nextInt(600);
            List<byte[]> pending = new ArrayList<>();
            try (FecEncoder enc = new FecEncoder(ds, ps, 0, ReedSolomonFactory.JAVA)) {
                enc.setNextSeqid(seqBase);
                for (int i = 0; i < n; i++) {
                    byte[] kcp = new byte[rnd.nextInt(5) == 0 ? rnd.nextInt(30) : 24 + rnd.nextInt(1300)];
                    rnd.nextBytes(kcp);
                    ByteBuffer d = ByteBuffer.allocate(8 + kcp.length);
                    d.put(8, kcp);
                    int np = enc.encode(d, 0, d.capacity());
                    pending.add(d.array());
                    for (int p = 0; p < np; p++) {
                        pending.add(FecTestKit.bytes(enc.parity(p)));
                    }
                    while (pending.size() > (rnd.nextInt(4) == 0 ? rnd.nextInt(6) : 0)) {
                        byte[] x = pending.remove(rnd.nextInt(Math.min(pending.size(), 3)));
                        if (rnd.nextDouble() < loss) {
                            continue;
                        }
                        emit(w, now, x, rnd, garbage);
                        if (rnd.nextDouble() < dup) {
                            emit(w, now, x, rnd, garbage);
                        }
                        now += rnd.nextInt(100) == 0 ? 30000 + rnd.nextInt(40000) : rnd.nextInt(20);
                    }
                }
                seqBase = rnd.nextInt(3) == 0 ? rnd.nextInt() : enc.nextSeqid() + rnd.nextInt(50);
            }
        }
        return w.toString();
    }

    private static void emit(StringBuilder w, long now, byte[] x, Random rnd, double garbage) {
        byte[] y = x;
        if (rnd.nextDouble() < garbage) {
            y = x.clone();
            switch (rnd.nextInt(4)) {
                case 0:
                    y = Arrays.copyOf(y, rnd.nextInt(y.length + 1));
                    break;
                case 1:
                    y[rnd.nextInt(y.length)] ^= (byte) (1 + rnd.nextInt(255));
                    break;
                case 2:
                    y = new byte[rnd.nextInt(60)];
                    rnd.nextBytes(y);
                    if (y.length >= 6) {
                        y[4] = (byte) (rnd.nextBoolean() ? 0xF1 : 0xF2);
                        y[5] = 0;
                    }
                    break;
                default:
                    y[0] ^= (byte) rnd.nextInt(4);
            }
        }
        w.append(now & 0xFFFFFFFFL).append(' ').append(HEX.formatHex(y)).append('\n');
    }

    /** Replays a script through {@link FecInput} and returns the trace. */
    static String replay(String script) {
        String[] lines = script.split("\n");
        String[] shape = lines[0].trim().split(" ");
        StringBuilder out = new StringBuilder();
        KcpSink sink = (b, regular) -> {
            byte[] x = new byte[b.remaining()];
            b.duplicate().get(x);
            out.append(regular ? "R " : "V ").append(HEX.formatHex(x)).append('\n');
            return 0;
        };
        ByteBuffer buf = ByteBuffer.allocate(FecPacket.MTU_LIMIT);
        try (FecInput in = new FecInput(Integer.parseInt(shape[0]), Integer.parseInt(shape[1]),
                ReedSolomonFactory.JAVA)) {
            for (int i = 1; i < lines.length; i++) {
                String[] p = lines[i].split(" ");
                int now = (int) Long.parseLong(p[0]);
                byte[] d = p.length > 1 ? HEX.parseHex(p[1]) : new byte[0];
                buf.clear().put(0, d);
                if (!FecPacket.isFec(buf, 0, d.length)) {
                    out.append("P ").append(HEX.formatHex(d)).append('\n');
                } else if (in.input(buf, 0, d.length, now, sink) < 0) {
                    out.append("E\n");
                }
                FecDecoder dec = in.decoder();
                out.append("C ").append(dec == null ? 0 : dec.dataShards())
                        .append(' ').append(dec == null ? 0 : dec.parityShards())
                        .append(' ').append(dec == null ? 0 : dec.queued())
                        .append(' ').append(in.fecParityShards())
                        .append(' ').append(in.fecErrs())
                        .append(' ').append(in.fecRecovered())
                        .append(' ').append(in.fecShortShards()).append('\n');
            }
        }
        return out.toString();
    }
}
