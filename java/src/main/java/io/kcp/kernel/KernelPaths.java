package io.kcp.kernel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;
import java.util.function.IntUnaryOperator;

/**
 * The process-wide path switch both SIMD parts of the C kernel share (Reed-Solomon, CRC-32):
 * a bit mask of the paths this CPU runs, a name per path, and a setter where -1 means "best".
 */
final class KernelPaths {

    /** The name that selects the best available path. */
    static final String AUTO = "auto";
    private static final int PATH_AUTO = -1;

    private final String part;
    private final IntSupplier availableMask;
    private final IntFunction<String> name;
    private final IntUnaryOperator set;

    /** {@code set} returns 0 when the path was taken. */
    KernelPaths(String part, IntSupplier availableMask, IntFunction<String> name, IntUnaryOperator set) {
        this.part = part;
        this.availableMask = availableMask;
        this.name = name;
        this.set = set;
    }

    List<String> available() {
        NativeLibrary.ensureAvailable();
        int mask = availableMask.getAsInt();
        List<String> names = new ArrayList<>();
        for (int path = 0; path < 32; path++) {
            if ((mask & (1 << path)) != 0) names.add(name.apply(path));
        }
        return Collections.unmodifiableList(names);
    }

    /** @throws IllegalArgumentException when {@code wanted} is neither auto nor available */
    void select(String wanted) {
        NativeLibrary.ensureAvailable();
        if (wanted == null) throw new IllegalArgumentException("path name is null");
        String w = wanted.trim().toLowerCase(Locale.ROOT);
        int path = -2;
        if (w.equals(AUTO)) {
            path = PATH_AUTO;
        } else {
            int mask = availableMask.getAsInt();
            for (int i = 0; i < 32; i++) {
                if ((mask & (1 << i)) != 0 && name.apply(i).equals(w)) path = i;
            }
        }
        if (path == -2 || set.applyAsInt(path) != 0) {
            throw new IllegalArgumentException(part + " path '" + wanted
                    + "' is not available here; choose one of " + AUTO + ", "
                    + String.join(", ", available()));
        }
    }
}
