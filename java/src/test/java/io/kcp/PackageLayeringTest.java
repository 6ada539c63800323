package io.kcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library's packages depend on each other in one direction only (jdeps over the compiled
 * classes): the API on the transport, the transport on the pipelines, the pipelines on the
 * kernels, the kernels on the ARQ and FEC, everything on the wire format. A cycle would mean two
 * packages that can only be understood together.
 */
@Tag("kernel-independent")
class PackageLayeringTest {

    @Test
    void thePackagesFormNoCycle(@TempDir Path copy) throws Exception {
        Path classes = Paths.get("target", "classes", "io");
        assertTrue(Files.isDirectory(classes), "run after compiling: " + classes.toAbsolutePath());
        copyTree(classes, copy.resolve("io")); // without module-info: jdeps need not resolve modules
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        StringWriter out = new StringWriter();
        int rc = jdeps.run(new PrintWriter(out), new PrintWriter(out), "-verbose:package",
                "-filter:none", "--multi-release", "17", copy.toString());
        assertEquals(0, rc, out.toString());
        Map<String, Set<String>> uses = new HashMap<>();
        for (String line : out.toString().split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 3 && f[0].startsWith("io.kcp") && f[1].equals("->")
                    && f[2].startsWith("io.kcp") && !f[0].equals(f[2])) {
                uses.computeIfAbsent(f[0], k -> new HashSet<>()).add(f[2]);
            }
        }
        assertTrue(uses.containsKey("io.kcp"), "jdeps said nothing usable: " + out);
        List<String> cycle = findCycle(uses);
        assertEquals(List.of(), cycle, "package cycle");
    }

    private static List<String> findCycle(Map<String, Set<String>> uses) {
        Map<String, Integer> state = new HashMap<>(); // 1 on the path, 2 done
        for (String start : uses.keySet()) {
            List<String> path = new ArrayList<>();
            if (visit(start, uses, state, path)) return path;
        }
        return List.of();
    }

    private static boolean visit(String p, Map<String, Set<String>> uses, Map<String, Integer> state,
                                 List<String> path) {
        Integer s = state.get(p);
        if (s != null && s == 2) return false;
        path.add(p);
        if (s != null && s == 1) return true;
        state.put(p, 1);
        for (String q : uses.getOrDefault(p, Set.of())) {
            if (visit(q, uses, state, path)) return true;
        }
        state.put(p, 2);
        path.remove(path.size() - 1);
        return false;
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target); else Files.copy(p, target);
            }
        }
    }
}
