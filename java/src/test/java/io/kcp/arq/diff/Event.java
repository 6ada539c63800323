package io.kcp.arq.diff;

import io.kcp.arq.Arq;
import java.nio.ByteBuffer;

/**
 * One call of a script. An event holds plain values only, so applying it to each kernel (each
 * with its own {@link Scratch}) performs the identical call.
 */
sealed interface Event {

    Outcome apply(Arq arq, Scratch scratch);

    String describe();

    record Send(byte[] data, BufKind kind, int pad, boolean le) implements Event {
        public Outcome apply(Arq arq, Scratch s) {
            ByteBuffer src = s.source(data, kind, pad, le);
            int ret = arq.send(src);
            return Outcome.of(ret, src);
        }

        public String describe() { return "send " + data.length + " bytes via " + kind + (le ? " LE" : "") + " pad " + pad; }
    }

    /** Recv into a window of {@code cap} bytes, or of peekSize() + {@code delta} when
     * {@code fromPeek} (the same procedure on both kernels). */
    record Recv(int cap, boolean fromPeek, int delta, BufKind kind, int pad, boolean le) implements Event {
        public Outcome apply(Arq arq, Scratch s) {
            int n = cap;
            if (fromPeek) {
                n = Math.max(0, arq.peekSize() + delta);
            }
            ByteBuffer dst = s.dest(n, kind, pad, le);
            int ret = arq.recv(dst);
            return Outcome.withContent(ret, dst);
        }

        public String describe() {
            return "recv into " + (fromPeek ? "peekSize" + (delta >= 0 ? "+" : "") + delta : cap + " bytes")
                    + " via " + kind + (le ? " LE" : "") + " pad " + pad;
        }
    }

    record PeekSize() implements Event {
        public Outcome apply(Arq arq, Scratch s) { return Outcome.of(arq.peekSize()); }

        public String describe() { return "peekSize"; }
    }

    record WaitSnd() implements Event {
        public Outcome apply(Arq arq, Scratch s) { return Outcome.of(arq.waitSnd()); }

        public String describe() { return "waitSnd"; }
    }

    record Input(byte[] data, boolean regular, boolean ackNoDelay, int now, BufKind kind, int pad,
                 boolean le, String origin) implements Event {
        public Outcome apply(Arq arq, Scratch s) {
            ByteBuffer src = s.source(data, kind, pad, le);
            int ret = arq.input(src, regular, ackNoDelay, now);
            return Outcome.of(ret, src);
        }

        public String describe() {
            return "input " + data.length + " bytes (" + origin + ") regular=" + regular + " ackNoDelay="
                    + ackNoDelay + " now=" + Integer.toUnsignedString(now) + " via " + kind + (le ? " LE" : "") + " pad " + pad
                    + (data.length <= 96 ? " hex=" + Records.hex(data) : "");
        }
    }

    record Flush(int now) implements Event {
        public Outcome apply(Arq arq, Scratch s) { return Outcome.of(arq.flush(now)); }

        public String describe() { return "flush now=" + Integer.toUnsignedString(now); }
    }

    record FlushAcks(int now) implements Event {
        public Outcome apply(Arq arq, Scratch s) {
            arq.flushAcks(now);
            return Outcome.NONE;
        }

        public String describe() { return "flushAcks now=" + Integer.toUnsignedString(now); }
    }

    record SetMtu(int mtu) implements Event {
        public Outcome apply(Arq arq, Scratch s) { return Outcome.of(arq.setMtu(mtu) ? 1 : 0); }

        public String describe() { return "setMtu " + mtu; }
    }

    record ReserveBytes(int n) implements Event {
        public Outcome apply(Arq arq, Scratch s) { return Outcome.of(arq.reserveBytes(n) ? 1 : 0); }

        public String describe() { return "reserveBytes " + n; }
    }

    record NoDelay(int nodelay, int interval, int resend, int nc) implements Event {
        public Outcome apply(Arq arq, Scratch s) {
            arq.nodelay(nodelay, interval, resend, nc);
            return Outcome.NONE;
        }

        public String describe() { return "nodelay " + nodelay + "," + interval + "," + resend + "," + nc; }
    }

    record SetMinRto(int minRto) implements Event {
        public Outcome apply(Arq arq, Scratch s) {
            arq.setMinRto(minRto);
            return Outcome.NONE;
        }

        public String describe() { return "setMinRto " + minRto; }
    }

    record WindowSize(int snd, int rcv) implements Event {
        public Outcome apply(Arq arq, Scratch s) {
            arq.windowSize(snd, rcv);
            return Outcome.NONE;
        }

        public String describe() { return "windowSize " + snd + "," + rcv; }
    }

    record SetStream(boolean on) implements Event {
        public Outcome apply(Arq arq, Scratch s) {
            arq.setStreamMode(on);
            return Outcome.NONE;
        }

        public String describe() { return "setStreamMode " + on; }
    }

    record SetAckClocking(boolean on) implements Event {
        public Outcome apply(Arq arq, Scratch s) {
            arq.setAckClocking(on);
            return Outcome.NONE;
        }

        public String describe() { return "setAckClocking " + on; }
    }
}
