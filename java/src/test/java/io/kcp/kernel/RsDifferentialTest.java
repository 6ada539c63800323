package io.kcp.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kcp.fec.JavaReedSolomon;
import io.kcp.fec.ReedSolomon;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every SIMD path of the C Reed-Solomon codec and the Java codec give the same bytes: seeded
 * random shapes, lengths, odd strides and positions, heap and direct buffers, corruptions and
 * erasure patterns (including too few shards left), each run through encode, verify and both
 * kinds of reconstruct on every implementation, comparing results and whole buffers.
 *
 * <p>{@code -Dkcp.rs.cases=N} sets the number of cases (default 20000). Under Maven the summary
 * line lands in {@code target/surefire-reports-native/*-output.txt}.
 */
@Tag("both-kernels")
class RsDifferentialTest {

    /** Every this many cases the shape is a big one (up to 256 shards). */
    private static final int BIG_EVERY = 400;
    private static final int MAX_SHOWN = 10;

    @Test
    void everyNativePathAndTheJavaCodecAgree() {
        int cases = Integer.getInteger("kcp.rs.cases", 20000);
        List<String> paths = NativeReedSolomon.availablePaths();
        List<String> shown = new ArrayList<>();
        int mismatches = 0;
        try (CodecPool pool = new CodecPool()) {
            for (int i = 0; i < cases; i++) {
                String m;
                try {
                    m = runCase(i, paths, pool);
                } catch (RuntimeException | Error e) {
                    m = "case " + i + ": threw " + e;
                }
                if (m != null) {
                    mismatches++;
                    if (shown.size() < MAX_SHOWN) shown.add(m);
                }
            }
        } finally {
            NativeReedSolomon.setPath(NativeReedSolomon.AUTO);
        }
        System.out.println("differential rs: " + cases + " cases, " + mismatches
                + " mismatches, paths=" + String.join(",", paths) + ",java");
        shown.forEach(System.out::println);
        assertEquals(0, mismatches, () -> String.join("\n", shown));
    }

    /** One implementation under test: the Java codec, or the C codec on one path. */
    private record Impl(String name, ReedSolomon codec, String path) {
        void select() {
            if (path != null) NativeReedSolomon.setPath(path);
        }
    }

    /** Runs one seeded case on every implementation; null when all agree, else what differed. */
    private static String runCase(int index, List<String> paths, CodecPool pool) {
        Random r = new Random(0x5EED_0000L + index * 0x9E3779B97F4A7C15L);
        int ds;
        int ps;
        int len;
        if (index % BIG_EVERY == BIG_EVERY - 1) {
            boolean max = r.nextBoolean();
            ds = max ? 128 : 41 + r.nextInt(200);
            ps = max ? 128 : 1 + r.nextInt(256 - ds);
            len = 1 + r.nextInt(600);
        } else {
            ds = 1 + r.nextInt(40);
            ps = r.nextInt(50) == 0 ? 0 : 1 + r.nextInt(ds + 2);
            // half short groups: SIMD tails and small shards are where paths differ most
            len = 1 + r.nextInt(r.nextBoolean() ? 2000 : 256);
        }
        int n = ds + ps;
        int stride = len + (r.nextInt(3) == 0 ? 0 : r.nextInt(9));
        int pos = r.nextInt(7);
        int total = pos + (n - 1) * stride + len + r.nextInt(4);
        byte[] original = new byte[total];
        r.nextBytes(original);
        String what = "case " + index + " ds=" + ds + " ps=" + ps + " len=" + len + " stride="
                + stride + " pos=" + pos;

        List<Impl> impls = new ArrayList<>();
        impls.add(new Impl("java", pool.java(ds, ps), null));
        for (String p : paths) impls.add(new Impl(p, pool.nativeCodec(ds, ps), p));
        boolean[] direct = new boolean[impls.size()];
        int[] heapOffset = new int[impls.size()];
        for (int i = 0; i < direct.length; i++) {
            direct[i] = r.nextBoolean();
            heapOffset[i] = r.nextInt(4) == 0 ? 1 + r.nextInt(5) : 0;
        }

        // encode: the ground truth is the Java codec's output, checked elsewhere against kcp-go
        byte[] encoded = null;
        for (int i = 0; i < impls.size(); i++) {
            Impl im = impls.get(i);
            ByteBuffer g = buffer(original, pos, direct[i], heapOffset[i]);
            im.select();
            im.codec().encode(g, stride, len);
            byte[] out = bytes(g, total);
            if (encoded == null) {
                encoded = out;
                for (int b = 0; b < ds * stride && b + pos < total; b++) {
                    if (b % stride < len && encoded[pos + b] != original[pos + b]) {
                        return what + ": java encode changed a data byte";
                    }
                }
            } else if (!Arrays.equals(encoded, out)) {
                return what + ": encode on " + im.name() + " differs from java";
            }
        }

        // verify: intact, then either a corrupted shard byte or a changed gap byte
        boolean gap = stride > len && n > 1 && r.nextBoolean();
        int badShard = r.nextInt(n);
        byte[] changed = encoded.clone();
        if (gap) {
            changed[pos + r.nextInt(n - 1) * stride + len + r.nextInt(stride - len)] ^= 0x5A;
        } else {
            changed[pos + badShard * stride + r.nextInt(len)] ^= (byte) (1 + r.nextInt(255));
        }
        boolean expected = gap || ps == 0;
        for (int i = 0; i < impls.size(); i++) {
            Impl im = impls.get(i);
            im.select();
            if (!im.codec().verify(buffer(encoded, pos, direct[i], heapOffset[i]), stride, len)) {
                return what + ": verify on " + im.name() + " rejects an encoded group";
            }
            boolean v = im.codec().verify(buffer(changed, pos, direct[i], heapOffset[i]), stride, len);
            if (v != expected) {
                return what + ": verify on " + im.name() + " says " + v + " after changing "
                        + (gap ? "a gap byte" : "shard " + badShard);
            }
        }

        // reconstruct: erase some shards, sometimes too many, sometimes with bad input
        int lost = ps == 0 || r.nextInt(7) == 0 ? Math.min(n, ps + 1 + r.nextInt(3)) : 1 + r.nextInt(ps);
        boolean[] present = new boolean[n];
        Arrays.fill(present, true);
        int[] order = shuffled(n, r);
        for (int j = 0; j < lost; j++) present[order[j]] = false;
        boolean enough = n - lost >= ds;
        byte[] damaged = encoded.clone();
        for (int s = 0; s < n; s++) {
            if (!present[s]) {
                for (int b = 0; b < len; b++) damaged[pos + s * stride + b] = (byte) r.nextInt();
            }
        }
        // inconsistent input: every implementation must still pick the same ds inputs
        boolean consistent = r.nextInt(10) != 0 || lost == n;
        if (!consistent) {
            int s = order[lost + r.nextInt(n - lost)];
            damaged[pos + s * stride + r.nextInt(len)] ^= (byte) (1 + r.nextInt(255));
        }
        for (boolean dataOnly : new boolean[] {true, false}) {
            byte[] first = null;
            boolean firstResult = false;
            for (int i = 0; i < impls.size(); i++) {
                Impl im = impls.get(i);
                ByteBuffer g = buffer(damaged, pos, direct[i], heapOffset[i]);
                im.select();
                boolean ok = im.codec().reconstruct(g, stride, len, present, dataOnly);
                byte[] out = bytes(g, total);
                String step = " reconstruct(dataOnly=" + dataOnly + ", lost=" + lost + ")";
                if (ok != enough) {
                    return what + step + " on " + im.name() + " returned " + ok;
                }
                if (!ok && !Arrays.equals(out, damaged)) {
                    return what + step + " on " + im.name() + " failed but changed the buffer";
                }
                if (ok && consistent) {
                    String bad = checkRebuilt(out, encoded, damaged, present, dataOnly, ds, pos, stride,
                            len);
                    if (bad != null) return what + step + " on " + im.name() + ": " + bad;
                }
                if (first == null) {
                    first = out;
                    firstResult = ok;
                } else if (ok != firstResult || !Arrays.equals(first, out)) {
                    return what + step + " on " + im.name() + " differs from java";
                }
            }
        }
        return null;
    }

    /** Rebuilt shards equal the encoded ones; everything else is as it was given. */
    private static String checkRebuilt(byte[] out, byte[] encoded, byte[] damaged, boolean[] present,
                                       boolean dataOnly, int ds, int pos, int stride, int len) {
        for (int s = 0; s < present.length; s++) {
            boolean rebuilt = !present[s] && (s < ds || !dataOnly);
            byte[] want = rebuilt ? encoded : damaged;
            int at = pos + s * stride;
            if (!Arrays.equals(out, at, at + len, want, at, at + len)) {
                return (rebuilt ? "rebuilt" : "untouched") + " shard " + s + " is wrong";
            }
        }
        int end = pos + (present.length - 1) * stride + len;
        if (!Arrays.equals(out, 0, pos, damaged, 0, pos)
                || !Arrays.equals(out, end, out.length, damaged, end, out.length)) {
            return "bytes outside the group changed";
        }
        return null;
    }

    private static int[] shuffled(int n, Random r) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    // One group is live at a time, so one direct and one heap area serve every call.
    private static ByteBuffer directArea = ByteBuffer.allocateDirect(1 << 16);
    private static byte[] heapArea = new byte[1 << 16];

    /** A buffer holding exactly {@code content}, with position {@code pos}: direct or heap. */
    private static ByteBuffer buffer(byte[] content, int pos, boolean direct, int heapOffset) {
        int size = content.length;
        ByteBuffer b;
        if (direct) {
            if (directArea.capacity() < size) directArea = ByteBuffer.allocateDirect(2 * size);
            b = directArea.slice(0, size).put(0, content);
        } else {
            // heapOffset > 0 gives a slice with a nonzero array offset
            if (heapArea.length < heapOffset + size) heapArea = new byte[2 * (heapOffset + size)];
            System.arraycopy(content, 0, heapArea, heapOffset, size);
            b = ByteBuffer.wrap(heapArea, heapOffset, size).slice();
        }
        return b.position(pos);
    }

    private static byte[] bytes(ByteBuffer b, int total) {
        byte[] out = new byte[total];
        b.get(0, out);
        return out;
    }

    /** Codecs by shape, reused across cases so decode-matrix caches see repeated patterns. */
    private static final class CodecPool implements AutoCloseable {
        private final Map<Integer, ReedSolomon[]> byShape =
                new LinkedHashMap<>(64, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<Integer, ReedSolomon[]> eldest) {
                        if (size() <= 48) return false;
                        for (ReedSolomon c : eldest.getValue()) c.close();
                        return true;
                    }
                };

        private ReedSolomon[] get(int ds, int ps) {
            return byShape.computeIfAbsent(ds << 16 | ps, s -> new ReedSolomon[] {
                new JavaReedSolomon(ds, ps), new NativeReedSolomon(ds, ps)});
        }

        ReedSolomon java(int ds, int ps) {
            return get(ds, ps)[0];
        }

        ReedSolomon nativeCodec(int ds, int ps) {
            return get(ds, ps)[1];
        }

        @Override
        public void close() {
            for (ReedSolomon[] cs : byShape.values()) {
                for (ReedSolomon c : cs) c.close();
            }
            byShape.clear();
        }
    }
}
