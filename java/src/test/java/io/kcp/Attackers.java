package io.kcp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/** Attackers for the hostile-traffic tests; each runs until {@code on} turns false. */
final class Attackers {

    private Attackers() {
    }

    /**
     * From a real client's own address (through its tap): replays and truncations of what it
     * sent, and with {@code corrupt} also bit-flipped and random datagrams. Plain KCP has no
     * checksum, so a flipped sn is a valid segment there: only encrypted sessions get those.
     *
     * @return how many datagrams were injected
     */
    static long fromVictim(UdpTap tap, boolean corrupt, AtomicBoolean on) throws Exception {
        Random rnd = new Random(5);
        long injected = 0;
        while (on.get()) {
            int kept = tap.kept();
            if (kept == 0) {
                Thread.sleep(1);
                continue;
            }
            byte[] d = tap.upstream(rnd.nextInt(kept));
            switch (rnd.nextInt(corrupt ? 4 : 2)) {
                case 0 -> { }                                                        // replay
                case 1 -> d = Arrays.copyOf(d, rnd.nextInt(d.length));               // truncated
                case 2 -> d[rnd.nextInt(d.length)] ^= (byte) (1 << rnd.nextInt(8)); // bit flip
                default -> rnd.nextBytes(d);                                         // random
            }
            tap.inject(d);
            // about 4,000 a second: an attack the receive thread absorbs even on a loaded machine,
            // so a transfer that dies shows a bug, not a socket buffer that overflowed
            if (++injected % 4 == 0) Thread.sleep(1);
        }
        return injected;
    }

    /**
     * From 64 new addresses: random junk of every length (short ones too), and four real
     * sessions under the wrong key.
     */
    static Void strangers(InetSocketAddress target, KcpConfig wrongKey, AtomicBoolean on)
            throws Exception {
        Random rnd = new Random(9);
        List<DatagramChannel> sockets = new ArrayList<>();
        List<KcpSession> wrong = new ArrayList<>();
        try {
            for (int i = 0; i < 64; i++) {
                sockets.add(DatagramChannel.open().bind(SessionTestKit.ANY_LOOPBACK));
            }
            for (int i = 0; i < 4; i++) wrong.add(dialQuick(target, wrongKey));
            ByteBuffer b = ByteBuffer.allocate(1500);
            while (on.get()) {
                for (DatagramChannel ch : sockets) {
                    b.clear();
                    int len = rnd.nextInt(8) == 0 ? rnd.nextInt(30) : 24 + rnd.nextInt(1400);
                    for (int k = 0; k < len; k++) b.put((byte) rnd.nextInt());
                    if (len >= 24 && rnd.nextBoolean()) b.put(4, (byte) (81 + rnd.nextInt(4)));
                    ch.send(b.flip(), target);
                }
                for (int i = 0; i < wrong.size(); i++) {
                    try {
                        wrong.get(i).write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
                    } catch (java.net.SocketTimeoutException e) {
                        // nobody acknowledges a wrong key: the window is full; go on
                    } catch (IOException e) {
                        // the link died of it; dial again
                        wrong.get(i).close();
                        wrong.set(i, dialQuick(target, wrongKey));
                    }
                }
                Thread.sleep(2);
            }
        } finally {
            for (KcpSession s : wrong) s.close();
            for (DatagramChannel ch : sockets) ch.close();
        }
        return null;
    }

    private static KcpSession dialQuick(InetSocketAddress target, KcpConfig cfg)
            throws IOException {
        KcpSession s = Kcp.dial(target, cfg);
        s.setWriteTimeout(Duration.ofMillis(1));
        return s;
    }
}
