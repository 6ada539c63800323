package io.kcp;

import io.kcp.arq.Arq;
import io.kcp.arq.ArqField;
import java.nio.ByteBuffer;
import java.util.function.Supplier;

/**
 * An ARQ of the kernel under test that throws what a test tells it to, where it is told to: the
 * failures a transport thread can meet (an OutOfMemoryError from a native allocation, a bug).
 */
final class FaultyArq implements Arq {

    private final Arq arq;
    volatile Supplier<? extends Throwable> onInput;
    volatile Supplier<? extends Throwable> onFlush;

    FaultyArq(Arq arq) {
        this.arq = arq;
    }

    private static void maybeThrow(Supplier<? extends Throwable> fault) {
        if (fault == null) return;
        Throwable t = fault.get();
        if (t instanceof RuntimeException) throw (RuntimeException) t;
        if (t instanceof Error) throw (Error) t;
    }

    @Override public int send(ByteBuffer src) { return arq.send(src); }
    @Override public int recv(ByteBuffer dst) { return arq.recv(dst); }
    @Override public int peekSize() { return arq.peekSize(); }

    @Override
    public int input(ByteBuffer datagram, boolean regular, boolean ackNoDelay, int now) {
        maybeThrow(onInput);
        return arq.input(datagram, regular, ackNoDelay, now);
    }

    @Override
    public int flush(int now) {
        maybeThrow(onFlush);
        return arq.flush(now);
    }

    @Override public void flushAcks(int now) { arq.flushAcks(now); }
    @Override public ByteBuffer output() { return arq.output(); }
    @Override public int outputCount() { return arq.outputCount(); }
    @Override public void clearOutput() { arq.clearOutput(); }
    @Override public boolean setMtu(int mtu) { return arq.setMtu(mtu); }
    @Override public boolean reserveBytes(int n) { return arq.reserveBytes(n); }
    @Override public void nodelay(int nd, int iv, int rs, int nc) { arq.nodelay(nd, iv, rs, nc); }
    @Override public void setMinRto(int minRto) { arq.setMinRto(minRto); }
    @Override public void windowSize(int snd, int rcv) { arq.windowSize(snd, rcv); }
    @Override public void setStreamMode(boolean stream) { arq.setStreamMode(stream); }
    @Override public void setAckClocking(boolean on) { arq.setAckClocking(on); }
    @Override public int waitSnd() { return arq.waitSnd(); }
    @Override public long field(ArqField field) { return arq.field(field); }
    @Override public void snapshot(long[] dst) { arq.snapshot(dst); }
    @Override public long digest() { return arq.digest(); }
    @Override public void close() { arq.close(); }
}
