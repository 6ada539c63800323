package io.kcp.interop;

import java.time.Duration;
import java.util.List;

/**
 * One implementation of the request protocol (conformance/peer/PROTOCOL.md) driven by the
 * same command-line flags: kcp-java's {@code kcp} commands or the kcp-go peer.
 */
interface Peer {

    String name();

    /** Starts a server with these flags (after {@code --listen 127.0.0.1:0}); returns once it listens. */
    Server startServer(List<String> flags) throws Exception;

    /** Runs one client request with these flags; waits at most {@code limit}. */
    ClientRun runClient(List<String> flags, Duration limit) throws Exception;

    /** A running server. */
    interface Server extends AutoCloseable {
        /** {@code host:port} it listens on. */
        String address();

        /** Everything it wrote to stderr so far (SESSION lines among it). */
        String log();

        /** Stops it. */
        @Override
        void close() throws Exception;
    }

    /** How a client run ended. */
    record ClientRun(int exitCode, String stdout, String stderr) {
        /** The RESULT line, or "" if there is none. */
        String result() {
            String last = "";
            for (String line : stdout.split("\\R")) {
                if (line.startsWith("RESULT ")) last = line;
            }
            return last;
        }
    }
}
