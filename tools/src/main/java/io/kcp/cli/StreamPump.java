package io.kcp.cli;

import io.kcp.mux.MuxStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Copies between one TCP connection and one stream, a thread each way. When either direction
 * ends (end of input or an error) both sides are closed, as kcptun does: the stream still sends
 * what was written to it, then its FIN; the socket still sends what it holds.
 */
final class StreamPump {

    /**
     * Per direction. Direct, so that socket I/O needs no temporary copy (the JDK caches one per
     * platform thread, which with two threads per connection doubled the memory a connection
     * holds); 8 KiB, because a thousand idle connections hold their buffers too.
     */
    static final int BUFFER = 8 * 1024;

    private final MuxStream stream;
    private final SocketChannel socket;
    private final TunnelStats stats;
    private final TunnelLog log;
    private final String label;
    private final boolean quiet;
    private final AtomicBoolean ended = new AtomicBoolean();

    private StreamPump(MuxStream stream, SocketChannel socket, TunnelStats stats, TunnelLog log,
                       String label, boolean quiet) {
        this.stream = stream;
        this.socket = socket;
        this.stats = stats;
        this.log = log;
        this.label = label;
        this.quiet = quiet;
    }

    /** Starts copying; the calling thread becomes the stream-to-socket direction. */
    static void run(MuxStream stream, SocketChannel socket, TunnelStats stats, TunnelLog log,
                    String label, boolean quiet) {
        StreamPump p = new StreamPump(stream, socket, stats, log, label, quiet);
        stats.streamsOpen.incrementAndGet();
        stats.streamsTotal.incrementAndGet();
        if (!quiet) log.line("stream opened " + label);
        PumpThreads.start("kcp-tunnel-up-" + Integer.toUnsignedString(stream.id()), p::socketToStream);
        p.streamToSocket();
    }

    private void socketToStream() {
        ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER);
        try {
            while (true) {
                buf.clear();
                int n = socket.read(buf);
                if (n < 0) break;
                buf.flip();
                stream.write(buf);
                stats.bytesIn.addAndGet(n);
            }
            end(null);
        } catch (IOException | RuntimeException e) {
            end(e);
        }
    }

    private void streamToSocket() {
        ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER);
        try {
            while (true) {
                buf.clear();
                int n = stream.read(buf);
                if (n < 0) break;
                buf.flip();
                while (buf.hasRemaining()) socket.write(buf);
                stats.bytesOut.addAndGet(n);
            }
            end(null);
        } catch (IOException | RuntimeException e) {
            end(e);
        }
    }

    /** Closes both sides once; an error the other direction caused by closing is not logged. */
    private void end(Exception cause) {
        if (!ended.compareAndSet(false, true)) return;
        stream.close();
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        stats.streamsOpen.decrementAndGet();
        if (cause != null && !(cause instanceof java.nio.channels.ClosedChannelException)) {
            stats.streamErrors.incrementAndGet();
            if (!quiet || cause instanceof io.kcp.mux.MuxProtocolException) {
                log.line("stream " + label + ": " + cause.getMessage() + TunnelHints.hint(cause));
            }
        }
        if (!quiet) log.line("stream closed " + label);
    }
}
