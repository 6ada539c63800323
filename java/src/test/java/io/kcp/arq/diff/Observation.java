package io.kcp.arq.diff;

import io.kcp.arq.Arq;
import io.kcp.arq.ArqField;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/** Everything a caller can see of one kernel after a step. */
final class Observation {
    final Outcome outcome;
    final byte[] area;
    final int count;
    final long[] fields = new long[ArqField.COUNT];
    final long digest;
    /** Problems visible without the other kernel: bad output buffer, field() disagreeing with
     * snapshot(), an exception while observing. */
    final String own;

    private Observation(Outcome outcome, byte[] area, int count, long digest, String own) {
        this.outcome = outcome;
        this.area = area;
        this.count = count;
        this.digest = digest;
        this.own = own;
    }

    static Observation capture(Arq arq, Outcome outcome, boolean checkFields) {
        byte[] area = new byte[0];
        int count = -1;
        long digest = 0;
        StringBuilder own = new StringBuilder();
        Observation o;
        try {
            ByteBuffer out = arq.output();
            if (out.position() != 0 || out.order() != ByteOrder.LITTLE_ENDIAN) {
                own.append("output() position ").append(out.position()).append(" order ").append(out.order()).append("; ");
            }
            area = new byte[out.limit()];
            out.get(0, area);
            count = arq.outputCount();
            digest = arq.digest();
            o = new Observation(outcome, area, count, digest, null);
            arq.snapshot(o.fields);
            int reserved = (int) o.fields[ArqField.RESERVED.ordinal()];
            String framing = Records.checkFraming(area, count, reserved);
            if (framing != null) {
                own.append("output framing: ").append(framing).append("; ");
            }
            if (checkFields) {
                for (ArqField f : ArqField.values()) {
                    long v = arq.field(f);
                    if (v != o.fields[f.ordinal()]) {
                        own.append("field(").append(f).append(")=").append(v).append(" but snapshot has ")
                                .append(o.fields[f.ordinal()]).append("; ");
                    }
                }
            }
        } catch (RuntimeException | Error e) {
            own.append("observing threw ").append(e).append("; ");
            o = new Observation(outcome, area, count, digest, null);
        }
        return own.length() == 0 ? o : o.withOwn(own.toString());
    }

    private Observation withOwn(String problem) {
        Observation o = new Observation(outcome, area, count, digest, problem);
        System.arraycopy(fields, 0, o.fields, 0, fields.length);
        return o;
    }

    /** Null when this (native) and {@code j} (java) agree, else every difference found. */
    String diff(Observation j) {
        StringBuilder sb = new StringBuilder();
        if (own != null) {
            sb.append("native: ").append(own);
        }
        if (j.own != null) {
            sb.append("java: ").append(j.own);
        }
        String r = outcome.diff(j.outcome);
        if (r != null) {
            sb.append(r);
        }
        for (ArqField f : ArqField.values()) {
            int i = f.ordinal();
            if (fields[i] != j.fields[i]) {
                sb.append(f).append(" native=").append(fields[i]).append(" java=").append(j.fields[i]).append("; ");
            }
        }
        if (count != j.count) {
            sb.append("outputCount native=").append(count).append(" java=").append(j.count).append("; ");
        }
        if (!Arrays.equals(area, j.area)) {
            int at = Arrays.mismatch(area, j.area);
            int reserved = (int) fields[ArqField.RESERVED.ordinal()];
            sb.append("output differs at byte ").append(at).append(" of ").append(area.length).append("/")
                    .append(j.area.length).append(" (").append(Records.locate(at < area.length ? area : j.area, at, reserved))
                    .append("): native=").append(at < area.length ? String.format("%02x", area[at]) : "end")
                    .append(" java=").append(at < j.area.length ? String.format("%02x", j.area[at]) : "end").append("; ");
            sb.append(firstDifferentRecord(area, j.area, reserved));
        }
        if (digest != j.digest) {
            sb.append("digest native=").append(Long.toHexString(digest)).append(" java=")
                    .append(Long.toHexString(j.digest)).append("; ");
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    /** The first record that differs, decoded on both sides (when both areas are well formed). */
    private static String firstDifferentRecord(byte[] n, byte[] j, int reserved) {
        try {
            List<byte[]> a = Records.datagrams(n, 0, reserved);
            List<byte[]> b = Records.datagrams(j, 0, reserved);
            for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
                byte[] x = i < a.size() ? a.get(i) : null;
                byte[] y = i < b.size() ? b.get(i) : null;
                if (!Arrays.equals(x, y)) {
                    return "record " + i + " native " + (x == null ? "absent" : Records.describe(x))
                            + "; java " + (y == null ? "absent" : Records.describe(y)) + "; ";
                }
            }
        } catch (RuntimeException malformed) {
            // framing problems are reported on their own
        }
        return "";
    }
}
