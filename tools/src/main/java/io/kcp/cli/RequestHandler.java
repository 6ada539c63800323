package io.kcp.cli;

import io.kcp.KcpSession;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * The server's side of one session: reads the header, serves the op, answers the client's BYE,
 * then keeps the session open for {@link #LINGER} so the client's last ACKs land in it rather
 * than opening a new session on the listener. A session that makes no progress (no byte read,
 * no write completed) for the idle time is closed.
 */
final class RequestHandler {

    static final Duration LINGER = Duration.ofSeconds(1);
    private static final int BUFFER = 64 * 1024;

    private final KcpSession session;
    private final Duration idle;
    private long bytesRead;
    private String op = "none";
    private long bytes;
    private final CRC32 crc = new CRC32();
    private boolean ok;

    RequestHandler(KcpSession session, Duration idle) {
        this.session = session;
        this.idle = idle;
    }

    /**
     * Serves the session to its end and closes it. {@code log} gets the record as soon as the
     * request is over (before the linger), so a caller waiting for it is not held up.
     */
    SessionRecord serve(Consumer<SessionRecord> log) {
        long start = System.nanoTime();
        String end;
        String error = null;
        try {
            session.setReadTimeout(idle);
            session.setWriteTimeout(idle);
            handle();
            end = "bye";
        } catch (SocketTimeoutException e) {
            end = "idle";
            if (op.equals("none") && bytesRead == 0) ok = true; // opened by stray packets, unused
        } catch (IOException | RuntimeException e) {
            end = "error";
            error = e.toString();
        }
        SessionRecord rec = new SessionRecord(session.remoteAddress(), session.conv(), op, bytes, ok,
                end, (System.nanoTime() - start) / 1_000_000, (int) crc.getValue(), error);
        try {
            log.accept(rec);
            if (end.equals("bye")) linger();
        } finally {
            session.close();
        }
        return rec;
    }

    private void handle() throws IOException {
        byte[] hb = new byte[ProtocolHeader.SIZE];
        readFully(hb, hb.length);
        ProtocolHeader h = ProtocolHeader.decode(hb);
        op = h.op().serverName;
        byte[] buf = new byte[BUFFER];
        switch (h.op()) {
            case ECHO:
                // back in the pieces it arrives in, until count bytes went back
                while (Long.compareUnsigned(bytes, h.count()) < 0) {
                    int n = session.read(buf, 0, room(h.count(), buf.length));
                    bytesRead += n;
                    session.write(buf, 0, n);
                    crc.update(buf, 0, n);
                    bytes += n;
                }
                break;
            case SINK:
                while (Long.compareUnsigned(bytes, h.count()) < 0) {
                    int n = session.read(buf, 0, room(h.count(), buf.length));
                    bytesRead += n;
                    crc.update(buf, 0, n);
                    bytes += n;
                }
                session.write(ProtocolHeader.encodeReply(bytes, (int) crc.getValue()), 0,
                        ProtocolHeader.REPLY_SIZE);
                break;
            case SOURCE:
                Payload source = new Payload(h.seed());
                while (Long.compareUnsigned(bytes, h.count()) < 0) {
                    int n = room(h.count(), buf.length);
                    source.fill(buf, 0, n);
                    session.write(buf, 0, n);
                    crc.update(buf, 0, n);
                    bytes += n;
                }
                break;
            case PING:
                byte[] msg = new byte[ProtocolHeader.PING_SIZE];
                for (long i = 0; Long.compareUnsigned(i, h.count()) < 0; i++) {
                    readFully(msg, msg.length);
                    session.write(msg, 0, msg.length);
                    crc.update(msg);
                    bytes += msg.length;
                }
                break;
            default:
                throw new IllegalStateException(h.op().name());
        }
        ok = true;
        expectBye();
    }

    /** Bytes to move next: what is left of {@code count}, at most {@code max}. */
    private int room(long count, int max) {
        long left = count - bytes;
        return Long.compareUnsigned(left, max) < 0 ? (int) left : max;
    }

    /** The client's BYE proves that everything we sent arrived; answer it. */
    private void expectBye() throws IOException {
        byte[] b = new byte[1];
        readFully(b, 1);
        if (b[0] != ProtocolHeader.BYE) {
            throw new ProtocolException(String.format("expected BYE 0x%02x, got 0x%02x",
                    ProtocolHeader.BYE, b[0] & 0xFF));
        }
        session.write(b, 0, 1);
    }

    private void linger() {
        session.setReadTimeout(Duration.ZERO);
        session.setReadDeadline(Instant.now().plus(LINGER));
        byte[] discard = new byte[1500];
        try {
            while (true) {
                session.read(discard, 0, discard.length);
            }
        } catch (IOException e) {
            // the deadline (or the listener closing) ends the linger
        }
    }

    private void readFully(byte[] b, int len) throws IOException {
        int off = 0;
        while (off < len) {
            int n = session.read(b, off, len - off);
            off += n;
            bytesRead += n;
        }
    }
}
