package io.kcp.arq;

/** kcp-go's {@code acklist}: pending (sn, ts) pairs in arrival order, as two growable arrays. */
final class AckList {
    private int[] sn = new int[64];
    private int[] ts = new int[64];
    private int size;

    int size() {
        return size;
    }

    int sn(int i) {
        return sn[i];
    }

    int ts(int i) {
        return ts[i];
    }

    void push(int s, int t) {
        if (size == sn.length) {
            sn = java.util.Arrays.copyOf(sn, size * 2);
            ts = java.util.Arrays.copyOf(ts, size * 2);
        }
        sn[size] = s;
        ts[size] = t;
        size++;
    }

    void clear() {
        size = 0;
    }
}
