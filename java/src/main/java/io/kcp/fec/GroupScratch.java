package io.kcp.fec;

import java.nio.ByteBuffer;

/**
 * The buffer an {@link FecDecoder} lays a group out in to rebuild it. It is needed only during
 * one {@code decode} call, so the decoders that run on one thread (a listener's receive loop
 * serves many sessions) share one per thread instead of each keeping its own: a peer that makes
 * a decoder rebuild a 256-slot group of 1494-byte shards costs that thread 374 KiB once, not
 * every session it reaches.
 *
 * <p>A decoder {@link #take}s the thread's scratch, uses it until its decode call ends and
 * {@link #release}s it. A decode on the same thread meanwhile (a sink that feeds another
 * decoder) gets a scratch of its own. Heap buffers serve the Java codec, direct ones the native
 * codec ({@link FecPacket#allocateFor}); each grows geometrically up to what is asked, so a
 * stream whose shards get longer reallocates a few times, not per group.
 */
final class GroupScratch {

    private static final ThreadLocal<GroupScratch> PER_THREAD = ThreadLocal.withInitial(GroupScratch::new);

    private ByteBuffer heap;
    private ByteBuffer heapView;
    private ByteBuffer direct;
    private ByteBuffer directView;
    private boolean taken;
    /** The kind of the current lease. */
    private boolean leaseDirect;

    private GroupScratch() {
    }

    /**
     * The thread's scratch (or a new one if it is taken), holding a buffer of at least
     * {@code bytes} of the kind {@code codec} codes in place; {@code most} caps the growth.
     */
    static GroupScratch take(ReedSolomon codec, int bytes, long most) {
        GroupScratch s = PER_THREAD.get();
        if (s.taken) {
            s = new GroupScratch();
        }
        s.taken = true;
        s.leaseDirect = !FecPacket.codesHeap(codec);
        ByteBuffer have = s.leaseDirect ? s.direct : s.heap;
        if (have == null || have.capacity() < bytes) {
            int size = (int) Math.max(bytes, Math.min(have == null ? 0 : 2L * have.capacity(), most));
            ByteBuffer fresh = FecPacket.allocateFor(codec, size);
            if (s.leaseDirect) {
                s.direct = fresh;
                s.directView = fresh.duplicate();
            } else {
                s.heap = fresh;
                s.heapView = fresh.duplicate();
            }
        }
        return s;
    }

    /** The group buffer (position and limit are the caller's to set). */
    ByteBuffer buffer() {
        return leaseDirect ? direct : heap;
    }

    /** A second view of {@link #buffer()}, for slices handed out while the buffer is in use. */
    ByteBuffer view() {
        return leaseDirect ? directView : heapView;
    }

    /** Ends the lease: the buffer's content is dead from here on. */
    void release() {
        taken = false;
    }

    /** Bytes of the buffers this thread's scratch holds (for tests). */
    static long threadCapacity() {
        GroupScratch s = PER_THREAD.get();
        return (s.heap == null ? 0 : s.heap.capacity()) + (s.direct == null ? 0 : s.direct.capacity());
    }
}
