package io.kcp.transport;

import io.kcp.kernel.NativeUdpBatch;
import io.kcp.wire.Counter;
import io.kcp.wire.Counters;
import java.io.IOException;

/**
 * What a session's sender could not send: datagrams a full send buffer refused, and datagrams
 * lost to send errors, each also counted as OutErrs (the ARQ retransmits them, as after a loss
 * on the network), and the last error. Used under the owning session's lock only.
 */
final class SendFailures {

    private static final int EAGAIN = 11; // Linux, the only platform with batched sends

    private final Counters counters;
    private long dropped;
    private long errors;
    private IOException lastError;

    SendFailures(Counters counters) {
        this.counters = counters;
    }

    /**
     * What a batched send left behind: {@code count - sent} datagrams, refused by a full buffer
     * when {@code errno} is EAGAIN, else lost to that error.
     */
    void afterBatch(int count, int sent, int errno) {
        if (sent >= count) return;
        if (errno == EAGAIN) {
            full(count - sent);
        } else {
            failed(count - sent, new IOException("send failed: " + NativeUdpBatch.errorText(errno)));
        }
    }

    /** {@code n} datagrams refused by a full send buffer. */
    void full(int n) {
        dropped += n;
        counters.add(Counter.OUT_ERRS, n);
    }

    /** {@code n} datagrams lost to {@code error}. */
    void failed(int n, IOException error) {
        errors += n;
        lastError = error;
        counters.add(Counter.OUT_ERRS, n);
    }

    /** Datagrams dropped because the socket's send buffer was full. */
    long dropped() {
        return dropped;
    }

    /** Datagrams lost to send errors. */
    long errors() {
        return errors;
    }

    /** The last send error, or null. */
    IOException lastError() {
        return lastError;
    }
}
