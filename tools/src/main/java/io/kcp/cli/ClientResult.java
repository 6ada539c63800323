package io.kcp.cli;

import java.util.Arrays;
import java.util.Locale;

/**
 * The outcome of one client request, printed as the single {@code RESULT} line kcpgo-peer also
 * prints: {@code RESULT op=… bytes=… ok=true|false ms=… mbps=… crc=…}, then this client's
 * extras: {@code MBps} (megabytes per second), and round trips where the op has any
 * ({@code rtt_first_ms} for echo: the first chunk's; {@code rtt_avg_ms rtt_p50_ms rtt_p99_ms
 * rtt_max_ms} for ping).
 */
final class ClientResult {

    final String op;
    /** Payload bytes verified (ping: 16 per message). */
    long bytes;
    /** CRC-32 of the verified payload. */
    int crc;
    long elapsedNanos;
    boolean ok;
    /** Why it failed, when it did. */
    String error;
    /** Whether the server answered the BYE (it does not change {@link #ok}). */
    boolean byeAnswered;
    /** Echo: nanoseconds from writing the first chunk to having all of it back; -1 if none. */
    long firstChunkRttNanos = -1;
    /** Ping: every round trip in nanoseconds. */
    long[] pingRttNanos = new long[0];

    ClientResult(String op) {
        this.op = op;
    }

    double seconds() {
        return elapsedNanos / 1e9;
    }

    /** Megabits per second of payload, as kcpgo-peer reports it. */
    double mbps() {
        return elapsedNanos > 0 ? bytes * 8 / 1e6 / seconds() : 0;
    }

    /** Megabytes (10^6) per second of payload. */
    double megabytesPerSecond() {
        return mbps() / 8;
    }

    String line() {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "RESULT op=%s bytes=%d ok=%b ms=%d mbps=%.3f crc=%08x MBps=%.3f", op, bytes, ok,
                elapsedNanos / 1_000_000, mbps(), crc, megabytesPerSecond()));
        if (firstChunkRttNanos >= 0) {
            s.append(String.format(Locale.ROOT, " rtt_first_ms=%.3f", ms(firstChunkRttNanos)));
        }
        if (pingRttNanos.length > 0) {
            long[] sorted = pingRttNanos.clone();
            Arrays.sort(sorted);
            double avg = Arrays.stream(sorted).average().orElse(0);
            s.append(String.format(Locale.ROOT,
                    " rtt_avg_ms=%.3f rtt_p50_ms=%.3f rtt_p99_ms=%.3f rtt_max_ms=%.3f", avg / 1e6,
                    ms(percentile(sorted, 50)), ms(percentile(sorted, 99)), ms(sorted[sorted.length - 1])));
            // the first round trip of a session also pays for the server's setting it up
            long maxAfterFirst = 0;
            for (int i = 1; i < pingRttNanos.length; i++) maxAfterFirst = Math.max(maxAfterFirst, pingRttNanos[i]);
            s.append(String.format(Locale.ROOT, " rtt_max_after_first_ms=%.3f", ms(maxAfterFirst)));
        }
        return s.toString();
    }

    /** The nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
