package io.kcp.mux;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one thread that writes a session's frames. Applications only queue work here: a stream
 * with bytes to send, a window update, a SYN or FIN, a keepalive NOP. Each round writes control
 * frames first, then one data frame from every stream that has data and window, in turn, so one
 * busy stream cannot starve the others; frames are batched into few writes on the channel.
 * Nobody waits for this thread while holding a lock, and it holds none while it writes.
 */
final class MuxWriter implements Runnable {

    /** Refusal FINs queued at most; more refusals than that are dropped (the peer's streams hang until its timeout). */
    static final int REFUSALS_QUEUED = 1024;

    private final MuxSession session;
    private final ByteChannel channel;
    private final int version;
    private final int maxFrameSize;
    private final MuxCounters counters;
    private final ByteBuffer buf;

    // guarded by lock
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final ArrayDeque<MuxStream> ready = new ArrayDeque<>();
    private final ArrayDeque<MuxStream> updates = new ArrayDeque<>();
    private final ArrayDeque<long[]> control = new ArrayDeque<>(); // {cmd, sid}
    private int refusals;
    private boolean nop;
    private boolean stopped;

    // the writer thread's own
    private final List<MuxStream> roundStreams = new ArrayList<>();
    private final List<MuxStream> roundUpdates = new ArrayList<>();
    private final List<long[]> roundControl = new ArrayList<>();

    MuxWriter(MuxSession session, ByteChannel channel, MuxConfig config, MuxCounters counters) {
        this.session = session;
        this.channel = channel;
        this.version = config.version();
        this.maxFrameSize = config.maxFrameSize();
        this.counters = counters;
        this.buf = ByteBuffer.allocateDirect(Math.max(128 * 1024,
                2 * (Frames.HEADER_BYTES + maxFrameSize)));
    }

    /** Queues a SYN (or any control frame that must not be dropped). */
    void control(int cmd, int sid) {
        lock.lock();
        try {
            if (stopped) return;
            control.add(new long[] {cmd, sid});
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Queues a FIN for a stream the peer opened and we refused; false if too many are queued. */
    boolean refuse(int sid) {
        lock.lock();
        try {
            if (stopped || refusals >= REFUSALS_QUEUED) return false;
            refusals++;
            control.add(new long[] {Frames.FIN, sid, 1});
            work.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The stream has bytes or a FIN to send. */
    void schedule(MuxStream s) {
        lock.lock();
        try {
            if (stopped || s.queued) return;
            s.queued = true;
            ready.add(s);
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    /** The stream should announce what was read (version 2). */
    void scheduleUpdate(MuxStream s) {
        lock.lock();
        try {
            if (stopped || s.updateQueued) return;
            s.updateQueued = true;
            updates.add(s);
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    void nop() {
        lock.lock();
        try {
            nop = true;
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Ends the thread after its current write (closing the channel interrupts that). */
    void stop() {
        lock.lock();
        try {
            stopped = true;
            ready.clear();
            updates.clear();
            control.clear();
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void run() {
        try {
            while (takeRound()) {
                writeRound();
            }
        } catch (IOException e) {
            session.fail(e, "writing");
        } catch (InterruptedException e) {
            session.fail(new java.io.InterruptedIOException("mux writer interrupted"), "writing");
        } catch (Throwable t) {
            session.fail(new IOException("mux writer failed: " + t, t), "writing");
        }
    }

    /** Moves this round's work out of the queues; false once stopped. */
    private boolean takeRound() throws InterruptedException {
        lock.lock();
        try {
            while (!stopped && control.isEmpty() && updates.isEmpty() && ready.isEmpty() && !nop) {
                work.await();
            }
            if (stopped) return false;
            roundControl.addAll(control);
            control.clear();
            refusals = 0;
            for (MuxStream s : updates) s.updateQueued = false;
            roundUpdates.addAll(updates);
            updates.clear();
            for (MuxStream s : ready) s.queued = false;
            roundStreams.addAll(ready);
            ready.clear();
            if (nop) roundControl.add(new long[] {Frames.NOP, 0});
            nop = false;
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void writeRound() throws IOException {
        buf.clear();
        for (long[] c : roundControl) {
            room(Frames.HEADER_BYTES);
            Frames.putHeader(buf, version, (int) c[0], (int) c[1], 0);
            counters.framesSent.incrementAndGet();
        }
        roundControl.clear();
        for (MuxStream s : roundUpdates) {
            room(Frames.HEADER_BYTES + Frames.UPD_BYTES);
            s.putUpdate(buf);
        }
        roundUpdates.clear();
        for (MuxStream s : roundStreams) {
            room(Frames.HEADER_BYTES + maxFrameSize);
            if (s.nextFrame(buf, maxFrameSize)) schedule(s);
        }
        roundStreams.clear();
        flush();
    }

    private void room(int bytes) throws IOException {
        if (buf.remaining() < bytes) flush();
    }

    private void flush() throws IOException {
        buf.flip();
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
        buf.clear();
    }
}
