package io.kcp.arq.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The proof that the C kernel and the Java kernel are one state machine: many seeded random
 * scripts (a live peer over a lossy link, hostile datagrams, clock jumps and wraps, config
 * changes, ACK clocking on and off), each run on both kernels in lockstep, comparing return
 * values, output bytes, every {@code ArqField} and the digest after every step.
 *
 * <p>{@code -Dkcp.diff.scripts=N} sets the number of scripts (default 10000),
 * {@code -Dkcp.diff.base=B} selects another family of seeds, {@code -Dkcp.diff.seed=S} replays
 * one script with a step-by-step trace, {@code -Dkcp.diff.stats=true} prints path coverage.
 * Under Maven the output lands in {@code target/surefire-reports-native/*-output.txt}.
 */
@Tag("both-kernels")
class ArqDifferentialTest {

    @Test
    void nativeAndJavaKernelsAgreeOnRandomScripts() throws Exception {
        String one = System.getProperty("kcp.diff.seed");
        if (one != null) {
            replay(Long.parseLong(one.trim()));
            return;
        }
        int scripts = Integer.getInteger("kcp.diff.scripts", 10000);
        long base = Long.getLong("kcp.diff.base", 0L);
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());

        // index -> description; scripts are spread over threads, the report is in seed order
        Map<Integer, String> mismatches = new TreeMap<>();
        Coverage coverage = new Coverage();
        AtomicInteger nextIndex = new AtomicInteger();
        long[] steps = new long[threads];
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int worker = t;
                workers.add(pool.submit(() -> {
                    DiffRunner runner = new DiffRunner();
                    for (int i; (i = nextIndex.getAndIncrement()) < scripts; ) {
                        long seed = seedOf(base, i);
                        String m;
                        try {
                            m = runner.run(seed, null);
                        } catch (RuntimeException | Error e) {
                            m = "seed=" + seed + ": script threw " + e;
                        }
                        if (m != null) {
                            synchronized (mismatches) {
                                mismatches.put(i, m);
                            }
                        }
                    }
                    steps[worker] = runner.steps;
                    coverage.merge(runner.coverage);
                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }

        System.out.println("differential arq: " + scripts + " scripts, " + mismatches.size() + " mismatches");
        if (Boolean.getBoolean("kcp.diff.stats")) {
            long total = 0;
            for (long s : steps) {
                total += s;
            }
            System.out.println("differential arq: " + total + " steps; coverage " + coverage);
        }
        if (!mismatches.isEmpty()) {
            StringBuilder sb = new StringBuilder();
            mismatches.values().stream().limit(5).forEach(m -> sb.append(m).append("\n\n"));
            System.out.println(sb);
            fail(mismatches.size() + " of " + scripts + " scripts differ between the kernels; first:\n" + sb);
        }
        if (scripts >= 1000) {
            assertReached(coverage);
        }
    }

    /** Every path the generator is meant to drive was driven (checked on runs large enough). */
    private static void assertReached(Coverage c) {
        String[] keys = {
            "input returned 0", "input returned -1", "input returned -2", "input returned -3",
            "input not regular", "send returned 0", "send returned -1", "send returned -2",
            "recv returned a message", "recv returned -1", "recv returned -2",
            "remote window zero", "receive queue full", "dead link", "datagram longer than mtu",
            "initial flight capped", "ACK list limit flush", "window probe backed off",
            "ACK clocking flush", "ACKs pending past the threshold with clocking off",
            "buffer pool trimmed",
            "emitted PUSH", "emitted ACK", "emitted WASK", "emitted WINS",
            "scripts with FAST_RETRANS_SEGS", "scripts with EARLY_RETRANS_SEGS", "scripts with LOST_SEGS",
            "scripts with REPEAT_SEGS"};
        List<String> missing = new ArrayList<>();
        for (String k : keys) {
            if (c.get(k) == 0) {
                missing.add(k);
            }
        }
        assertTrue(missing.isEmpty(), "the scripts never reached: " + missing + "; coverage " + c);
    }

    private static void replay(long seed) {
        StringBuilder log = new StringBuilder();
        String m;
        try {
            m = new DiffRunner().run(seed, log);
        } finally {
            System.out.println(log);
        }
        System.out.println("differential arq: 1 scripts, " + (m == null ? 0 : 1) + " mismatches");
        if (m != null) {
            System.out.println(m);
        }
        assertEquals(null, m, "the kernels differ");
    }

    /** Script seeds: distinct in the low 48 bits that java.util.Random uses. */
    static long seedOf(long base, int index) {
        long z = base + 0x9E3779B97F4A7C15L * (index + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
