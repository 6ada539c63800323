package io.kcp.fec;

import io.kcp.format.LittleEndian;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * kcp-go 5.6.1's FEC decoder (fecDecoder.decode plus the FEC branch of kcpInput).
 *
 * <p>Received shards wait in a queue sorted by seqid (duplicates dropped). A shard's group
 * starts at {@code seqid - seqid % (ds+ps)}; once {@code ds} shards of a group are queued the
 * group leaves the queue, and if data shards were missing they are rebuilt and handed on as
 * recovered KCP packets. The queue holds at most {@code 3 * (ds+ps)} shards (the oldest goes
 * first) and shards older than 60 s expire. The peer's ds/ps are re-detected from the data/parity
 * pattern whenever a shard's type does not fit its position in the current shape.
 *
 * <p>Where it differs from kcp-go, it is to bound what a peer can make it spend (kcp-go
 * re-detects on any datagram, duplicates included, and builds a codec per change):
 * <ul>
 * <li>a duplicate of a queued shard is dropped before it reaches the shape detector;
 * <li>the shape changes at most {@value #SHAPE_CHANGE_BURST} times in a row, then once per
 *     {@value #SHAPE_CHANGE_INTERVAL_MS} ms of the caller's clock (a token bucket): a kcp-go
 *     peer's shape is fixed per session, so a legitimate peer needs the first detection and
 *     perhaps one change after (a peer that restarts with another configuration), both
 *     immediate; a flood of changes costs at most one per second;
 * <li>codecs are created when a group first needs rebuilding and kept per shape
 *     ({@link CodecCache}); shards are stored at their own size ({@link ShardStore}); a group is
 *     rebuilt in a buffer the decoders on one thread share ({@link GroupScratch}), as large as
 *     that group's shards need.
 * </ul>
 * What a peer can make one decoder hold: the queued shards (at most {@code 3 * 256 + 1}, each
 * its bytes plus about 50 bytes, in an array at most 1.5 times that, so about 1.7 MiB once
 * 1.16 MB of full-size shards are queued) and {@value CodecCache#CAPACITY} codecs (see
 * {@link DecodeCache} for what a Java codec keeps).
 *
 * <p>Time is an argument ({@code now}, u32 milliseconds, wrap-safe). Not thread-safe, not
 * re-entrant from the sink. Steady-state calls allocate nothing.
 */
public final class FecDecoder implements AutoCloseable {

    /** The queue keeps this many groups' worth of shards. */
    public static final int RX_FEC_MULTI = 3;
    /** Queued shards older than this are dropped. */
    public static final int EXPIRE_MS = 60_000;
    /** Changes of shape a decoder may make in a row. */
    public static final int SHAPE_CHANGE_BURST = 2;
    /** Beyond the burst, one change of shape per this many ms of the caller's clock. */
    public static final int SHAPE_CHANGE_INTERVAL_MS = 1000;

    private static final byte[] ZEROS = new byte[4096];

    /** A queued shard: the FEC packet from its seqid onward, in {@link #store} under its id. */
    private static final class Entry {
        final int id;
        int seqid;
        boolean data;
        int len;
        int ts;

        Entry(int id) {
            this.id = id;
        }
    }

    private final CodecCache codecs;
    private final int maxDatagram;
    private final AutoTune autoTune = new AutoTune();
    private final ShardStore store = new ShardStore();

    private int dataShards;
    private int parityShards;
    private int shardSize;
    private int rxLimit;
    /** The token bucket of shape changes: tokens left, and when the next one started to accrue. */
    private int shapeTokens = SHAPE_CHANGE_BURST;
    private int shapeTokensAt;
    private long shapeChanges;

    /** Held from a rebuild to the end of its decode call; slot i at {@code i * recoveredLen}. */
    private GroupScratch scratch;
    private boolean[] present;
    private int[] slotLen;

    private Entry[] rx = new Entry[16];
    private int rxCount;
    private Entry[] pool = new Entry[16];
    private int poolCount;
    private int entries;

    private int[] recovered = new int[1];
    private int recoveredCount;
    private int recoveredLen;

    private ByteBuffer lastSource;
    private ByteBuffer sourceView;

    private long fecParityShards;
    private long fecErrs;
    private long fecRecovered;
    private long fecShortShards;

    /** A decoder for datagrams of up to {@link FecPacket#MTU_LIMIT} bytes. */
    public FecDecoder(int dataShards, int parityShards, ReedSolomonFactory codecs) {
        this(dataShards, parityShards, codecs, FecPacket.MTU_LIMIT);
    }

    /**
     * @param maxDatagram the longest FEC packet accepted (longer ones are rejected as malformed)
     * @throws IllegalArgumentException unless {@code dataShards >= 1}, {@code parityShards >= 1},
     *     {@code dataShards + parityShards <= 256} and {@code maxDatagram >= 8}
     */
    public FecDecoder(int dataShards, int parityShards, ReedSolomonFactory codecs,
                      int maxDatagram) {
        FecEncoder.checkFecShape(dataShards, parityShards);
        if (maxDatagram < FecPacket.HEADER_SIZE_PLUS2) {
            throw new IllegalArgumentException("maxDatagram must be >= 8, got " + maxDatagram);
        }
        this.codecs = new CodecCache(codecs);
        this.maxDatagram = maxDatagram;
        shape(dataShards, parityShards);
    }

    /**
     * Feeds one decrypted FEC packet, {@code [off, off+len)} of {@code buf} from its seqid
     * onward (crypto header already stripped). Hands the KCP bytes to {@code sink}: first the
     * packet's own (if it is a data shard; regular), then every data shard it let us rebuild
     * (not regular), as kcp-go does. Reusing one receive buffer keeps this allocation-free
     * (a view of {@code buf} is made when it changes).
     *
     * @return the number of {@code sink} calls, or -1 when the packet is malformed (shorter
     *     than 8 bytes, longer than maxDatagram, or its flag is neither 0xF1 nor 0xF2); kcp-go
     *     counts those as InErrs
     */
    public int decode(ByteBuffer buf, int off, int len, int now, KcpSink sink) {
        if (len < FecPacket.HEADER_SIZE_PLUS2 || len > maxDatagram) {
            return -1;
        }
        int flag = LittleEndian.u16(buf, off + 4);
        if (flag != FecPacket.TYPE_DATA && flag != FecPacket.TYPE_PARITY) {
            return -1;
        }
        boolean isData = flag == FecPacket.TYPE_DATA;
        if (!isData) {
            fecParityShards++;
        }
        recoveredCount = 0;
        try {
            queue(buf, off, len, LittleEndian.u32(buf, off), isData, now);
            int calls = 0;
            if (isData) {
                sink.input(view(buf, off + FecPacket.HEADER_SIZE_PLUS2, off + len), true);
                calls++;
            }
            for (int i = 0; i < recoveredCount; i++) {
                ByteBuffer group = scratch.buffer();
                int base = recovered[i] * recoveredLen;
                int sz = recoveredLen >= 2 ? LittleEndian.u16(group, base) : 0;
                if (sz >= 2 && sz <= recoveredLen) {
                    if (sink.input(scratch.view().limit(base + sz).position(base + 2), false) == 0) {
                        fecRecovered++;
                    }
                    calls++;
                } else {
                    fecErrs++;
                }
            }
            return calls;
        } finally {
            recoveredCount = 0;
            if (scratch != null) {
                scratch.release();
                scratch = null;
            }
        }
    }

    /** Queues the shard, recovers its group if it can, and applies the queue limits. */
    private void queue(ByteBuffer buf, int off, int len, int seqid, boolean isData, int now) {
        // A shard already queued changes nothing, not even the shape detector.
        int insertAt = 0;
        for (int i = rxCount - 1; i >= 0; i--) {
            int s = rx[i].seqid;
            if (s == seqid) {
                return;
            }
            if (seqid - s > 0) {
                insertAt = i + 1;
                break;
            }
        }
        autoTune.sample(isData, seqid);
        boolean dataSlot = Integer.remainderUnsigned(seqid, shardSize) < dataShards;
        if (dataSlot != isData && mayChangeShape(now)) {
            int ds = autoTune.findPeriod(true);
            int ps = autoTune.findPeriod(false);
            if (ds > 0 && ps > 0 && ds < 256 && ps < 256
                    && (ds != dataShards || ps != parityShards)) {
                if (ds + ps > JavaReedSolomon.MAX_SHARDS) {
                    // Unreachable (two runs and their edges fit in 258 pulses only if
                    // ds + ps <= 256); kcp-go would drop the packet here, and so do we.
                    return;
                }
                if (shapeTokens-- == SHAPE_CHANGE_BURST) {
                    shapeTokensAt = now;
                }
                shape(ds, ps);
                shapeChanges++;
            }
        }

        Entry e = obtain();
        store.put(e.id, buf, off, len, now);
        e.seqid = seqid;
        e.data = isData;
        e.len = len;
        e.ts = now;
        insert(insertAt, e);

        int pos = Integer.remainderUnsigned(seqid, shardSize);
        int shardBegin = seqid - pos;
        int shardEnd = shardBegin + shardSize - 1;
        int searchBegin = Math.max(insertAt - pos, 0);
        int searchEnd = Math.min(searchBegin + shardSize - 1, rxCount - 1);
        if (searchEnd - searchBegin + 1 >= dataShards) {
            recoverGroup(searchBegin, searchEnd, shardBegin, shardEnd);
        }

        if (rxCount > rxLimit) {
            if (rx[0].data) {
                fecShortShards++;
            }
            free(0, 1);
        }
        int expired = 0;
        while (expired < rxCount && now - rx[expired].ts > EXPIRE_MS) {
            expired++;
        }
        free(0, expired);
    }

    /** True when the token bucket holds a change of shape (refilled first). */
    private boolean mayChangeShape(int now) {
        if (shapeTokens < SHAPE_CHANGE_BURST) {
            int accrued = Integer.divideUnsigned(now - shapeTokensAt, SHAPE_CHANGE_INTERVAL_MS);
            if (accrued >= SHAPE_CHANGE_BURST - shapeTokens) {
                shapeTokens = SHAPE_CHANGE_BURST;
            } else {
                shapeTokens += accrued;
                shapeTokensAt += accrued * SHAPE_CHANGE_INTERVAL_MS;
            }
        }
        return shapeTokens > 0;
    }

    /** The group [shardBegin, shardEnd] among rx[searchBegin..searchEnd] (wrap-safe compares). */
    private void recoverGroup(int searchBegin, int searchEnd, int shardBegin, int shardEnd) {
        int numShard = 0;
        int numData = 0;
        int first = 0;
        int maxLen = 0;
        Arrays.fill(present, 0, shardSize, false);
        for (int i = searchBegin; i <= searchEnd; i++) {
            Entry e = rx[i];
            if (e.seqid - shardEnd > 0) {
                break;
            }
            if (e.seqid - shardBegin >= 0) {
                present[Integer.remainderUnsigned(e.seqid, shardSize)] = true;
                if (numShard++ == 0) {
                    first = i;
                }
                if (e.data) {
                    numData++;
                }
                maxLen = Math.max(maxLen, e.len - FecPacket.HEADER_SIZE);
            }
        }
        if (numData == dataShards) {
            free(first, numShard);
        } else if (numShard >= dataShards) {
            rebuild(first, numShard, maxLen);
            free(first, numShard);
        }
    }

    /**
     * Copies the group's shards into their slots, {@code maxLen} apart (a later seqid with the
     * same slot overwrites, as in kcp-go), zero-pads them to maxLen and rebuilds the missing
     * data shards.
     */
    private void rebuild(int first, int numShard, int maxLen) {
        if (maxLen < 1) {
            return; // klauspost rejects empty shards
        }
        ReedSolomon codec = codecs.get(dataShards, parityShards);
        scratch = GroupScratch.take(codec, shardSize * maxLen,
                (long) shardSize * (maxDatagram - FecPacket.HEADER_SIZE));
        ByteBuffer g = scratch.buffer();
        byte[] shards = store.array();
        for (int i = first; i < first + numShard; i++) {
            Entry e = rx[i];
            int slot = Integer.remainderUnsigned(e.seqid, shardSize);
            int n = e.len - FecPacket.HEADER_SIZE;
            g.put(slot * maxLen, shards, store.offset(e.id) + FecPacket.HEADER_SIZE, n);
            slotLen[slot] = n;
        }
        for (int slot = 0; slot < shardSize; slot++) {
            if (present[slot]) {
                for (int at = slotLen[slot]; at < maxLen; at += ZEROS.length) {
                    g.put(slot * maxLen + at, ZEROS, 0, Math.min(ZEROS.length, maxLen - at));
                }
            }
        }
        if (!codec.reconstruct(g.clear(), maxLen, maxLen, present, true)) {
            return;
        }
        for (int slot = 0; slot < dataShards; slot++) {
            if (!present[slot]) {
                recovered[recoveredCount++] = slot;
            }
        }
        recoveredLen = maxLen;
    }

    private void shape(int ds, int ps) {
        dataShards = ds;
        parityShards = ps;
        shardSize = ds + ps;
        rxLimit = RX_FEC_MULTI * shardSize;
        if (present == null || present.length < shardSize) {
            present = new boolean[shardSize];
            slotLen = new int[shardSize];
        }
        if (recovered.length < ds) {
            recovered = new int[ds];
        }
    }

    private ByteBuffer view(ByteBuffer buf, int from, int to) {
        if (buf != lastSource) {
            lastSource = buf;
            sourceView = buf.duplicate();
        }
        return sourceView.limit(to).position(from);
    }

    private Entry obtain() {
        return poolCount > 0 ? pool[--poolCount] : new Entry(entries++);
    }

    private void insert(int at, Entry e) {
        if (rxCount == rx.length) {
            rx = Arrays.copyOf(rx, rxCount * 2);
        }
        System.arraycopy(rx, at, rx, at + 1, rxCount - at);
        rx[at] = e;
        rxCount++;
    }

    /** Returns rx[first .. first+n) to the pool. */
    private void free(int first, int n) {
        if (n == 0) {
            return;
        }
        if (poolCount + n > pool.length) {
            pool = Arrays.copyOf(pool, Math.max(pool.length * 2, poolCount + n));
        }
        for (int i = first; i < first + n; i++) {
            store.remove(rx[i].id);
            pool[poolCount++] = rx[i];
        }
        System.arraycopy(rx, first + n, rx, first, rxCount - first - n);
        rxCount -= n;
        Arrays.fill(rx, rxCount, rxCount + n, null);
    }

    public int dataShards() {
        return dataShards;
    }

    public int parityShards() {
        return parityShards;
    }

    /** Shards waiting in the queue. */
    public int queued() {
        return rxCount;
    }

    /** Parity shards received (kcp-go's FECParityShards; duplicates included). */
    public long fecParityShards() {
        return fecParityShards;
    }

    /** Rebuilt data shards whose size field was impossible (kcp-go's FECErrs). */
    public long fecErrs() {
        return fecErrs;
    }

    /** Rebuilt data shards the sink accepted (kcp-go's FECRecovered). */
    public long fecRecovered() {
        return fecRecovered;
    }

    /** Data shards pushed out of the full queue unused (kcp-go's FECShortShards). */
    public long fecShortShards() {
        return fecShortShards;
    }

    /** Shape changes since construction (the first detection included). */
    long shapeChanges() {
        return shapeChanges;
    }

    /** Codecs created since construction. */
    long codecsCreated() {
        return codecs.created();
    }

    /** Bytes the queued shards take in the store (headers included), and the store's size. */
    int queuedBytes() {
        return store.liveBytes();
    }

    int storeCapacity() {
        return store.capacity();
    }

    /** Empties the queue and lets its memory go. */
    public void release() {
        free(0, rxCount);
        store.clear();
    }

    @Override
    public void close() {
        release();
        codecs.close();
    }
}
