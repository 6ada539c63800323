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

    public static Builder builder() {
        return new Builder();
    }

    /** smux's defaults. */
    public static MuxConfig defaults() {
        return builder().build();
    }

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

    /** The protocol version, 1 or 2; both ends must use the same. */
    public int version() { return version; }
    public boolean keepAliveEnabled() { return keepAliveEnabled; }
    /** How often a NOP is sent. */
    public Duration keepAliveInterval() { return keepAliveInterval; }
    /** How long the session lives without receiving a frame. */
    public Duration keepAliveTimeout() { return keepAliveTimeout; }
    /** The largest payload of one data frame this end sends. */
    public int maxFrameSize() { return maxFrameSize; }
    /** Received bytes the session buffers for all its streams together before it stops reading. */
    public int maxReceiveBuffer() { return maxReceiveBuffer; }
    /** Version 2: the receive window announced for each stream. */
    public int maxStreamBuffer() { return maxStreamBuffer; }
    /** Streams the peer opened that may wait for {@link MuxSession#acceptStream()}. */
    public int acceptBacklog() { return acceptBacklog; }
    /** Streams open at once, both directions together. */
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

        /** 1 or 2. */
        public Builder version(int version) {
            if (version != 1 && version != 2) {
                throw new IllegalArgumentException("smux version must be 1 or 2, got " + version);
            }
            this.version = version;
            return this;
        }

        /** Send a NOP every {@code interval}; end the session after {@code timeout} without a frame. */
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

        /** No NOPs and no timeout (smux's KeepAliveDisabled). */
        public Builder keepAliveDisabled() {
            this.keepAliveEnabled = false;
            return this;
        }

        /** 1..65535. */
        public Builder maxFrameSize(int bytes) {
            check("maxFrameSize", bytes, 1, 65535);
            this.maxFrameSize = bytes;
            return this;
        }

        /** 1..2^31-1. */
        public Builder maxReceiveBuffer(int bytes) {
            check("maxReceiveBuffer", bytes, 1, Integer.MAX_VALUE);
            this.maxReceiveBuffer = bytes;
            return this;
        }

        /** 1..2^31-1, and at most {@link #maxReceiveBuffer}. */
        public Builder maxStreamBuffer(int bytes) {
            check("maxStreamBuffer", bytes, 1, Integer.MAX_VALUE);
            this.maxStreamBuffer = bytes;
            return this;
        }

        /** 1..65536. */
        public Builder acceptBacklog(int streams) {
            check("acceptBacklog", streams, 1, 65536);
            this.acceptBacklog = streams;
            return this;
        }

        /** 1..2^24. */
        public Builder maxStreams(int streams) {
            check("maxStreams", streams, 1, 1 << 24);
            this.maxStreams = streams;
            return this;
        }

        /** @throws IllegalArgumentException where smux's VerifyConfig would refuse */
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
