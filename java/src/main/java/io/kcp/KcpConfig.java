package io.kcp;

import io.kcp.crypto.CipherKind;
import io.kcp.crypto.PacketCipher;
import io.kcp.crypto.PacketCiphers;
import io.kcp.kernel.Kernel;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * Everything a session or listener is set up with. Immutable; build one with {@link #builder()}.
 *
 * <p>Defaults: no encryption ({@code null}, as kcp-go with a nil BlockCrypt), no FEC, kcptun's
 * {@code fast} mode, windows 128 (send) and 512 (receive), MTU 1400, message mode, 4 MiB socket
 * buffers, an idle timeout of {@link #DEFAULT_ACCEPTED_IDLE_TIMEOUT} for sessions a listener
 * accepts and none for dialed ones, the JVM's kernel. Both ends must agree on the cipher, the key and
 * the FEC shape (a decoder is created lazily if the peer sends FEC unasked, as kcp-go does).
 */
public final class KcpConfig {

    /**
     * How long a session a listener accepted may receive nothing before it ends, unless
     * {@link Builder#idleTimeout} says otherwise: a server must not keep every silent client.
     */
    public static final Duration DEFAULT_ACCEPTED_IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** kcp-go's accept backlog. */
    public static final int DEFAULT_BACKLOG = 128;
    /** kcp-go's mtuLimit: the largest datagram it handles. */
    public static final int MAX_MTU = 1500;
    /** The smallest MTU the ARQ accepts. */
    public static final int MIN_MTU = 50;

    private final String crypt;
    private final byte[] key;
    private final int dataShards;
    private final int parityShards;
    private final int nodelay;
    private final int interval;
    private final int resend;
    private final int nc;
    private final int sndWnd;
    private final int rcvWnd;
    private final int mtu;
    private final boolean streamMode;
    private final boolean ackNoDelay;
    private final boolean writeDelay;
    private final int dup;
    private final int dscp;
    private final int readBufferBytes;
    private final int writeBufferBytes;
    private final Duration idleTimeout;
    private final KernelChoice kernel;
    private final int backlog;
    private final int maxSessions;

    private KcpConfig(Builder b) {
        crypt = b.crypt;
        key = b.key;
        dataShards = b.dataShards;
        parityShards = b.parityShards;
        nodelay = b.nodelay;
        interval = b.interval;
        resend = b.resend;
        nc = b.nc;
        sndWnd = b.sndWnd;
        rcvWnd = b.rcvWnd;
        mtu = b.mtu;
        streamMode = b.streamMode;
        ackNoDelay = b.ackNoDelay;
        writeDelay = b.writeDelay;
        dup = b.dup;
        dscp = b.dscp;
        readBufferBytes = b.readBufferBytes;
        writeBufferBytes = b.writeBufferBytes;
        idleTimeout = b.idleTimeout;
        kernel = b.kernel;
        backlog = b.backlog;
        maxSessions = b.maxSessions;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.crypt = crypt;
        b.key = key;
        b.dataShards = dataShards;
        b.parityShards = parityShards;
        b.nodelay = nodelay;
        b.interval = interval;
        b.resend = resend;
        b.nc = nc;
        b.sndWnd = sndWnd;
        b.rcvWnd = rcvWnd;
        b.mtu = mtu;
        b.streamMode = streamMode;
        b.ackNoDelay = ackNoDelay;
        b.writeDelay = writeDelay;
        b.dup = dup;
        b.dscp = dscp;
        b.readBufferBytes = readBufferBytes;
        b.writeBufferBytes = writeBufferBytes;
        b.idleTimeout = idleTimeout;
        b.kernel = kernel;
        b.backlog = backlog;
        b.maxSessions = maxSessions;
        return b;
    }

    /** kcptun's cipher name ({@code null} means no crypto header at all). */
    public String crypt() { return crypt; }
    public int dataShards() { return dataShards; }
    public int parityShards() { return parityShards; }
    /** True when FEC is on: both shard counts above zero, as in kcp-go. */
    public boolean fecEnabled() { return dataShards > 0 && parityShards > 0; }
    public int nodelay() { return nodelay; }
    public int interval() { return interval; }
    public int resend() { return resend; }
    public int nc() { return nc; }
    public int sendWindow() { return sndWnd; }
    public int receiveWindow() { return rcvWnd; }
    public int mtu() { return mtu; }
    public boolean streamMode() { return streamMode; }
    public boolean ackNoDelay() { return ackNoDelay; }
    public boolean writeDelay() { return writeDelay; }
    public int dup() { return dup; }
    public int dscp() { return dscp; }
    /** SO_RCVBUF to ask for, or 0 for the OS default. */
    public int readBufferBytes() { return readBufferBytes; }
    /** SO_SNDBUF to ask for, or 0 for the OS default. */
    public int writeBufferBytes() { return writeBufferBytes; }
    /**
     * How long a dialed session may receive nothing before it ends; {@link Duration#ZERO} =
     * never (the default).
     */
    public Duration idleTimeout() { return idleTimeout == null ? Duration.ZERO : idleTimeout; }
    /**
     * How long a session a listener accepted may receive nothing before it ends;
     * {@link Duration#ZERO} = never. {@link #DEFAULT_ACCEPTED_IDLE_TIMEOUT} unless set.
     */
    public Duration acceptedIdleTimeout() {
        return idleTimeout == null ? DEFAULT_ACCEPTED_IDLE_TIMEOUT : idleTimeout;
    }
    public KernelChoice kernelChoice() { return kernel; }
    /** Sessions a listener holds ready for {@code accept()}; new peers are dropped while full. */
    public int backlog() { return backlog; }
    /** Live sessions a listener allows; datagrams from further new peers are dropped. */
    public int maxSessions() { return maxSessions; }

    /** A new cipher instance for this configuration (ciphers are per thread). */
    public PacketCipher newCipher() {
        return PacketCiphers.create(crypt, key);
    }

    /** The kernel this configuration runs on. */
    public Kernel kernel() {
        switch (kernel) {
            case NATIVE: return Kernel.NATIVE;
            case JAVA: return Kernel.JAVA;
            default: return Kernel.active();
        }
    }

    @Override
    public String toString() {
        return "KcpConfig{crypt=" + crypt + ", fec=" + dataShards + "/" + parityShards
                + ", nodelay=" + nodelay + "," + interval + "," + resend + "," + nc
                + ", wnd=" + sndWnd + "/" + rcvWnd + ", mtu=" + mtu + ", stream=" + streamMode
                + ", ackNoDelay=" + ackNoDelay + ", writeDelay=" + writeDelay + ", dup=" + dup
                + ", kernel=" + kernel + "}";
    }

    /** Collects and validates settings; every setter rejects values outside its range. */
    public static final class Builder {
        private String crypt = "null";
        private byte[] key = null;
        private int dataShards;
        private int parityShards;
        private int nodelay = KcpMode.FAST.nodelay;
        private int interval = KcpMode.FAST.interval;
        private int resend = KcpMode.FAST.resend;
        private int nc = KcpMode.FAST.nc;
        private int sndWnd = 128;
        private int rcvWnd = 512;
        private int mtu = 1400;
        private boolean streamMode;
        private boolean ackNoDelay;
        private boolean writeDelay;
        private int dup;
        private int dscp;
        private int readBufferBytes = 4 << 20;
        private int writeBufferBytes = 4 << 20;
        private Duration idleTimeout; // null: the defaults of each side
        private KernelChoice kernel = KernelChoice.AUTO;
        private int backlog = DEFAULT_BACKLOG;
        private int maxSessions = 65536;

        private Builder() {
        }

        /**
         * A kcptun cipher keyed as kcptun does: {@code PBKDF2-HMAC-SHA1(password, "kcp-go",
         * 4096, 32)} cut to the cipher's key length.
         *
         * @throws IllegalArgumentException for an unknown name (the message lists the valid ones)
         */
        public Builder crypt(String name, String password) {
            Objects.requireNonNull(password, "password");
            CipherKind kind = CipherKind.of(name);
            byte[] k = kind.kcptunKeyLength() == 0 ? null
                    : Arrays.copyOf(PacketCiphers.kcptunKey(password), kind.kcptunKeyLength());
            kind.create(k); // fail now, not at the first session
            this.crypt = name;
            this.key = k;
            return this;
        }

        /**
         * A cipher with a raw key, as kcp-go's {@code New...BlockCrypt(key)}.
         *
         * @throws IllegalArgumentException for an unknown name or a key of the wrong length
         */
        public Builder cryptWithKey(String name, byte[] rawKey) {
            byte[] k = rawKey == null ? null : rawKey.clone();
            CipherKind.of(name).create(k);
            this.crypt = name;
            this.key = k;
            return this;
        }

        /** FEC shape: both 0 (off) or {@code dataShards >= 1, parityShards >= 1}, sum at most 256. */
        public Builder fec(int dataShards, int parityShards) {
            boolean off = dataShards == 0 && parityShards == 0;
            if (!off && (dataShards < 1 || parityShards < 1 || dataShards + parityShards > 256)) {
                throw new IllegalArgumentException("FEC shards must be 0/0 (off) or data >= 1 and"
                        + " parity >= 1 with data + parity <= 256, got " + dataShards + "/"
                        + parityShards);
            }
            this.dataShards = dataShards;
            this.parityShards = parityShards;
            return this;
        }

        /** One of kcptun's presets for nodelay/interval/resend/nc. */
        public Builder mode(KcpMode mode) {
            return noDelay(mode.nodelay, mode.interval, mode.resend, mode.nc);
        }

        /**
         * The ARQ's tuning, as {@code ikcp_nodelay}: nodelay 0..2, interval 10..5000 ms,
         * resend (fast-retransmit threshold, 0 = off) 0..65535, nc (no congestion control) 0..1.
         */
        public Builder noDelay(int nodelay, int interval, int resend, int nc) {
            check("nodelay", nodelay, 0, 2);
            check("interval", interval, 10, 5000);
            check("resend", resend, 0, 65535);
            check("nc", nc, 0, 1);
            this.nodelay = nodelay;
            this.interval = interval;
            this.resend = resend;
            this.nc = nc;
            return this;
        }

        /** Send and receive windows in segments, each 1..65535. */
        public Builder windows(int sndWnd, int rcvWnd) {
            check("sndwnd", sndWnd, 1, 65535);
            check("rcvwnd", rcvWnd, 1, 65535);
            this.sndWnd = sndWnd;
            this.rcvWnd = rcvWnd;
            return this;
        }

        /** Largest UDP payload, headers included: 50..1500 (kcp-go's limit). */
        public Builder mtu(int mtu) {
            check("mtu", mtu, MIN_MTU, MAX_MTU);
            this.mtu = mtu;
            return this;
        }

        /** Stream mode merges writes into full segments; message mode keeps each write apart. */
        public Builder streamMode(boolean on) { this.streamMode = on; return this; }

        /** Send ACKs as soon as a datagram is processed instead of at the next flush. */
        public Builder ackNoDelay(boolean on) { this.ackNoDelay = on; return this; }

        /** Let writes wait for the next scheduled flush (fewer, fuller datagrams). */
        public Builder writeDelay(boolean on) { this.writeDelay = on; return this; }

        /** Send every data datagram this many extra times (0..16; kcp-go's deprecated SetDUP). */
        public Builder dup(int dup) {
            check("dup", dup, 0, 16);
            this.dup = dup;
            return this;
        }

        /** DSCP code point for outgoing datagrams, 0..63 (0 leaves the socket alone). */
        public Builder dscp(int dscp) {
            check("dscp", dscp, 0, 63);
            this.dscp = dscp;
            return this;
        }

        /** SO_RCVBUF and SO_SNDBUF in bytes, 0 (OS default) or 1 KiB..1 GiB. */
        public Builder socketBuffers(int readBytes, int writeBytes) {
            checkBuffer("read buffer", readBytes);
            checkBuffer("write buffer", writeBytes);
            this.readBufferBytes = readBytes;
            this.writeBufferBytes = writeBytes;
            return this;
        }

        /**
         * End a session, dialed or accepted, that receives nothing for this long; zero means
         * never. Unset, accepted sessions use {@link #DEFAULT_ACCEPTED_IDLE_TIMEOUT} and dialed
         * ones never time out.
         */
        public Builder idleTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("idle timeout must be >= 0, got " + timeout);
            }
            this.idleTimeout = timeout;
            return this;
        }

        public Builder kernel(KernelChoice kernel) {
            this.kernel = Objects.requireNonNull(kernel, "kernel");
            return this;
        }

        /** Listener accept backlog, 1..65536 (kcp-go: 128). */
        public Builder backlog(int backlog) {
            check("backlog", backlog, 1, 65536);
            this.backlog = backlog;
            return this;
        }

        /** Most live sessions one listener keeps, 1..16777216. */
        public Builder maxSessions(int max) {
            check("maxSessions", max, 1, 1 << 24);
            this.maxSessions = max;
            return this;
        }

        /**
         * @throws IllegalArgumentException if the MTU leaves no room for data after the KCP,
         *     FEC and crypto headers
         */
        public KcpConfig build() {
            int headers = 24 + ("null".equals(crypt) ? 0 : 20)
                    + (dataShards > 0 && parityShards > 0 ? 8 : 0);
            if (mtu <= headers) {
                throw new IllegalArgumentException("mtu " + mtu + " leaves no room for data after "
                        + headers + " bytes of headers");
            }
            return new KcpConfig(this);
        }

        private static void check(String name, int v, int min, int max) {
            if (v < min || v > max) {
                throw new IllegalArgumentException(name + " must be in [" + min + ", " + max
                        + "], got " + v);
            }
        }

        private static void checkBuffer(String name, int v) {
            if (v != 0 && (v < 1024 || v > (1 << 30))) {
                throw new IllegalArgumentException(name + " must be 0 (OS default) or in [1024, "
                        + (1 << 30) + "], got " + v);
            }
        }
    }
}
