package io.kcp.arq;

import java.util.Arrays;

/**
 * An ordered queue of segments (one of kcp-go's {@code snd_queue}, {@code snd_buf},
 * {@code rcv_queue}, {@code rcv_buf} slices) as a power-of-two ring: O(1) at both ends, and
 * insertion by index for the out-of-order receive buffer.
 */
final class SegmentQueue {
    private Segment[] items = new Segment[16];
    private int head;
    private int size;

    int size() {
        return size;
    }

    Segment get(int i) {
        return items[(head + i) & (items.length - 1)];
    }

    private void set(int i, Segment s) {
        items[(head + i) & (items.length - 1)] = s;
    }

    Segment last() {
        return get(size - 1);
    }

    void addLast(Segment s) {
        if (size == items.length) {
            grow();
        }
        set(size, s);
        size++;
    }

    /** Inserts at {@code index} (0..size), shifting the later segments back by one. */
    void insert(int index, Segment s) {
        addLast(s);
        for (int i = size - 1; i > index; i--) {
            set(i, get(i - 1));
        }
        set(index, s);
    }

    Segment removeFirst() {
        Segment s = items[head];
        items[head] = null;
        head = (head + 1) & (items.length - 1);
        size--;
        return s;
    }

    /** Empties the queue, handing every segment back to {@code pool}. */
    void clear(SegmentPool pool) {
        while (size > 0) {
            pool.give(removeFirst());
        }
        head = 0;
    }

    private void grow() {
        Segment[] bigger = new Segment[items.length * 2];
        for (int i = 0; i < size; i++) {
            bigger[i] = get(i);
        }
        Arrays.fill(items, null);
        items = bigger;
        head = 0;
    }
}
