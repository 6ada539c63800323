package io.kcp.arq.diff;

import io.kcp.arq.Arq;
import io.kcp.arq.ArqField;
import io.kcp.kernel.Kernel;
import java.util.List;

/**
 * Runs one script on the C kernel and the Java kernel in lockstep and compares, after every
 * step, what a caller can observe of each.
 */
final class DiffRunner {
    private final Scratch nativeScratch = new Scratch();
    private final Scratch javaScratch = new Scratch();
    final Coverage coverage = new Coverage();
    long steps;

    /** Null when the kernels agreed on the whole script, else a description of the first
     * difference. {@code log}, when not null, receives a step-by-step trace. */
    @SuppressWarnings("try") // the explicit close() calls check that close is idempotent
    String run(long seed, StringBuilder log) {
        try (EventScript script = new EventScript(seed, log);
             Arq n = Kernel.NATIVE.newArq(script.conv);
             Arq j = Kernel.JAVA.newArq(script.conv)) {
            Observation x = Observation.capture(n, Outcome.NONE, true);
            Observation y = Observation.capture(j, Outcome.NONE, true);
            String d = x.diff(y);
            if (d != null) {
                return describe(seed, 0, "newArq", d, x, y);
            }
            int forwarded = 0;
            for (int step = 1; script.hasNext(); step++) {
                long[] before = x.fields;
                Event e = script.next(before);
                Outcome a = apply(e, n, nativeScratch);
                Outcome b = apply(e, j, javaScratch);
                boolean everyField = (step & 15) == 0;
                x = Observation.capture(n, a, everyField);
                y = Observation.capture(j, b, everyField);
                steps++;
                d = x.diff(y);
                if (log != null) {
                    trace(log, step, e, a, x);
                }
                if (d != null) {
                    return describe(seed, step, e.describe(), d, x, y);
                }
                int reserved = (int) x.fields[ArqField.RESERVED.ordinal()];
                List<byte[]> emitted = Records.datagrams(x.area, forwarded, reserved);
                coverage.note(e, a, before, x, emitted);
                if (log != null) {
                    for (byte[] dg : emitted) {
                        log.append("    out ").append(Records.describe(dg)).append('\n');
                    }
                }
                forwarded = x.count;
                script.afterStep(e, a, emitted, x.count);
                if (script.clearOutput(x.count)) {
                    n.clearOutput();
                    j.clearOutput();
                    forwarded = 0;
                    if (log != null) {
                        log.append("  (output cleared)\n");
                    }
                }
            }
            coverage.end(x.fields);
            // try-with-resources closes both a second time
            n.close();
            j.close();
            return null;
        }
    }

    private static Outcome apply(Event e, Arq arq, Scratch scratch) {
        try {
            return e.apply(arq, scratch);
        } catch (RuntimeException | Error t) {
            return Outcome.thrown(t);
        } finally {
            scratch.scribble();
        }
    }

    private static void trace(StringBuilder log, int step, Event e, Outcome a, Observation x) {
        long[] f = x.fields;
        log.append(String.format("#%d %s -> %s | una=%d nxt=%d rcv_nxt=%d rto=%d cwnd=%d rmt_wnd=%d q=%d/%d/%d/%d"
                        + " acks=%d out=%d%n", step, e.describe(), a,
                f[ArqField.SND_UNA.ordinal()], f[ArqField.SND_NXT.ordinal()], f[ArqField.RCV_NXT.ordinal()],
                f[ArqField.RX_RTO.ordinal()], f[ArqField.CWND.ordinal()], f[ArqField.RMT_WND.ordinal()],
                f[ArqField.SND_QUEUE.ordinal()], f[ArqField.SND_BUF.ordinal()], f[ArqField.RCV_QUEUE.ordinal()],
                f[ArqField.RCV_BUF.ordinal()], f[ArqField.ACKLIST.ordinal()], x.count));
        if (e instanceof Event.Input && ((Event.Input) e).data().length > 0) {
            log.append("    in  ").append(Records.describe(((Event.Input) e).data())).append('\n');
        }
    }

    private static String describe(long seed, int step, String event, String diff, Observation x, Observation y) {
        StringBuilder sb = new StringBuilder();
        sb.append("seed=").append(seed).append(" step=").append(step).append(" event=[").append(event)
                .append("]: ").append(diff);
        sb.append("\n  native fields: ").append(fields(x.fields));
        sb.append("\n  java   fields: ").append(fields(y.fields));
        sb.append("\n  replay: mvn -B test -Dtest=ArqDifferentialTest -Dkcp.diff.seed=").append(seed);
        return sb.toString();
    }

    private static String fields(long[] f) {
        StringBuilder sb = new StringBuilder();
        for (ArqField a : ArqField.values()) {
            sb.append(a).append('=').append(f[a.ordinal()]).append(' ');
        }
        return sb.toString();
    }
}
