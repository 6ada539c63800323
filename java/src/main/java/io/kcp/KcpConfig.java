package io.kcp;

import io.kcp.format.Wire;
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
 * {@code fast} mode, windows 128 (send) and 512 (receive), MTU 1400, message mode, ACK clocking
 * on, 4 MiB socket buffers, an idle timeout of {@link #DEFAULT_ACCEPTED_IDLE_TIMEOUT} for
 * sessions a listener accepts and none for dialed ones, the JVM's kernel. Both ends must agree on
 * the cipher, the key and the FEC shape (a decoder is created lazily if the peer sends FEC
 * unasked, as kcp-go does).
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
    public static final int MAX_MTU = Wire.MAX_DATAGRAM;
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
    private final boolean ackClocking;
    private final boolean writeDelay;
    private final int dup;
    private final int dscp;
    private final int readBufferBytes;
    private final int writeBufferBytes;
    private final Duration idleTimeout;
    private final KernelChoice kernel;
    private final int backlog;
    private final int maxSessions;
    private final int receiveLoops;

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
        ackClocking = b.ackClocking;
        writeDelay = b.writeDelay;
        dup = b.dup;
        dscp = b.dscp;
        readBufferBytes = b.readBufferBytes;
        writeBufferBytes = b.writeBufferBytes;
        idleTimeout = b.idleTimeout;
        kernel = b.kernel;
        backlog = b.backlog;
        maxSessions = b.maxSessions;
        receiveLoops = b.receiveLoops;
    }

    /**
     * A builder with the defaults described above.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding this configuration's values, to derive a changed copy.
     *
     * @return a new builder
     */
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
        b.ackClocking = ackClocking;
        b.writeDelay = writeDelay;
        b.dup = dup;
        b.dscp = dscp;
        b.readBufferBytes = readBufferBytes;
        b.writeBufferBytes = writeBufferBytes;
        b.idleTimeout = idleTimeout;
        b.kernel = kernel;
        b.backlog = backlog;
        b.maxSessions = maxSessions;
        b.receiveLoops = receiveLoops;
        return b;
    }

    /** @return kcptun's cipher name; {@code "null"} means no crypto header at all */
    public String crypt() { return crypt; }

    /** @return FEC data shards per group (0 with FEC off) */
    public int dataShards() { return dataShards; }

    /** @return FEC parity shards per group (0 with FEC off) */
    public int parityShards() { return parityShards; }

    /** @return true when FEC is on: both shard counts above zero, as in kcp-go */
    public boolean fecEnabled() { return dataShards > 0 && parityShards > 0; }

    /** @return kcp-go's nodelay setting: 0 off, 1 on, 2 on with a lower minimum RTO */
    public int nodelay() { return nodelay; }

    /** @return the ARQ's flush interval in milliseconds */
    public int interval() { return interval; }

    /** @return the fast-retransmit threshold in duplicate ACKs; 0 = off */
    public int resend() { return resend; }

    /** @return 1 when congestion control is off, 0 when on */
    public int nc() { return nc; }

    /** @return the send window in segments */
    public int sendWindow() { return sndWnd; }

    /** @return the receive window in segments */
    public int receiveWindow() { return rcvWnd; }

    /** @return the largest datagram in bytes, headers included */
    public int mtu() { return mtu; }

    /** @return true for stream mode (writes merged into full segments), false for messages */
    public boolean streamMode() { return streamMode; }

    /** @return true when ACKs are sent as soon as a datagram is processed */
    public boolean ackNoDelay() { return ackNoDelay; }

    /**
     * Whether a received datagram that leaves a datagram's worth of ACKs pending sends them at
     * once (see {@link Builder#ackClocking}).
     *
     * @return true with ACK clocking on (the default), false for kcp-go 5.6.1's timing
     */
    public boolean ackClocking() { return ackClocking; }

    /** @return true when a write waits for the next flush instead of flushing at once */
    public boolean writeDelay() { return writeDelay; }

    /** @return how many extra copies of each data datagram are sent (kcp-go's SetDUP) */
    public int dup() { return dup; }

    /** @return the DSCP code point (0..63) of the sockets kcp-java opens */
    public int dscp() { return dscp; }

    /** @return SO_RCVBUF to ask for, or 0 for the OS default */
    public int readBufferBytes() { return readBufferBytes; }

    /** @return SO_SNDBUF to ask for, or 0 for the OS default */
    public int writeBufferBytes() { return writeBufferBytes; }

    /**
     * How long a dialed session may receive nothing before it ends.
     *
     * @return the timeout; {@link Duration#ZERO} (the default) means never
     */
    public Duration idleTimeout() { return idleTimeout == null ? Duration.ZERO : idleTimeout; }

    /**
     * How long a session a listener accepted may receive nothing before it ends.
     *
     * @return the timeout ({@link #DEFAULT_ACCEPTED_IDLE_TIMEOUT} unless set);
     *     {@link Duration#ZERO} means never
     */
    public Duration acceptedIdleTimeout() {
        return idleTimeout == null ? DEFAULT_ACCEPTED_IDLE_TIMEOUT : idleTimeout;
    }

    /** @return the kernel asked for; see {@link #kernelInUse()} for the one it resolves to */
    public KernelChoice kernelChoice() { return kernel; }

    /** @return how many sessions a listener holds ready for {@code accept()} */
    public int backlog() { return backlog; }

    /** @return how many live sessions a listener allows */
    public int maxSessions() { return maxSessions; }

    /** @return how many sockets and receive threads a listener opened by {@code Kcp.listen} uses */
    public int receiveLoops() { return receiveLoops; }

    /** A new cipher instance for this configuration (ciphers are per thread). */
    PacketCipher newCipher() {
        return PacketCiphers.create(crypt, key);
    }

    /** The kernel sessions of this configuration run on (AUTO resolved). */
    Kernel kernel() {
        switch (kernel) {
            case NATIVE: return Kernel.NATIVE;
            case JAVA: return Kernel.JAVA;
            default: return Kernel.active();
        }
    }

    /**
     * The kernel sessions of this configuration run on: {@link KernelChoice#NATIVE} or
     * {@link KernelChoice#JAVA}, never {@code AUTO} (which resolves to the JVM's choice, see
     * {@link Kcp#kernel()}).
     *
     * @return the kernel in use
     * @throws UnsatisfiedLinkError if this configuration asks for the native kernel and it cannot
     *     be loaded
     */
    public KernelChoice kernelInUse() {
        return kernel() == Kernel.NATIVE ? KernelChoice.NATIVE : KernelChoice.JAVA;
    }

    @Override
    public String toString() {
        return "KcpConfig{crypt=" + crypt + ", fec=" + dataShards + "/" + parityShards
                + ", nodelay=" + nodelay + "," + interval + "," + resend + "," + nc
                + ", wnd=" + sndWnd + "/" + rcvWnd + ", mtu=" + mtu + ", stream=" + streamMode
                + ", ackNoDelay=" + ackNoDelay + ", ackClocking=" + ackClocking
                + ", writeDelay=" + writeDelay + ", dup=" + dup
                + ", kernel=" + kernelForDisplay() + "}";
    }

    /** The kernel in use, never AUTO; a native kernel that cannot load says so instead of throwing. */
    private String kernelForDisplay() {
        try {
            return kernelInUse().name();
        } catch (UnsatisfiedLinkError e) {
            return kernel + " (unavailable)";
        }
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
        private boolean ackClocking = true;
        private boolean writeDelay;
        private int dup;
        private int dscp;
        private int readBufferBytes = 4 << 20;
        private int writeBufferBytes = 4 << 20;
        private Duration idleTimeout; // null: the defaults of each side
        private KernelChoice kernel = KernelChoice.AUTO;
        private int backlog = DEFAULT_BACKLOG;
        private int maxSessions = 65536;
        private int receiveLoops = 1;

        private Builder() {
        }

        /**
         * A kcptun cipher keyed as kcptun does: {@code PBKDF2-HMAC-SHA1(password, "kcp-go",
         * 4096, 32)} cut to the cipher's key length.
         *
         * @param name the cipher: aes, aes-128, aes-192, salsa20, blowfish, twofish, cast5, 3des,
         *     tea, xtea, xor, sm4, none or null (salsa20, twofish, cast5, xtea and sm4 need
         *     BouncyCastle on the class path)
         * @param password the shared secret
         * @return this builder
         * @throws IllegalArgumentException for an unknown name (the message lists the valid ones)
         * @throws IllegalStateException for a cipher whose optional library is missing (the
         *     message names it)
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
         * @param name the cipher, as for {@link #crypt(String, String)}
         * @param rawKey the key (copied); null only for none and null
         * @return this builder
         * @throws IllegalArgumentException for an unknown name or a key of the wrong length
         */
        public Builder cryptWithKey(String name, byte[] rawKey) {
            byte[] k = rawKey == null ? null : rawKey.clone();
            CipherKind.of(name).create(k);
            this.crypt = name;
            this.key = k;
            return this;
        }

        /**
         * The FEC shape: Reed-Solomon parity after every {@code dataShards} datagrams. As in
         * kcp-go and kcptun, FEC is on only when both counts are positive: a zero in either
         * turns it off.
         *
         * @param dataShards 0 or more
         * @param parityShards 0 or more; with both positive, data + parity at most 256
         * @return this builder
         */
        public Builder fec(int dataShards, int parityShards) {
            if (dataShards < 0 || parityShards < 0
                    || (dataShards > 0 && parityShards > 0 && dataShards + parityShards > 256)) {
                throw new IllegalArgumentException("FEC shards must be >= 0, and data + parity"
                        + " <= 256 when both are positive (a zero turns FEC off), got "
                        + dataShards + "/" + parityShards);
            }
            boolean on = dataShards > 0 && parityShards > 0;
            this.dataShards = on ? dataShards : 0;
            this.parityShards = on ? parityShards : 0;
            return this;
        }

        /**
         * One of kcptun's presets for nodelay/interval/resend/nc.
         *
         * @param mode the preset
         * @return this builder
         */
        public Builder mode(KcpMode mode) {
            return noDelay(mode.nodelay, mode.interval, mode.resend, mode.nc);
        }

        /**
         * The ARQ's tuning, as {@code ikcp_nodelay}: nodelay 0..2, interval 10..5000 ms,
         * resend (fast-retransmit threshold, 0 = off) 0..65535, nc (no congestion control) 0..1.
         *
         * @param nodelay 0..2
         * @param interval the flush interval, 10..5000 ms
         * @param resend the fast-retransmit threshold, 0..65535
         * @param nc 0 or 1
         * @return this builder
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

        /**
         * Send and receive windows in segments.
         *
         * @param sndWnd 1..65535
         * @param rcvWnd 1..65535
         * @return this builder
         */
        public Builder windows(int sndWnd, int rcvWnd) {
            check("sndwnd", sndWnd, 1, 65535);
            check("rcvwnd", rcvWnd, 1, 65535);
            this.sndWnd = sndWnd;
            this.rcvWnd = rcvWnd;
            return this;
        }

        /**
         * The largest UDP payload, headers included.
         *
         * @param mtu 50..1500 (kcp-go's limit)
         * @return this builder
         */
        public Builder mtu(int mtu) {
            check("mtu", mtu, MIN_MTU, MAX_MTU);
            this.mtu = mtu;
            return this;
        }

        /**
         * Stream mode merges writes into full segments; message mode keeps each write apart.
         *
         * @param on true for stream mode
         * @return this builder
         */
        public Builder streamMode(boolean on) { this.streamMode = on; return this; }

        /**
         * Send ACKs as soon as a datagram is processed instead of at the next flush.
         *
         * @param on true to send them at once
         * @return this builder
         */
        public Builder ackNoDelay(boolean on) { this.ackNoDelay = on; return this; }

        /**
         * ACK clocking, on by default: when a received datagram leaves at least as many ACKs
         * pending as one datagram holds ({@code (mtu - headers) / 24}, 58 at MTU 1400 without
         * cipher or FEC), they are sent at once instead of at the next flush, as later kcp-go
         * releases do. Without it a receiver acknowledges at most once per interval, which caps
         * a transfer near {@code window * mss / interval} however fast the path is. Either
         * setting talks to any kcp-go peer; {@code false} keeps kcp-go 5.6.1's timing exactly.
         * With {@link #ackNoDelay} on, every datagram's ACKs leave at once anyway.
         *
         * @param on false for kcp-go 5.6.1's timing (ACKs only at a flush)
         * @return this builder
         */
        public Builder ackClocking(boolean on) { this.ackClocking = on; return this; }

        /**
         * Let writes wait for the next scheduled flush (fewer, fuller datagrams).
         *
         * @param on true to delay
         * @return this builder
         */
        public Builder writeDelay(boolean on) { this.writeDelay = on; return this; }

        /**
         * Send every data datagram this many extra times (kcp-go's deprecated SetDUP).
         *
         * @param dup 0..16
         * @return this builder
         */
        public Builder dup(int dup) {
            check("dup", dup, 0, 16);
            this.dup = dup;
            return this;
        }

        /**
         * The DSCP code point of outgoing datagrams, on sockets kcp-java opens.
         *
         * @param dscp 0..63; 0 leaves the socket alone
         * @return this builder
         */
        public Builder dscp(int dscp) {
            check("dscp", dscp, 0, 63);
            this.dscp = dscp;
            return this;
        }

        /**
         * SO_RCVBUF and SO_SNDBUF of sockets kcp-java opens (the OS may grant less).
         *
         * @param readBytes 0 (the OS default) or 1 KiB..1 GiB
         * @param writeBytes 0 (the OS default) or 1 KiB..1 GiB
         * @return this builder
         */
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
         *
         * @param timeout zero or more
         * @return this builder
         */
        public Builder idleTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("idle timeout must be >= 0, got " + timeout);
            }
            this.idleTimeout = timeout;
            return this;
        }

        /**
         * Which kernel sessions run on; {@link KernelChoice#AUTO} (the default) leaves it to the
         * JVM, see {@link Kcp#kernel()}.
         *
         * @param kernel the choice
         * @return this builder
         */
        public Builder kernel(KernelChoice kernel) {
            this.kernel = Objects.requireNonNull(kernel, "kernel");
            return this;
        }

        /**
         * How many sessions a listener holds ready for {@code accept()}.
         *
         * @param backlog 1..65536 (kcp-go: 128)
         * @return this builder
         */
        public Builder backlog(int backlog) {
            check("backlog", backlog, 1, 65536);
            this.backlog = backlog;
            return this;
        }

        /**
         * How many live sessions one listener keeps at most.
         *
         * @param max 1..16777216
         * @return this builder
         */
        public Builder maxSessions(int max) {
            check("maxSessions", max, 1, 1 << 24);
            this.maxSessions = max;
            return this;
        }

        /**
         * How many receive threads a listener that {@code Kcp.listen} opens spreads its peers
         * over. With more than one, the listener opens that many sockets on its port as one
         * {@code SO_REUSEPORT} group (Linux), the kernel hashes each peer's address to one of
         * them, and each socket has its own thread that decrypts, demultiplexes and feeds the
         * sessions of its peers: more cores for many peers, none for one. A peer stays on its
         * socket, and its session answers from it. Any other program of the same user could
         * join the group by binding the port with {@code SO_REUSEPORT} too and take a share of
         * the peers; use it on hosts you control. {@code Kcp.serve} uses the one channel given.
         *
         * @param loops 1..64 (default 1: one socket, one thread)
         * @return this builder
         */
        public Builder receiveLoops(int loops) {
            check("receiveLoops", loops, 1, 64);
            this.receiveLoops = loops;
            return this;
        }

        /**
         * The configuration, checked as a whole.
         *
         * @return the immutable configuration
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
