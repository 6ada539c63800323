package io.kcp.mux;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The other end of a session, played by hand: writes any bytes, and records the frames the
 * session sends (on its own thread, so the session never blocks on a full pipe).
 */
final class RawPeer implements AutoCloseable {

    /** A frame as the session sent it. */
    record Frame(int version, int cmd, int sid, byte[] payload) {
        int consumed() { return Frames.getInt(payload, 0); }
        int window() { return Frames.getInt(payload, 4); }
    }

    final ByteChannel channel;
    final int version;
    final BlockingQueue<Frame> received = new LinkedBlockingQueue<>();
    private final Thread reader;
    volatile Throwable readerFailure;

    RawPeer(ByteChannel channel, int version) {
        this.channel = channel;
        this.version = version;
        reader = new Thread(this::readLoop, "raw-peer-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void readLoop() {
        ByteBuffer head = ByteBuffer.allocate(Frames.HEADER_BYTES);
        try {
            while (true) {
                head.clear();
                if (!fill(head)) return;
                byte[] h = head.array();
                int len = (h[2] & 0xFF) | (h[3] & 0xFF) << 8;
                ByteBuffer body = ByteBuffer.allocate(len);
                if (!fill(body)) return;
                received.add(new Frame(h[0] & 0xFF, h[1] & 0xFF, Frames.getInt(h, 4), body.array()));
            }
        } catch (IOException e) {
            // closed
        } catch (Throwable t) {
            readerFailure = t;
        }
    }

    private boolean fill(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) return false;
        }
        return true;
    }

    void send(int cmd, int sid, byte[] payload) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(Frames.HEADER_BYTES + payload.length);
        Frames.putHeader(b, version, cmd, sid, payload.length);
        b.put(payload).flip();
        sendRaw(b);
    }

    void send(int cmd, int sid) throws IOException {
        send(cmd, sid, new byte[0]);
    }

    void sendUpdate(int sid, int consumed, int window) throws IOException {
        ByteBuffer p = ByteBuffer.allocate(8);
        Frames.putInt(p, consumed);
        Frames.putInt(p, window);
        send(Frames.UPD, sid, p.array());
    }

    void sendRaw(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) channel.write(b);
    }

    /** The next frame the session sent that is not a NOP, within {@code millis}. */
    Frame next(long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000L;
        while (true) {
            long left = end - System.nanoTime();
            Frame f = received.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (f == null) throw new AssertionError("no frame from the session within " + millis + " ms");
            if (f.cmd() != Frames.NOP) return f;
        }
    }

    /** The next frame with command {@code cmd}, skipping others, within {@code millis}. */
    Frame next(int cmd, long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000L;
        while (true) {
            Frame f = next(Math.max(1, (end - System.nanoTime()) / 1_000_000L));
            if (f.cmd() == cmd) return f;
        }
    }

    /** Every frame received so far (NOPs included), removed from the queue. */
    List<Frame> drain() {
        List<Frame> l = new ArrayList<>();
        received.drainTo(l);
        return l;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
