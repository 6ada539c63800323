package io.kcp.fec;

/**
 * An FEC decoder's codecs: the last {@value #CAPACITY} shapes it rebuilt groups of, each codec
 * created when a group of its shape first needs rebuilding. A peer that alternates between a
 * few shapes reuses them instead of making the decoder create one per change; the least
 * recently used one is closed when a new shape needs room. Not thread-safe.
 */
final class CodecCache implements AutoCloseable {

    static final int CAPACITY = 3;

    private final ReedSolomonFactory factory;
    /** Most recently used first. */
    private final ReedSolomon[] codecs = new ReedSolomon[CAPACITY];
    private int size;
    private long created;

    CodecCache(ReedSolomonFactory factory) {
        this.factory = factory;
    }

    /** The codec for ds+ps, created if it is not among the last ones used. */
    ReedSolomon get(int ds, int ps) {
        int i = 0;
        while (i < size && (codecs[i].dataShards() != ds || codecs[i].parityShards() != ps)) {
            i++;
        }
        ReedSolomon c;
        if (i < size) {
            c = codecs[i];
        } else {
            c = factory.create(ds, ps);
            created++;
            if (size == CAPACITY) {
                codecs[--size].close();
            }
            i = size++;
        }
        System.arraycopy(codecs, 0, codecs, 1, i);
        codecs[0] = c;
        return c;
    }

    /** Codecs created so far. */
    long created() {
        return created;
    }

    @Override
    public void close() {
        for (int i = 0; i < size; i++) {
            codecs[i].close();
            codecs[i] = null;
        }
        size = 0;
    }
}
