package io.kcp.mux;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link MuxSession} behaves. Immutable; build one with {@link #builder()}. The names and
 * defaults are smux's (docs/mux.md): version 1, a keepalive NOP every 10 s, the session ends
 * after 30 s without a frame, frames of at most 32768 bytes, 4 MiB of received data buffered per
 * session and (version 2) a 64 KiB receive window per stream. Two limits are kcp-java's own:
 * at most 1024 streams wait for {@link MuxSession#acceptStream()} (smux's backlog) and at most
 * 65536 streams are open at once; a peer's SYN beyond either is refused.
 */
public final class MuxConfig {

    private final int version;
    private final boolean keepAliveEnabled;
    private final Duration keepAliveInterval;
    private final Duration keepAliveTimeout;
    private final int maxFrameSize;
    private final int maxReceiveBuffer;
    private final int maxStreamBuffer;
    private final int acceptBacklog;
    private final int maxStreams;

    private MuxConfig(Builder b) {
        version = b.version;
        keepAliveEnabled = b.keepAliveEnabled;
        keepAliveInterval = b.keepAliveInterval;
        keepAliveTimeout = b.keepAliveTimeout;
        maxFrameSize = b.maxFrameSize;
        maxReceiveBuffer = b.maxReceiveBuffer;
        maxStreamBuffer = b.maxStreamBuffer;
        acceptBacklog = b.acceptBacklog;
        maxStreams = b.maxStreams;
    }

    /** @return a builder with smux's defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return smux's defaults */
    public static MuxConfig defaults() {
        return builder().build();
    }

    /** @return a builder holding this configuration's values */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.version = version;
        b.keepAliveEnabled = keepAliveEnabled;
        b.keepAliveInterval = keepAliveInterval;
        b.keepAliveTimeout = keepAliveTimeout;
        b.maxFrameSize = maxFrameSize;
        b.maxReceiveBuffer = maxReceiveBuffer;
        b.maxStreamBuffer = maxStreamBuffer;
        b.acceptBacklog = acceptBacklog;
        b.maxStreams = maxStreams;
        return b;
    }

    /** @return the protocol version, 1 or 2; both ends must use the same */
    public int version() { return version; }
    /** @return true when NOPs are sent and a silent session times out */
    public boolean keepAliveEnabled() { return keepAliveEnabled; }
    /** @return how often a NOP is sent */
    public Duration keepAliveInterval() { return keepAliveInterval; }
    /** @return how long the session lives without receiving a frame */
    public Duration keepAliveTimeout() { return keepAliveTimeout; }
    /** @return the largest payload of one data frame this end sends */
    public int maxFrameSize() { return maxFrameSize; }
    /** @return received bytes the session buffers for all its streams before it stops reading */
    public int maxReceiveBuffer() { return maxReceiveBuffer; }
    /** @return version 2: the receive window announced for each stream */
    public int maxStreamBuffer() { return maxStreamBuffer; }
    /** @return how many streams the peer opened may wait for {@link MuxSession#acceptStream()} */
    public int acceptBacklog() { return acceptBacklog; }
    /** @return how many streams may be open at once, both directions together */
    public int maxStreams() { return maxStreams; }

    /**
     * The most a stream buffers on receipt: its window, or the window a version 2 peer assumes
     * before it hears ours, whichever is larger. Version 1 has no per-stream bound.
     */
    int streamReceiveLimit() {
        return Math.max(Frames.INITIAL_PEER_WINDOW, maxStreamBuffer);
    }

    @Override
    public String toString() {
        return "MuxConfig{version=" + version + ", keepAlive="
                + (keepAliveEnabled ? keepAliveInterval.toMillis() + "/" + keepAliveTimeout.toMillis() + " ms" : "off")
                + ", maxFrameSize=" + maxFrameSize + ", maxReceiveBuffer=" + maxReceiveBuffer
                + ", maxStreamBuffer=" + maxStreamBuffer + ", acceptBacklog=" + acceptBacklog
                + ", maxStreams=" + maxStreams + "}";
    }

    /** Collects and validates settings; {@link #build()} checks them together as smux does. */
    public static final class Builder {
        private int version = 1;
        private boolean keepAliveEnabled = true;
        private Duration keepAliveInterval = Duration.ofSeconds(10);
        private Duration keepAliveTimeout = Duration.ofSeconds(30);
        private int maxFrameSize = 32768;
        private int maxReceiveBuffer = 4194304;
        private int maxStreamBuffer = 65536;
        private int acceptBacklog = 1024;
        private int maxStreams = 65536;

        private Builder() {
        }

        /**
         * The protocol version.
         *
         * @param version 1 or 2
         * @return this builder
         */
        public Builder version(int version) {
            if (version != 1 && version != 2) {
                throw new IllegalArgumentException("smux version must be 1 or 2, got " + version);
            }
            this.version = version;
            return this;
        }

        /**
         * Send a NOP every {@code interval}; end the session after {@code timeout} without a frame.
         *
         * @param interval positive
         * @param timeout at least {@code interval}
         * @return this builder
         */
        public Builder keepAlive(Duration interval, Duration timeout) {
            Objects.requireNonNull(interval, "interval");
            Objects.requireNonNull(timeout, "timeout");
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("keepalive interval must be positive, got " + interval);
            }
            this.keepAliveEnabled = true;
            this.keepAliveInterval = interval;
            this.keepAliveTimeout = timeout;
            return this;
        }

        /**
         * No NOPs and no timeout (smux's KeepAliveDisabled).
         *
         * @return this builder
         */
        public Builder keepAliveDisabled() {
            this.keepAliveEnabled = false;
            return this;
        }

        /**
         * The largest payload of one data frame this end sends.
         *
         * @param bytes 1..65535
         * @return this builder
         */
        public Builder maxFrameSize(int bytes) {
            check("maxFrameSize", bytes, 1, 65535);
            this.maxFrameSize = bytes;
            return this;
        }

        /**
         * Received bytes buffered for all streams together.
         *
         * @param bytes 1..2^31-1
         * @return this builder
         */
        public Builder maxReceiveBuffer(int bytes) {
            check("maxReceiveBuffer", bytes, 1, Integer.MAX_VALUE);
            this.maxReceiveBuffer = bytes;
            return this;
        }

        /**
         * Version 2's per-stream receive window.
         *
         * @param bytes 1..2^31-1, and at most {@link #maxReceiveBuffer}
         * @return this builder
         */
        public Builder maxStreamBuffer(int bytes) {
            check("maxStreamBuffer", bytes, 1, Integer.MAX_VALUE);
            this.maxStreamBuffer = bytes;
            return this;
        }

        /**
         * Streams the peer opened that may wait to be accepted.
         *
         * @param streams 1..65536
         * @return this builder
         */
        public Builder acceptBacklog(int streams) {
            check("acceptBacklog", streams, 1, 65536);
            this.acceptBacklog = streams;
            return this;
        }

        /**
         * Streams open at once.
         *
         * @param streams 1..2^24
         * @return this builder
         */
        public Builder maxStreams(int streams) {
            check("maxStreams", streams, 1, 1 << 24);
            this.maxStreams = streams;
            return this;
        }

        /**
         * The configuration, checked as a whole.
         *
         * @return the immutable configuration
         * @throws IllegalArgumentException where smux's VerifyConfig would refuse
         */
        public MuxConfig build() {
            if (keepAliveEnabled && keepAliveTimeout.compareTo(keepAliveInterval) < 0) {
                throw new IllegalArgumentException("keepalive timeout (" + keepAliveTimeout
                        + ") must not be shorter than the keepalive interval (" + keepAliveInterval + ")");
            }
            if (maxStreamBuffer > maxReceiveBuffer) {
                throw new IllegalArgumentException("maxStreamBuffer (" + maxStreamBuffer
                        + ") must not exceed maxReceiveBuffer (" + maxReceiveBuffer + ")");
            }
            return new MuxConfig(this);
        }

        private static void check(String name, int v, int min, int max) {
            if (v < min || v > max) {
                throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], got " + v);
            }
        }
    }
}
