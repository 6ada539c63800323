package io.kcp.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns JMH result files ({@code -rf json}) of the Reed-Solomon, CRC-32 and cipher benchmarks
 * into one table: operation, implementation, ns/op as JMH scores it (mean ± 99.9% error), the
 * best measurement iteration, and from that GB/s of payload (µs/op for ciphers). The best
 * iteration is what the code can do; on a shared machine the mean also measures the neighbours.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.kcp.bench.BenchTable rs.json crc.json ciphers.json</pre>
 */
public final class BenchTable {

    private BenchTable() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: BenchTable <jmh-result.json>...");
            System.exit(2);
        }
        List<Row> rows = new ArrayList<>();
        for (String file : args) {
            String text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
            for (Object o : (List<?>) new Json(text).value()) {
                rows.add(row((Map<?, ?>) o, rows.size()));
            }
        }
        rows.sort(Comparator.comparing(Row::order));
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"operation", "implementation", "ns/op (mean)", "ns/op (best)",
            "GB/s or µs/op (best)"});
        for (Row r : rows) {
            cells.add(new String[] {r.op, r.impl, r.ns, r.best, r.rate});
        }
        print(cells);
    }

    /** A table row; {@code order} groups rows: RS as run, CRC by size, each cipher's two ops together. */
    record Row(String order, String op, String impl, String ns, String best, String rate) {
    }

    /** One benchmark result as a table row; {@code seq} is its position in the input. */
    static Row row(Map<?, ?> result, int seq) {
        String name = (String) result.get("benchmark");
        String bench = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
        Map<?, ?> params = result.get("params") instanceof Map ? (Map<?, ?>) result.get("params") : Map.of();
        Map<?, ?> metric = (Map<?, ?>) result.get("primaryMetric");
        double mean = ((Number) metric.get("score")).doubleValue();
        double bestNs = Double.MAX_VALUE; // the best iteration of any fork
        for (Object fork : (List<?>) metric.get("rawData")) {
            for (Object v : (List<?>) fork) {
                bestNs = Math.min(bestNs, ((Number) v).doubleValue());
            }
        }
        Object err = metric.get("scoreError");
        String unit = (String) metric.get("scoreUnit");
        if (!unit.equals("ns/op")) {
            throw new IllegalArgumentException(name + ": expected ns/op, got " + unit);
        }
        String ns = err instanceof Number && !Double.isNaN(((Number) err).doubleValue())
                ? fmt(mean) + " ± " + fmt(((Number) err).doubleValue())
                : fmt(mean);
        String best = fmt(bestNs);
        String method = bench.substring(bench.indexOf('.') + 1);
        if (bench.startsWith("ReedSolomonBenchmark.")) {
            int len = Integer.parseInt((String) params.get("shardLen"));
            String what = method.equals("encode") ? "encode"
                    : method.equals("reconstructLost1") ? "reconstruct, 1 lost"
                    : method.equals("reconstructLost3") ? "reconstruct, 3 lost" : method;
            return new Row(String.format(Locale.ROOT, "0 %06d", seq),
                    "RS " + ReedSolomonBenchmark.DATA + "+" + ReedSolomonBenchmark.PARITY + " x " + len
                            + " B " + what,
                    (params.get("impl").equals("java") ? "java" : "C " + params.get("impl"))
                            + (params.get("buffer") == null || "direct".equals(params.get("buffer"))
                                    ? "" : ", " + params.get("buffer")),
                    ns, best,
                    String.format(Locale.ROOT, "%.2f GB/s", ReedSolomonBenchmark.DATA * len / bestNs));
        }
        if (bench.startsWith("Crc32Benchmark.")) {
            int size = Integer.parseInt((String) params.get("size"));
            String impl = params.get("impl").equals("native")
                    ? "native " + params.get("path") + " (JNI)"
                    : String.valueOf(params.get("impl"));
            if (params.get("buffer") != null && !"direct".equals(params.get("buffer"))) {
                impl += ", " + params.get("buffer");
            }
            return new Row(String.format(Locale.ROOT, "1 %08d %06d", size, seq), "CRC32 " + size + " B",
                    impl, ns, best, String.format(Locale.ROOT, "%.2f GB/s", size / bestNs));
        }
        if (bench.startsWith("PacketCipherBenchmark.")) {
            String cipher = String.valueOf(params.get("cipher"));
            int first = CIPHER_ORDER.computeIfAbsent(cipher, c -> CIPHER_ORDER.size());
            return new Row(String.format(Locale.ROOT, "2 %04d %s", first,
                    method.equals("encrypt") ? "0" : "1" + method),
                    method + " " + params.get("size") + " B", cipher, ns, best,
                    String.format(Locale.ROOT, "%.3f µs", bestNs / 1000));
        }
        return new Row(String.format(Locale.ROOT, "3 %06d", seq), bench, params.toString(), ns, best, "");
    }

    /** Ciphers in the order they first appear (JMH runs each method over all of them in turn). */
    private static final Map<String, Integer> CIPHER_ORDER = new LinkedHashMap<>();

    private static String fmt(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.1f", v);
    }

    /** A Markdown table, columns padded so it also reads as plain text. */
    static void print(List<String[]> rows) {
        int[] w = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        StringBuilder s = new StringBuilder();
        for (int n = 0; n < rows.size(); n++) {
            String[] r = rows.get(n);
            s.append('|');
            for (int i = 0; i < r.length; i++) {
                // numbers right-aligned, text left-aligned
                String pad = " ".repeat(w[i] - r[i].length());
                s.append(' ').append(i >= 2 && n > 0 ? pad + r[i] : r[i] + pad).append(" |");
            }
            s.append('\n');
            if (n == 0) {
                s.append('|');
                for (int i = 0; i < r.length; i++) {
                    s.append(i >= 2 ? "-".repeat(w[i] + 1) + ":|" : "-".repeat(w[i] + 2) + "|");
                }
                s.append('\n');
            }
        }
        System.out.print(s);
    }

    /** Just enough JSON for JMH's result files: objects, arrays, strings, numbers, literals. */
    static final class Json {
        private final String s;
        private int i;

        Json(String s) {
            this.s = s;
        }

        Object value() {
            skip();
            char c = s.charAt(i);
            switch (c) {
                case '{': return object();
                case '[': return array();
                case '"': return string();
                default: return literal();
            }
        }

        private Map<String, Object> object() {
            Map<String, Object> m = new LinkedHashMap<>();
            i++;
            skip();
            if (s.charAt(i) == '}') {
                i++;
                return m;
            }
            while (true) {
                skip();
                String key = string();
                skip();
                expect(':');
                m.put(key, value());
                skip();
                if (s.charAt(i++) == '}') {
                    return m;
                }
            }
        }

        private List<Object> array() {
            List<Object> a = new ArrayList<>();
            i++;
            skip();
            if (s.charAt(i) == ']') {
                i++;
                return a;
            }
            while (true) {
                a.add(value());
                skip();
                if (s.charAt(i++) == ']') {
                    return a;
                }
            }
        }

        private String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            for (char c = s.charAt(i++); c != '"'; c = s.charAt(i++)) {
                if (c == '\\') {
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n': b.append('\n'); break;
                        case 't': b.append('\t'); break;
                        case 'r': b.append('\r'); break;
                        case 'b': b.append('\b'); break;
                        case 'f': b.append('\f'); break;
                        case 'u': b.append((char) Integer.parseInt(s.substring(i, i + 4), 16)); i += 4; break;
                        default: b.append(e);
                    }
                } else {
                    b.append(c);
                }
            }
            return b.toString();
        }

        private Object literal() {
            int start = i;
            while (i < s.length() && ",]} \t\r\n".indexOf(s.charAt(i)) < 0) {
                i++;
            }
            String t = s.substring(start, i);
            switch (t) {
                case "true": return Boolean.TRUE;
                case "false": return Boolean.FALSE;
                case "null": return null;
                default: return Double.valueOf(t); // also NaN and Infinity, which JMH may write
            }
        }

        private void expect(char c) {
            if (s.charAt(i) != c) {
                throw new IllegalArgumentException("JSON: expected '" + c + "' at " + i);
            }
            i++;
        }

        private void skip() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }
    }
}
