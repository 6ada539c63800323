package io.kcp;

import io.kcp.wire.Counter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * kcp-go 5.6.1's Snmp counters, in the order of its {@code Snmp.Header()}, each with the name
 * kcp-go prints for it, followed by kcp-java's own ({@link #OUT_ERRS}), so a kcp-go header is a
 * prefix of ours. All count upwards except {@link #CURR_ESTAB} (a gauge) and {@link #MAX_CONN}
 * (its high-water mark).
 */
public enum SnmpCounter {
    /** Bytes the application wrote. */
    BYTES_SENT("BytesSent"),
    /** Bytes the application read. */
    BYTES_RECEIVED("BytesReceived"),
    /** The highest {@link #CURR_ESTAB} ever reached. */
    MAX_CONN("MaxConn"),
    /** Sessions opened by dialing. */
    ACTIVE_OPENS("ActiveOpens"),
    /** Sessions accepted by a listener. */
    PASSIVE_OPENS("PassiveOpens"),
    /** Sessions open now. */
    CURR_ESTAB("CurrEstab"),
    /** Datagrams dropped as unusable: socket read errors, a foreign source address, a malformed
     * FEC packet, and (here, not in kcp-go, which drops them silently) datagrams too short to
     * hold their headers and one KCP segment. */
    IN_ERRS("InErrs"),
    /** Datagrams whose CRC32 did not match after decryption (wrong key, corruption, forgery). */
    IN_CSUM_ERRORS("InCsumErrors"),
    /** KCP packets the ARQ rejected (its input returned non-zero). */
    KCP_IN_ERRORS("KCPInErrors"),
    /** Datagrams that passed the CRC and reached the FEC/KCP layer. */
    IN_PKTS("InPkts"),
    /** Datagrams sent, parity and duplicates included. */
    OUT_PKTS("OutPkts"),
    /** KCP segments the ARQ took in. */
    IN_SEGS("InSegs"),
    /** KCP segments the ARQ encoded (ACKs and window probes included). */
    OUT_SEGS("OutSegs"),
    /** Bytes of the datagrams counted in {@link #IN_PKTS}, after the crypto header. */
    IN_BYTES("InBytes"),
    /** Bytes of the datagrams counted in {@link #OUT_PKTS}, as on the wire. */
    OUT_BYTES("OutBytes"),
    /** Segments retransmitted for any reason. */
    RETRANS_SEGS("RetransSegs"),
    /** Segments retransmitted because enough later segments were acknowledged. */
    FAST_RETRANS_SEGS("FastRetransSegs"),
    /** Segments retransmitted early (kcp-go's rule when nothing new was sent). */
    EARLY_RETRANS_SEGS("EarlyRetransSegs"),
    /** Segments retransmitted because their RTO expired. */
    LOST_SEGS("LostSegs"),
    /** Received data segments that were duplicates or out of the window. */
    REPEAT_SEGS("RepeatSegs"),
    /** FEC parity shards received. */
    FEC_PARITY_SHARDS("FECParityShards"),
    /** Rebuilt data shards whose size field was impossible. */
    FEC_ERRS("FECErrs"),
    /** Rebuilt data shards the ARQ accepted. */
    FEC_RECOVERED("FECRecovered"),
    /** Data shards pushed out of the full FEC queue before their group could be used. */
    FEC_SHORT_SHARDS("FECShortShards"),
    /** Datagrams the socket did not take: its send buffer was full, or the send failed. They
     * are dropped as the network would drop them, and the ARQ retransmits. Not in kcp-go, whose
     * sends block; kcp-java never waits on a socket while it holds a session. */
    OUT_ERRS("OutErrs");

    /** The datapath's counter at this position (the same list; checked when this class loads). */
    Counter counter() {
        return COUNTERS[ordinal()];
    }

    private static final Counter[] COUNTERS = Counter.values();

    static {
        if (COUNTERS.length != values().length) {
            throw new AssertionError("SnmpCounter and wire.Counter differ in length");
        }
        for (SnmpCounter c : values()) {
            if (!c.kcpGoName.equals(COUNTERS[c.ordinal()].kcpGoName())) {
                throw new AssertionError("SnmpCounter." + c + " is not wire.Counter." + COUNTERS[c.ordinal()]);
            }
        }
    }

    /** Number of counters. */
    public static final int COUNT = values().length;

    private static final SnmpCounter[] VALUES = values();
    private static final List<String> NAMES;

    static {
        List<String> names = new ArrayList<>(COUNT);
        for (SnmpCounter c : VALUES) {
            names.add(c.kcpGoName);
        }
        NAMES = Collections.unmodifiableList(names);
    }

    private final String kcpGoName;

    SnmpCounter(String kcpGoName) {
        this.kcpGoName = kcpGoName;
    }

    /**
     * The name kcp-go's {@code Header()} gives this counter, e.g. {@code "InCsumErrors"}
     * (kcp-java's own counters follow the same style).
     *
     * @return the name
     */
    public String kcpGoName() {
        return kcpGoName;
    }

    /**
     * The counter at a position of {@link Snmp#header()}.
     *
     * @param ordinal 0 to {@link #COUNT} - 1
     * @return the counter
     */
    public static SnmpCounter of(int ordinal) {
        return VALUES[ordinal];
    }

    /**
     * The counter kcp-go (or kcp-java, for its own) calls {@code name}.
     *
     * @param name e.g. {@code "InCsumErrors"}
     * @return the counter
     * @throws IllegalArgumentException for a name kcp-go 5.6.1 does not have
     */
    public static SnmpCounter ofKcpGoName(String name) {
        for (SnmpCounter c : VALUES) {
            if (c.kcpGoName.equals(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException("no Snmp counter named '" + name + "'; kcp-go 5.6.1 has "
                + String.join(", ", NAMES));
    }

    /** All kcp-go names in Header() order. */
    static List<String> kcpGoNames() {
        return NAMES;
    }
}
