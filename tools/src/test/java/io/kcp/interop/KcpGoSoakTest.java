package io.kcp.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kcp.kernel.Kernel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

/**
 * Many short uploads to a live kcp-go 5.6.1 listener, one new session after another, as a
 * kcptun-like client makes them: crypt null, no FEC, nodelay 1,10,2,1, windows 1024, MTU 1400,
 * and a server application that closes a session after 3 s without progress. A session whose
 * burst meets kcp-go's just-created 32-segment receive window must not stall (kcp-go never
 * announces that the window reopened; only our window probe finds out). A session counts as
 * stalled when it fails, or takes longer than {@link #STALL_MS}. Prints
 * {@code interop soak kcp-go: N sessions, S stalled}.
 */
@Tag("interop")
@Timeout(600)
class KcpGoSoakTest {

    static final int SESSIONS = Integer.getInteger("kcp.soak.sessions", 1000);
    static final long BYTES = 1 << 20;
    /** 1 MiB on loopback takes tens of ms; a stall shows as seconds (or a failure). */
    static final long STALL_MS = 2_000;
    private static final Pattern MS = Pattern.compile("\\bms=(\\d+)");

    @Test
    void sequentialUploadsNeverStall() throws Exception {
        Peer go = GoPeer.get();
        Peer java = new JavaPeer();
        List<String> flags = List.of("--crypt", "null", "--datashard", "0", "--parityshard", "0",
                "--mode", "manual", "--nodelay", "1", "--interval", "10", "--resend", "2",
                "--nc", "1", "--sndwnd", "1024", "--rcvwnd", "1024", "--mtu", "1400");
        List<String> serverFlags = new ArrayList<>(flags);
        serverFlags.addAll(List.of("--idle", "3"));
        List<String> stalled = new ArrayList<>();
        long[] ms = new long[SESSIONS];
        try (Peer.Server server = go.startServer(serverFlags)) {
            for (int i = 0; i < SESSIONS; i++) {
                List<String> args = new ArrayList<>(List.of("--remote", server.address(),
                        "--op", "upload", "--bytes", "" + BYTES, "--seed", "" + (i + 1),
                        "--timeout", "20"));
                args.addAll(flags);
                Peer.ClientRun run = java.runClient(args, Duration.ofSeconds(30));
                Matcher m = MS.matcher(run.result());
                ms[i] = m.find() ? Long.parseLong(m.group(1)) : -1;
                boolean ok = run.exitCode() == 0 && run.result().contains(" ok=true ");
                if (!ok || ms[i] > STALL_MS) {
                    stalled.add("session " + i + ": exit " + run.exitCode() + " " + run.result()
                            + " " + run.stderr().trim());
                }
            }
            long[] sorted = ms.clone();
            Arrays.sort(sorted);
            System.out.println("interop soak kcp-go: " + SESSIONS + " sessions, " + stalled.size()
                    + " stalled (kernel=" + Kernel.active() + ", median " + sorted[SESSIONS / 2]
                    + " ms, slowest " + sorted[SESSIONS - 1] + " ms)");
            assertEquals(List.of(), stalled, "server log: " + server.log().lines()
                    .filter(l -> l.contains("ok=false")).limit(10).toList());
        }
    }
}
