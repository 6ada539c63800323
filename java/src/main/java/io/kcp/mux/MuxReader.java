package io.kcp.mux;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;

/**
 * The one thread that reads a session's channel: it parses frames and hands each to its stream.
 * Before each read it waits while the session's streams together buffer
 * {@link MuxConfig#maxReceiveBuffer()} unread bytes (smux's backpressure). A framing error ends
 * the session; everything else that goes wrong is counted or ends one stream.
 */
final class MuxReader implements Runnable, FrameParser.Handler {

    private final MuxSession session;
    private final ByteChannel channel;
    private final MuxCounters counters;
    private final FrameParser parser;
    private final ByteBuffer buf = ByteBuffer.allocate(64 * 1024);

    MuxReader(MuxSession session, ByteChannel channel, MuxConfig config, MuxCounters counters) {
        this.session = session;
        this.channel = channel;
        this.counters = counters;
        this.parser = new FrameParser(config.version());
    }

    @Override
    public void run() {
        try {
            while (session.awaitBudget()) {
                buf.clear();
                int n = channel.read(buf);
                if (n < 0) {
                    session.fail(new EOFException("the peer closed the connection"), "reading");
                    return;
                }
                if (n == 0) continue;
                session.frameSeen();
                buf.flip();
                long before = parser.frames();
                parser.feed(buf, this);
                counters.framesReceived.addAndGet(parser.frames() - before);
            }
        } catch (IOException e) {
            session.fail(e, "reading");
        } catch (Throwable t) {
            session.fail(new IOException("mux reader failed: " + t, t), "reading");
        }
    }

    @Override
    public void syn(int sid) {
        session.peerOpened(sid);
    }

    @Override
    public void fin(int sid) {
        MuxStream s = session.stream(sid);
        if (s == null) {
            counters.ignoredFrames.incrementAndGet();
        } else {
            s.finReceived();
        }
    }

    @Override
    public void nop() {
        // its arrival is what counts (frameSeen)
    }

    @Override
    public void update(int sid, int consumed, int window) {
        MuxStream s = session.stream(sid);
        if (s == null) {
            counters.ignoredFrames.incrementAndGet();
        } else {
            s.update(consumed, window);
        }
    }

    @Override
    public void push(int sid, ByteBuffer payload) {
        int n = payload.remaining();
        counters.bytesReceived.addAndGet(n);
        MuxStream s = session.stream(sid);
        if (s == null) {
            counters.droppedBytes.addAndGet(n);
        } else {
            s.deliver(payload);
        }
    }
}
