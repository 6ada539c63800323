package io.kcp.arq.diff;

import io.kcp.arq.Arq;
import io.kcp.arq.ArqField;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random ARQ configurations: kcptun's nodelay modes, small windows, odd MTUs and reserves, ACK
 * clocking on or off. */
final class Configs {
    private Configs() {}

    static final int[] RESERVES = {0, 8, 20, 28};

    /** kcptun's normal, fast, fast2, fast3. */
    private static final int[][] PROFILES = {{0, 40, 2, 1}, {0, 30, 2, 1}, {1, 20, 2, 1}, {1, 10, 2, 1}};

    private static final int[] WINDOWS = {1, 2, 3, 4, 5, 8, 16, 32, 64, 128, 256, 512, 1024};

    static int window(Random rnd) {
        return rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(1024) : WINDOWS[rnd.nextInt(WINDOWS.length)];
    }

    /** A kcptun profile, or kcp-go's defaults (null: no call), or random values. */
    static Event.NoDelay nodelay(Random rnd) {
        int k = rnd.nextInt(8);
        if (k < 4) {
            int[] p = PROFILES[k];
            return new Event.NoDelay(p[0], p[1], p[2], p[3]);
        }
        if (k < 6) {
            return null;
        }
        return new Event.NoDelay(rnd.nextInt(3), 10 + rnd.nextInt(190), rnd.nextInt(5), rnd.nextInt(2));
    }

    static int mtu(Random rnd) {
        return rnd.nextInt(4) == 0 ? 50 + rnd.nextInt(80) : 50 + rnd.nextInt(1451);
    }

    /** The configuration calls a script starts with. */
    static List<Event> initial(Random rnd) {
        List<Event> events = new ArrayList<>();
        Event nd = nodelay(rnd);
        if (nd != null) {
            events.add(nd);
        }
        if (rnd.nextInt(5) != 0) {
            events.add(new Event.WindowSize(window(rnd), window(rnd)));
        }
        if (rnd.nextInt(5) != 0) {
            events.add(new Event.SetMtu(mtu(rnd)));
        }
        if (rnd.nextBoolean()) {
            events.add(new Event.ReserveBytes(RESERVES[rnd.nextInt(RESERVES.length)]));
        }
        if (rnd.nextInt(4) == 0) {
            events.add(new Event.SetStream(true));
        }
        if (rnd.nextBoolean()) { // sessions run with it on; a new instance has it off
            events.add(new Event.SetAckClocking(true));
        }
        if (rnd.nextInt(10) == 0) {
            events.add(new Event.SetMinRto(1 + rnd.nextInt(300)));
        }
        return events;
    }

    /** A configuration call in the middle of a script, invalid arguments included. The reserve
     * only changes while the output area is empty, so every record in it has one layout. */
    static Event change(Random rnd, long[] state, boolean areaEmpty) {
        int mtu = (int) state[ArqField.MTU.ordinal()];
        int reserved = (int) state[ArqField.RESERVED.ordinal()];
        switch (rnd.nextInt(areaEmpty ? 7 : 6)) {
            case 0: {
                int k = rnd.nextInt(40);
                int v = k < 6 ? rnd.nextInt(50) - 5
                        : k < 10 ? reserved + 24 + rnd.nextInt(2)
                        : k == 10 ? 9000 : mtu(rnd);
                return new Event.SetMtu(v);
            }
            case 5:
                return new Event.SetAckClocking(state[ArqField.ACK_CLOCKING.ordinal()] == 0);
            case 6: {
                int k = rnd.nextInt(10);
                int v = k < 6 ? RESERVES[rnd.nextInt(RESERVES.length)]
                        : k == 6 ? -1 : mtu - 24 - rnd.nextInt(2);
                return new Event.ReserveBytes(v);
            }
            case 2: {
                if (rnd.nextBoolean()) {
                    Event nd = nodelay(rnd);
                    return nd != null ? nd : new Event.NoDelay(0, 100, 0, 0);
                }
                int[] intervals = {-1, 0, 5, 9, 10, 11, 100, 4999, 5000, 5001, 100000};
                return new Event.NoDelay(rnd.nextInt(4) - 1, intervals[rnd.nextInt(intervals.length)],
                        rnd.nextInt(5) - 1, rnd.nextInt(3) - 1);
            }
            case 3: {
                int[] v = {-5, 0, 1, 10, 30, 100, 1000, 70000};
                return new Event.SetMinRto(v[rnd.nextInt(v.length)]);
            }
            case 1:
                return new Event.SetStream(state[ArqField.STREAM.ordinal()] == 0);
            case 4: {
                int snd = rnd.nextInt(6) == 0 ? rnd.nextInt(2) - 1 : window(rnd);
                int rcv = rnd.nextInt(6) == 0 ? rnd.nextInt(2) - 1
                        : rnd.nextInt(40) == 0 ? 65530 + rnd.nextInt(20) : window(rnd); // u16 wrap of wnd
                return new Event.WindowSize(snd, rcv);
            }
            default:
                throw new AssertionError();
        }
    }

    /** The peer's configuration, applied directly. */
    static void applyTo(Arq arq, Random rnd) {
        Event.NoDelay nd = nodelay(rnd);
        if (nd != null) {
            arq.nodelay(nd.nodelay(), nd.interval(), nd.resend(), nd.nc());
        }
        arq.windowSize(window(rnd), window(rnd));
        arq.setAckClocking(rnd.nextBoolean());
    }
}
