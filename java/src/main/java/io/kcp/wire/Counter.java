package io.kcp.wire;

/**
 * The counters the datapath keeps, in kcp-go's {@code Snmp.Header()} order and with its names,
 * followed by kcp-java's own. {@code io.kcp.Counter} is the public face of the same list
 * (position for position; it checks that when it loads).
 */
public enum Counter {
    BYTES_SENT("BytesSent"),
    BYTES_RECEIVED("BytesReceived"),
    MAX_CONN("MaxConn"),
    ACTIVE_OPENS("ActiveOpens"),
    PASSIVE_OPENS("PassiveOpens"),
    CURR_ESTAB("CurrEstab"),
    IN_ERRS("InErrs"),
    IN_CSUM_ERRORS("InCsumErrors"),
    KCP_IN_ERRORS("KCPInErrors"),
    IN_PKTS("InPkts"),
    OUT_PKTS("OutPkts"),
    IN_SEGS("InSegs"),
    OUT_SEGS("OutSegs"),
    IN_BYTES("InBytes"),
    OUT_BYTES("OutBytes"),
    RETRANS_SEGS("RetransSegs"),
    FAST_RETRANS_SEGS("FastRetransSegs"),
    EARLY_RETRANS_SEGS("EarlyRetransSegs"),
    LOST_SEGS("LostSegs"),
    REPEAT_SEGS("RepeatSegs"),
    FEC_PARITY_SHARDS("FECParityShards"),
    FEC_ERRS("FECErrs"),
    FEC_RECOVERED("FECRecovered"),
    FEC_SHORT_SHARDS("FECShortShards"),
    OUT_ERRS("OutErrs");

    private final String kcpGoName;

    Counter(String kcpGoName) {
        this.kcpGoName = kcpGoName;
    }

    /** The name kcp-go (or kcp-java, for its own) prints for this counter. */
    public String kcpGoName() {
        return kcpGoName;
    }
}
