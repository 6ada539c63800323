package io.kcp.cli;

import io.kcp.Kcp;
import io.kcp.KcpConfig;
import io.kcp.KcpSession;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;

/**
 * The request-protocol client: one session, one request, verified, then BYE. Every blocking
 * call is bounded by the request's timeout (a deadline on the session).
 */
final class PeerClient {

    /** Most a client waits for the server's answer to its BYE. */
    static final Duration BYE_WAIT = Duration.ofSeconds(2);
    private static final int READ_BUFFER = 64 * 1024;

    /** One request: what to do, to whom, with which session settings. */
    record Request(InetSocketAddress remote, KcpConfig config, Op op, long bytes, int chunk,
                   long count, long seed, Duration timeout) {
    }

    private final Request req;
    private final PrintStream log;
    private final ClientResult res;
    private KcpSession session;

    private PeerClient(Request req, PrintStream log) {
        this.req = req;
        this.log = log;
        this.res = new ClientResult(req.op().clientName);
    }

    /** Runs the request, with diagnostics on {@code log}; never throws (failures are in the result). */
    static ClientResult run(Request req, PrintStream log) {
        return new PeerClient(req, log).run();
    }

    private ClientResult run() {
        long start = System.nanoTime();
        Instant deadline = Instant.now().plus(req.timeout());
        try (KcpSession s = Kcp.dial(req.remote(), req.config())) {
            session = s;
            s.setDeadline(deadline);
            log.println("client conv=" + Integer.toUnsignedString(s.conv()) + " kernel="
                    + s.kernel() + " " + req.config());
            switch (req.op()) {
                case ECHO: echo(); break;
                case SINK: upload(); break;
                case SOURCE: download(); break;
                case PING: ping(); break;
                default: throw new IllegalStateException(req.op().name());
            }
            res.elapsedNanos = System.nanoTime() - start;
            res.ok = true;
            res.byeAnswered = sayBye(deadline);
        } catch (IOException | RuntimeException | InterruptedException e) {
            res.elapsedNanos = System.nanoTime() - start;
            boolean expired = !Instant.now().isBefore(deadline) || e instanceof SocketTimeoutException;
            res.error = (expired ? "--timeout of " + req.timeout().toMillis() / 1000.0 + " s expired: " : "")
                    + e;
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
        }
        return res;
    }

    // ---- operations ---------------------------------------------------------------------------

    private void echo() throws IOException, InterruptedException {
        writeHeader(0);
        long firstChunk = Math.min(req.chunk(), req.bytes());
        long[] firstWrite = new long[1];
        AtomicReference<Throwable> writeError = new AtomicReference<>();
        // Writing and reading run together: the echo comes back while we are still sending.
        Thread writer = new Thread(() -> {
            try {
                writePayload(firstWrite);
            } catch (IOException | RuntimeException e) {
                writeError.set(e);
                session.close(); // wakes the reader
            }
        }, "kcp-client-echo-writer");
        writer.setDaemon(true);
        writer.start();
        PayloadVerifier v = new PayloadVerifier(req.seed());
        try {
            readVerified(v, () -> {
                if (res.firstChunkRttNanos < 0 && v.verified() >= firstChunk && firstChunk > 0) {
                    synchronized (firstWrite) {
                        res.firstChunkRttNanos = System.nanoTime() - firstWrite[0];
                    }
                }
            });
        } catch (IOException e) {
            // the writer records its error before it closes the session to wake us
            if (writeError.get() != null) throw asIo(writeError.get());
            throw e;
        }
        writer.join();
        if (writeError.get() != null) throw asIo(writeError.get());
    }

    private void upload() throws IOException {
        writeHeader(0);
        int sent = writePayload(null);
        byte[] reply = new byte[ProtocolHeader.REPLY_SIZE];
        readFully(reply);
        ByteBuffer r = ByteBuffer.wrap(reply);
        long gotBytes = r.getLong();
        int gotCrc = r.getInt();
        if (gotBytes != req.bytes() || gotCrc != sent) {
            throw new ProtocolException(String.format("server got %d bytes crc %08x, sent %d bytes crc %08x",
                    gotBytes, gotCrc, req.bytes(), sent));
        }
        res.bytes = gotBytes;
        res.crc = gotCrc;
    }

    private void download() throws IOException {
        writeHeader(req.seed());
        readVerified(new PayloadVerifier(req.seed()), () -> { });
    }

    private void ping() throws IOException {
        writeHeader(0);
        byte[] msg = new byte[ProtocolHeader.PING_SIZE];
        byte[] echo = new byte[ProtocolHeader.PING_SIZE];
        long[] rtts = new long[(int) Math.min(req.count(), Integer.MAX_VALUE - 8)];
        CRC32 crc = new CRC32();
        int done = 0;
        try {
            for (; done < rtts.length; done++) {
                long sentAt = System.nanoTime();
                ByteBuffer.wrap(msg).putLong(done).putLong(sentAt);
                session.write(msg, 0, msg.length);
                try {
                    readFully(echo);
                } catch (IOException e) {
                    throw withContext(e, "ping " + done);
                }
                long rtt = System.nanoTime() - sentAt;
                if (!Arrays.equals(msg, echo)) throw new ProtocolException("ping " + done + ": echo differs");
                rtts[done] = rtt;
                crc.update(echo);
                res.bytes += echo.length;
                res.crc = (int) crc.getValue();
            }
        } finally {
            res.pingRttNanos = Arrays.copyOf(rtts, done);
        }
    }

    // ---- pieces -------------------------------------------------------------------------------

    private void writeHeader(long seed) throws IOException {
        long count = req.op() == Op.PING ? req.count() : req.bytes();
        byte[] h = new ProtocolHeader(req.op(), count, seed).encode();
        session.write(h, 0, h.length);
    }

    /**
     * Sends {@code req.bytes()} bytes of the payload stream in {@code req.chunk()} pieces.
     *
     * @param firstWrite if not null, gets the time just before the first piece is written
     * @return the CRC-32 of what was sent
     */
    private int writePayload(long[] firstWrite) throws IOException {
        Payload p = new Payload(req.seed());
        CRC32 crc = new CRC32();
        byte[] buf = new byte[(int) Math.min(req.chunk(), Math.max(1, req.bytes()))];
        for (long left = req.bytes(); left > 0; ) {
            int n = (int) Math.min(buf.length, left);
            p.fill(buf, 0, n);
            if (firstWrite != null && left == req.bytes()) {
                synchronized (firstWrite) {
                    firstWrite[0] = System.nanoTime();
                }
            }
            session.write(buf, 0, n);
            crc.update(buf, 0, n);
            left -= n;
        }
        return (int) crc.getValue();
    }

    /** Reads {@code req.bytes()} bytes, checking each against the stream; {@code after} runs per read. */
    private void readVerified(PayloadVerifier v, Runnable after) throws IOException {
        byte[] buf = new byte[READ_BUFFER];
        while (v.verified() < req.bytes()) {
            int n;
            try {
                n = session.read(buf, 0, (int) Math.min(buf.length, req.bytes() - v.verified()));
            } catch (IOException e) {
                throw withContext(e, "after " + v.verified() + " of " + req.bytes() + " bytes");
            }
            v.check(buf, 0, n);
            res.bytes = v.verified();
            res.crc = v.crc();
            after.run();
        }
    }

    private void readFully(byte[] b) throws IOException {
        int off = 0;
        while (off < b.length) {
            off += session.read(b, off, b.length - off);
        }
    }

    /**
     * Sends BYE and waits briefly for the server's; the result is already settled, so a missing
     * answer only means the server will idle out instead of closing at once.
     */
    private boolean sayBye(Instant deadline) {
        Instant wait = Instant.now().plus(BYE_WAIT);
        session.setDeadline(wait.isAfter(deadline) ? deadline : wait);
        byte[] b = {ProtocolHeader.BYE};
        try {
            session.write(b, 0, 1);
            readFully(b);
            if (b[0] == ProtocolHeader.BYE) return true;
        } catch (IOException e) {
            // reported below
        }
        log.println("client: no BYE from the server (result unaffected)");
        return false;
    }

    private static IOException withContext(IOException e, String context) {
        IOException wrapped = e instanceof SocketTimeoutException
                ? new SocketTimeoutException(context + ": " + e.getMessage())
                : e instanceof InterruptedIOException ? new InterruptedIOException(context + ": " + e.getMessage())
                : new IOException(context + ": " + e, e);
        if (wrapped.getCause() == null) wrapped.initCause(e);
        return wrapped;
    }

    private static IOException asIo(Throwable t) {
        return t instanceof IOException ? (IOException) t : new IOException(t.toString(), t);
    }
}
