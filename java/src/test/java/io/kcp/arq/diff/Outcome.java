package io.kcp.arq.diff;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * What one call returned to its caller: the return value, where it left the caller's buffer
 * and, for recv, the bytes it wrote there. {@code error} is set when the call threw.
 */
record Outcome(long ret, int position, byte[] bytes, String error) {

    static final Outcome NONE = new Outcome(0, -1, null, null);

    static Outcome of(long ret) { return new Outcome(ret, -1, null, null); }

    static Outcome of(long ret, ByteBuffer buf) { return new Outcome(ret, buf.position(), null, null); }

    /** Also captures the whole window [0, limit) of a destination buffer. */
    static Outcome withContent(long ret, ByteBuffer dst) {
        byte[] b = new byte[dst.limit()];
        dst.get(0, b);
        return new Outcome(ret, dst.position(), b, null);
    }

    static Outcome thrown(Throwable t) {
        return new Outcome(0, -1, null, t.getClass().getName() + ": " + t.getMessage());
    }

    /** Null when equal, else what differs. */
    String diff(Outcome o) {
        if (error != null || o.error != null) {
            return "exception: native=" + error + " java=" + o.error;
        }
        StringBuilder sb = new StringBuilder();
        if (ret != o.ret) {
            sb.append("return native=").append(ret).append(" java=").append(o.ret).append("; ");
        }
        if (position != o.position) {
            sb.append("buffer position native=").append(position).append(" java=").append(o.position).append("; ");
        }
        if (!Arrays.equals(bytes, o.bytes)) {
            int i = Arrays.mismatch(bytes, o.bytes);
            sb.append("destination bytes differ at ").append(i).append("; ");
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    @Override
    public String toString() {
        if (error != null) {
            return "threw " + error;
        }
        return position < 0 ? Long.toString(ret) : ret + " (position " + position + ")";
    }
}
