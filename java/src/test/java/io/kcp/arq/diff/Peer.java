package io.kcp.arq.diff;

import io.kcp.arq.Arq;
import io.kcp.kernel.Kernel;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;

/**
 * The other end of the conversation: a Java-kernel ARQ with its own random configuration and
 * application behaviour (how much it sends, how often it reads). It only exists to make the
 * inputs of the kernels under test meaningful; it is not compared with anything.
 */
final class Peer implements AutoCloseable {
    private final Arq arq;
    private final Random rnd;
    private final boolean ackNoDelay;
    private final double sendRate;
    private final double readRate;
    private final int maxMessage;
    private final int reserved;
    private ByteBuffer inbox = ByteBuffer.allocate(4096);
    private long nextFlush;
    final StringBuilder log;

    Peer(int conv, Random rnd, StringBuilder log) {
        this.arq = Kernel.JAVA.newArq(conv);
        this.rnd = rnd;
        this.log = log;
        Configs.applyTo(arq, rnd);
        int mtu = rnd.nextInt(4) == 0 ? 50 + rnd.nextInt(200) : 300 + rnd.nextInt(1201);
        arq.setMtu(mtu);
        arq.reserveBytes(Configs.RESERVES[rnd.nextInt(Configs.RESERVES.length)]);
        arq.setStreamMode(rnd.nextInt(3) == 0);
        this.reserved = (int) arq.field(io.kcp.arq.ArqField.RESERVED);
        this.ackNoDelay = rnd.nextBoolean();
        this.sendRate = new double[] {0, 0.1, 0.3, 0.7}[rnd.nextInt(4)];
        this.readRate = new double[] {0.02, 0.2, 0.6, 1.0}[rnd.nextInt(4)];
        int mss = arq.mss();
        this.maxMessage = new int[] {64, mss, 4 * mss, 20 * mss}[rnd.nextInt(4)];
        if (log != null) {
            log.append("peer: mtu=").append(arq.mtu()).append(" reserved=").append(reserved)
                    .append(" snd_wnd=").append(arq.field(io.kcp.arq.ArqField.SND_WND))
                    .append(" rcv_wnd=").append(arq.field(io.kcp.arq.ArqField.RCV_WND))
                    .append(" sendRate=").append(sendRate).append(" readRate=").append(readRate)
                    .append(" maxMessage=").append(maxMessage).append('\n');
        }
    }

    /** Lets the peer live until {@code elapsed}: take arrivals, flush when due, write, read.
     * Whatever it sends goes to {@code toKernel} and into {@code sent}. */
    void tick(long elapsed, int now, LossyLink toPeer, LossyLink toKernel, List<byte[]> sent) {
        for (byte[] d; (d = toPeer.poll(elapsed)) != null; ) {
            arq.input(ByteBuffer.wrap(d), rnd.nextInt(20) != 0, ackNoDelay, now);
            drain(elapsed, toKernel, sent);
        }
        if (rnd.nextDouble() < sendRate && arq.waitSnd() < 128) {
            arq.send(ByteBuffer.wrap(Payload.of(rnd, 1 + rnd.nextInt(maxMessage))));
        }
        if (rnd.nextDouble() < readRate) {
            for (int n; (n = arq.peekSize()) >= 0; ) {
                if (n > inbox.capacity()) {
                    inbox = ByteBuffer.allocate(n);
                }
                inbox.clear();
                if (arq.recv(inbox) < 0) {
                    throw new IllegalStateException("peer recv failed with peekSize " + n);
                }
            }
        }
        if (elapsed >= nextFlush) {
            nextFlush = elapsed + Math.max(1, arq.flush(now));
            drain(elapsed, toKernel, sent);
        }
    }

    long nextFlush() { return nextFlush; }

    private void drain(long elapsed, LossyLink toKernel, List<byte[]> sent) {
        if (arq.outputCount() == 0) {
            return;
        }
        ByteBuffer out = arq.output();
        byte[] area = new byte[out.limit()];
        out.get(0, area);
        arq.clearOutput();
        for (byte[] d : Records.datagrams(area, 0, reserved)) {
            if (log != null) {
                log.append("    peer sends ").append(Records.describe(d)).append('\n');
            }
            toKernel.send(d, elapsed);
            sent.add(d);
        }
    }

    @Override
    public void close() { arq.close(); }
}
