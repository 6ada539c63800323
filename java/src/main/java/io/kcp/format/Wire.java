package io.kcp.format;

/**
 * The sizes kcp-go's wire format fixes, in one place for every layer that needs them (the ARQ,
 * FEC, the datagram pipelines, the sockets, the configuration). docs/wire.md describes the
 * format.
 */
public final class Wire {

    /** A KCP segment header: conv, cmd, frg, wnd, ts, sn, una, len. */
    public static final int KCP_OVERHEAD = 24;
    /** kcp-go's mtuLimit: the longest datagram it sends or reads. */
    public static final int MAX_DATAGRAM = 1500;
    /** The crypto header: a 16-byte nonce and a CRC-32. */
    public static final int CRYPTO_HEADER = 20;
    /** The FEC header of a data shard: seqid, flag and size. */
    public static final int FEC_HEADER = 8;

    private Wire() {
    }
}
