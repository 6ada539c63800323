package io.kcp.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.scijava.nativelib.NativeLibraryUtil;

/**
 * Each platform jar puts its library where native-lib-loader looks on that platform: for every
 * row of native/platforms.tsv (the table native/check-natives.sh checks the jars against),
 * native-lib-loader, given the os.name and os.arch that platform's JVM reports, resolves
 * exactly natives/&lt;dir&gt;/&lt;library&gt;. Only Linux x86-64 can load a library here; this proves the
 * other platforms' half of the contract.
 */
@Tag("kernel-independent")
class PlatformLayoutTest {

    /** One row of native/platforms.tsv. */
    record Platform(String classifier, String dir, String library, String osName, String osArch) {
        String resource() {
            return "natives/" + dir + "/" + library;
        }
    }

    static List<Platform> platforms() throws IOException {
        Path table = Paths.get(System.getProperty("kcp.root", ".."), "native", "platforms.tsv");
        List<Platform> rows = new ArrayList<>();
        for (String line : Files.readAllLines(table, StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] f = line.split("\t");
            assertEquals(7, f.length, () -> "columns in " + line);
            rows.add(new Platform(f[0], f[1], f[2], f[3], f[4]));
        }
        return rows;
    }

    @Test
    void nativeLibLoaderLooksWhereEachPlatformJarPutsItsLibrary() throws Exception {
        List<Platform> rows = platforms();
        assertEquals(Set.of("linux-x86_64", "linux-aarch_64", "windows-x86_64", "osx-x86_64",
                "osx-aarch_64"), classifiers(rows));
        for (Platform p : rows) {
            assertEquals(p.resource(), resolve(p.osName(), p.osArch()), p.classifier());
        }
    }

    @Test
    void otherSpellingsOfTheSamePlatformsResolveAlike() throws Exception {
        // os.name varies with the Windows release; os.arch of x86-64 is amd64 or x86_64.
        assertEquals("natives/windows_64/kcpjava.dll", resolve("Windows Server 2022", "amd64"));
        assertEquals("natives/windows_64/kcpjava.dll", resolve("Windows 11", "x86_64"));
        assertEquals("natives/linux_64/libkcpjava.so", resolve("Linux", "x86_64"));
        assertEquals("natives/osx_64/libkcpjava.dylib", resolve("Mac OS X", "amd64"));
    }

    @Test
    void platformsWithoutAJarResolveToPathsNoJarProvides() throws Exception {
        Set<String> provided = new HashSet<>();
        for (Platform p : platforms()) {
            assertTrue(provided.add(p.resource()), "two platforms share " + p.resource());
        }
        // Windows on ARM and Linux on RISC-V have no jar: the loader must find nothing there
        // (and NativeLibrary then says which resource is missing) rather than a wrong library.
        assertFalse(provided.contains(resolve("Windows 11", "aarch64")));
        assertFalse(provided.contains(resolve("Linux", "riscv64")));
    }

    @Test
    void theLoaderOfThisJvmUsesTheTableRowOfThisPlatform() throws Exception {
        String here = NativeLibrary.resourcePath();
        String osName = System.getProperty("os.name");
        String osArch = System.getProperty("os.arch");
        assertEquals(resolve(osName, osArch), here);
        for (Platform p : platforms()) {
            if (p.resource().equals(here)) return;
        }
        // A JVM on a platform without a jar is fine, but this build machine has one.
        throw new AssertionError("no row of native/platforms.tsv for " + osName + "/" + osArch
                + " (" + here + ")");
    }

    private static Set<String> classifiers(List<Platform> rows) {
        Set<String> names = new HashSet<>();
        for (Platform p : rows) names.add(p.classifier());
        return names;
    }

    /**
     * The resource native-lib-loader loads kcpjava from on a JVM reporting these properties. It
     * reads them once per class loader and caches the answer, so each call uses a fresh loader
     * of its jar (and SLF4J's); the properties are changed only for the duration of the call.
     */
    static String resolve(String osName, String osArch) throws Exception {
        URL[] jars = {
            jarOf(NativeLibraryUtil.class), jarOf(org.slf4j.Logger.class),
            jarOf(Class.forName("org.slf4j.impl.StaticLoggerBinder")),
        };
        String savedName = System.getProperty("os.name");
        String savedArch = System.getProperty("os.arch");
        try (URLClassLoader loader = new URLClassLoader(jars, ClassLoader.getPlatformClassLoader())) {
            System.setProperty("os.name", osName);
            System.setProperty("os.arch", osArch);
            Class<?> util = loader.loadClass(NativeLibraryUtil.class.getName());
            Method path = util.getMethod("getPlatformLibraryPath", String.class);
            Method name = util.getMethod("getPlatformLibraryName", String.class);
            return path.invoke(null, NativeLibraryUtil.DEFAULT_SEARCH_PATH)
                    + (String) name.invoke(null, NativeLibrary.LIBRARY_NAME);
        } finally {
            System.setProperty("os.name", savedName);
            System.setProperty("os.arch", savedArch);
        }
    }

    private static URL jarOf(Class<?> c) {
        return c.getProtectionDomain().getCodeSource().getLocation();
    }
}
