package io.kcp.sim;

import io.kcp.arq.Arq;
import io.kcp.arq.ArqField;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * The echo benchmark of skywind3000's kcp {@code test.cpp}, run on a simulated clock over a
 * {@link LatencySimulator}: a client sends an 8-byte message (index, send time) every 20 ms,
 * the server echoes every message it receives, and the client measures each echo's round trip
 * until {@value #ECHOES} echoes have come back in order; an echo out of order is an error.
 *
 * <p>The endpoints are driven the way kcp-go's {@code UDPSession} drives its {@code KCP}, since
 * that is the behaviour the kernels reproduce: a timer calls {@code flush(now)} and rearms
 * itself after the interval the flush returns; {@code Write} (here: every send, by the client
 * and by the echoing server) queues the message and flushes at once (no write delay); a received
 * datagram is fed to {@code input(..., regular=true, ackNoDelay=false, now)}. Unlike
 * {@code Write}, a send never blocks on a full window: test.cpp queues unconditionally, and
 * blocking would move the send timestamps and hide queueing delay from the measurement.
 *
 * <p>The clock advances 1 ms per step; each step runs, in test.cpp's order: due timers (client,
 * then server), due client sends, datagrams due for the server, datagrams due for the client,
 * the server's echoes, the client's receives.
 */
public final class EchoSimulation {

    public static final int CONV = 0x11223344;
    public static final int ECHOES = 1000;
    static final int SEND_EVERY_MS = 20;
    static final int WINDOW = 128;
    /** A run that takes longer than this (simulated) is a stalled kernel, not a slow one. */
    static final int GIVE_UP_MS = 600_000;

    /** test.cpp's three configurations. */
    public enum Mode {
        /** TCP-like: no fast resend, congestion control on. */
        DEFAULT(0, 10, 0, 0, 0),
        /** Congestion control off. */
        NORMAL(0, 10, 0, 1, 0),
        /** Everything on; test.cpp lowers rx_minrto to 10 by hand. */
        FAST(2, 10, 2, 1, 10);

        final int nodelay, interval, resend, nc, minRto;

        Mode(int nodelay, int interval, int resend, int nc, int minRto) {
            this.nodelay = nodelay;
            this.interval = interval;
            this.resend = resend;
            this.nc = nc;
            this.minRto = minRto;
        }

        void apply(Arq arq) {
            arq.windowSize(WINDOW, WINDOW);
            arq.nodelay(nodelay, interval, resend, nc);
            if (minRto > 0) {
                arq.setMinRto(minRto); // after nodelay(), which resets it to 30 or 100
            }
        }

        public String label() { return name().toLowerCase(Locale.ROOT); }
    }

    /** What one run measured; equal for equal inputs (the replay check compares whole records). */
    public record Result(int echoes, long avgRtt, int maxRtt, int totalMs,
                         long sentClient, long sentServer, long lostClient, long lostServer,
                         long retransClient, long retransServer) {
    }

    private final Arq client;
    private final Arq server;
    private final LatencySimulator net;
    private final ByteBuffer io = ByteBuffer.allocateDirect(2048).order(ByteOrder.LITTLE_ENDIAN);
    private byte[] scratch = new byte[2048];

    private EchoSimulation(Arq client, Arq server, LatencySimulator net) {
        this.client = client;
        this.server = server;
        this.net = net;
    }

    /**
     * Runs one echo session. {@code newArq} creates an endpoint for a conv; {@code startMs} is
     * the clock's first value (a start just below 2^32 exercises the wrap).
     */
    public static Result run(IntFunction<Arq> newArq, Mode mode, long seed, int startMs) {
        try (Arq client = newArq.apply(CONV); Arq server = newArq.apply(CONV)) {
            mode.apply(client);
            mode.apply(server);
            return new EchoSimulation(client, server, LatencySimulator.kcpTestDefaults(seed))
                    .loop(startMs);
        }
    }

    private Result loop(int start) {
        int now = start;
        int nextClientFlush = start; // UDPSession schedules its first update immediately
        int nextServerFlush = start;
        int nextSend = start + SEND_EVERY_MS;
        int index = 0;
        int expected = 0;
        long sumRtt = 0;
        int maxRtt = 0;

        while (expected < ECHOES) {
            now++;
            if (now - start > GIVE_UP_MS) {
                throw new IllegalStateException("no progress: " + expected + " echoes after "
                        + GIVE_UP_MS + " ms");
            }
            if (now - nextClientFlush >= 0) {
                nextClientFlush = now + Math.max(1, client.flush(now));
                drain(client, 0, now);
            }
            if (now - nextServerFlush >= 0) {
                nextServerFlush = now + Math.max(1, server.flush(now));
                drain(server, 1, now);
            }
            for (; now - nextSend >= 0; nextSend += SEND_EVERY_MS) {
                io.clear();
                io.putInt(index++).putInt(now).flip();
                write(client, 0, now);
            }
            deliver(1, server, now);
            deliver(0, client, now);
            while (true) {
                io.clear();
                int n = server.recv(io);
                if (n < 0) {
                    break;
                }
                io.flip();
                write(server, 1, now);
            }
            while (expected < ECHOES) {
                io.clear();
                int n = client.recv(io);
                if (n < 0) {
                    break;
                }
                if (n != 8) {
                    throw new IllegalStateException("echo of " + n + " bytes, expected 8");
                }
                int sn = io.getInt(0);
                int rtt = now - io.getInt(4);
                if (sn != expected) {
                    throw new IllegalStateException("echo " + sn + " arrived, expected " + expected);
                }
                expected++;
                sumRtt += rtt;
                maxRtt = Math.max(maxRtt, rtt);
            }
        }
        return new Result(expected, sumRtt / expected, maxRtt, now - start,
                net.sent(0), net.sent(1), net.lost(0), net.lost(1),
                client.field(ArqField.RETRANS_SEGS), server.field(ArqField.RETRANS_SEGS));
    }

    /** kcp-go's UDPSession.Write without write delay: send, then flush at once. */
    private void write(Arq arq, int peer, int now) {
        int rc = arq.send(io);
        if (rc != 0) {
            throw new IllegalStateException("send returned " + rc);
        }
        arq.flush(now);
        drain(arq, peer, now);
    }

    private void deliver(int toPeer, Arq arq, int now) {
        byte[] datagram;
        while ((datagram = net.recv(toPeer, now)) != null) {
            io.clear();
            io.put(datagram).flip();
            arq.input(io, true, false, now); // a bad datagram is the kernel's to reject
            drain(arq, toPeer, now);
        }
    }

    /** Moves every output record of {@code arq} into the network as one datagram each. */
    private void drain(Arq arq, int fromPeer, int now) {
        int count = arq.outputCount();
        if (count == 0) {
            return;
        }
        ByteBuffer out = arq.output();
        int pos = 0;
        for (int i = 0; i < count; i++) {
            int len = readLengthLE(out, pos);
            pos += 4;
            if (scratch.length < len) {
                scratch = new byte[len];
            }
            out.get(pos, scratch, 0, len);
            net.send(fromPeer, scratch, 0, len, now);
            pos += len;
        }
        if (pos != out.limit()) {
            throw new IllegalStateException("output records end at " + pos + ", limit " + out.limit());
        }
        arq.clearOutput();
    }

    private static int readLengthLE(ByteBuffer b, int at) {
        return (b.get(at) & 0xff) | (b.get(at + 1) & 0xff) << 8
                | (b.get(at + 2) & 0xff) << 16 | (b.get(at + 3) & 0xff) << 24;
    }
}
