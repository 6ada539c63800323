package io.kcp.wire;

import io.kcp.arq.Arq;

/**
 * Where a session's ARQ output goes: the records a flush or an input left in the ARQ's output
 * area become wire datagrams (FEC, nonce, CRC, encryption) and leave on the socket. Two ways
 * exist: the Java pipeline ({@link PipelineDrain}), and with the native kernel on Linux the C
 * outbound and batched send ({@code io.kcp.transport.NativeDrain}), which give the same bytes.
 *
 * <p>Not thread-safe: one per session, used under its lock.
 */
public interface OutputDrain extends AutoCloseable {

    /** The bytes the ARQ must keep free at the front of each datagram ({@code Arq.reserveBytes}). */
    int reserveBytes();

    /** Sends every data datagram {@code n} extra times (kcp-go's {@code SetDUP}); parity once. */
    void setDuplicates(int n);

    /** Encodes and sends the records in {@code arq}'s output area, and empties it. */
    void drain(Arq arq);

    /**
     * Flushes the ARQ ({@code Arq.flush}) and sends what it produced.
     *
     * @return the flush's interval
     */
    default int flush(Arq arq, int now) {
        int interval = arq.flush(now);
        drain(arq);
        return interval;
    }

    /** Releases native memory and socket references; later drains send nothing. Idempotent. */
    @Override
    void close();
}
