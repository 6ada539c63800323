package io.kcp.kernel;

import java.lang.ref.Cleaner;
import java.util.function.LongConsumer;

/**
 * A C instance's pointer, freed exactly once: by {@link #close()}, or by the Cleaner when its
 * owner becomes unreachable unclosed. The Cleaner's action holds only the pointer and the free
 * function, never the owner.
 */
final class NativeInstance {

    private static final Cleaner CLEANER = Cleaner.create();

    private final Freer freer;
    private final Cleaner.Cleanable cleanable;
    private final String name;

    private static final class Freer implements Runnable {
        private final LongConsumer free;
        volatile long ptr;

        Freer(long ptr, LongConsumer free) {
            this.ptr = ptr;
            this.free = free;
        }

        @Override
        public void run() {
            long p = ptr;
            ptr = 0;
            if (p != 0) free.accept(p);
        }
    }

    /**
     * @param owner the Java object whose reachability keeps the instance alive
     * @param name what the instance is, for the error after close ("ARQ instance")
     * @param free the C function that frees it (a static native: nothing of the owner)
     */
    NativeInstance(Object owner, long ptr, String name, LongConsumer free) {
        this.freer = new Freer(ptr, free);
        this.cleanable = CLEANER.register(owner, freer);
        this.name = name;
    }

    /** The pointer. @throws IllegalStateException once closed */
    long ptr() {
        long p = freer.ptr;
        if (p == 0) throw new IllegalStateException(name + " is closed");
        return p;
    }

    /** Frees the instance. Idempotent. */
    void close() {
        cleanable.clean();
    }
}
