package io.kcp.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.nativelib.NativeLoader;

/** The loader's decisions in the states a test JVM of this build is never in. */
class NativeLibraryTest {

    private static final String FALLBACK_LINE = "kcp-java native kernel unavailable";

    @Test
    void modeSwitchAcceptsTheThreeValuesAndRejectsOthers() {
        assertEquals(NativeLibrary.Mode.AUTO, NativeLibrary.parseMode(null));
        assertEquals(NativeLibrary.Mode.AUTO, NativeLibrary.parseMode(""));
        assertEquals(NativeLibrary.Mode.AUTO, NativeLibrary.parseMode("auto"));
        assertEquals(NativeLibrary.Mode.DISABLE, NativeLibrary.parseMode("Disable"));
        assertEquals(NativeLibrary.Mode.REQUIRE, NativeLibrary.parseMode(" require "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NativeLibrary.parseMode("true"));
        assertTrue(e.getMessage().contains("auto, disable, require"), e.getMessage());
    }

    @Test
    void missingResourceIsNamedInTheCause() {
        Throwable original = new java.io.IOException("Couldn't load library library kcpjava");
        Throwable cause = NativeLibrary.diagnoseLoadFailure(original, "natives/nowhere/libx.so");
        assertNotNull(cause);
        assertTrue(cause.getMessage().contains("natives/nowhere/libx.so"), cause.getMessage());
        assertEquals(original, cause.getSuppressed()[0]);
    }

    @Test
    void unloadableResourceReportsTheJvmsOwnMessage(@TempDir Path dir) throws IOException {
        // A truncated or foreign-architecture library: the JVM's reason must reach the user.
        Path fake = dir.resolve("natives/fake/" + System.mapLibraryName("fake"));
        Files.createDirectories(fake.getParent());
        Path launcher = Paths.get(System.getProperty("java.home"), "bin", "java");
        if (System.getProperty("os.name").startsWith("Linux") && Files.isRegularFile(launcher)) {
            // An ELF executable, not a library: garbage bytes would also make HotSpot warn
            // about the stack guard of a file it cannot parse.
            Files.copy(launcher, fake);
        } else {
            Files.write(fake, "not a shared library".getBytes(StandardCharsets.US_ASCII));
        }
        Throwable cause = NativeLibrary.diagnoseLoadFailure(new IOException("hidden"),
                fake.toUri().toURL());
        assertNotNull(cause);
        UnsatisfiedLinkError jvm = assertInstanceOf(UnsatisfiedLinkError.class, cause.getCause());
        assertNotNull(jvm.getMessage());
        assertTrue(cause.getMessage().contains(jvm.getMessage()), cause.getMessage());
    }

    @Test
    void autoModeFallsBackWithExactlyOneLogLine() throws Exception {
        Result r = runProbe("auto");
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.stdout.contains("kernel=JAVA"), r.toString());
        assertEquals(1, count(r.stderr, FALLBACK_LINE), r.toString());
        assertTrue(r.stderr.contains(NativeLibrary.resourcePath()), r.toString());
    }

    @Test
    void requireModeFailsNamingTheCause() throws Exception {
        Result r = runProbe("require");
        assertEquals(3, r.exit, r.toString());
        assertTrue(r.stdout.contains("error=kcp-java native kernel unavailable (-Dkcp.native=require)"),
                r.toString());
        assertTrue(r.stdout.contains(NativeLibrary.resourcePath()), r.toString());
    }

    @Test
    void disableModeIsQuiet() throws Exception {
        Result r = runProbe("disable");
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.stdout.contains("kernel=JAVA"), r.toString());
        assertEquals(0, count(r.stderr, FALLBACK_LINE), r.toString());
    }

    @Test
    void misspeltModeIsAnErrorNotAFallback() throws Exception {
        Result r = runProbe("requried");
        assertEquals(3, r.exit, r.toString());
        assertTrue(r.stdout.contains("is not one of auto, disable, require"), r.toString());
    }

    @Test
    void availabilityIsDecidedOncePerJvm() {
        assertEquals(NativeLibrary.isAvailable(), NativeLibrary.isAvailable());
        assertTrue(NativeLibrary.unavailabilityCause() == NativeLibrary.unavailabilityCause());
    }

    private record Result(int exit, String stdout, String stderr) {}

    /** A child JVM with classes and dependencies but without the natives directory. */
    private static Result runProbe(String mode) throws Exception {
        List<String> cp = new ArrayList<>();
        for (Class<?> c : new Class<?>[] {NativeLibrary.class, NativeLibraryProbe.class,
                NativeLoader.class, org.slf4j.LoggerFactory.class}) {
            cp.add(Paths.get(c.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toString());
        }
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Dkcp.native=" + mode,
                "-Djava.library.path=" + emptyDir(),
                "-cp", String.join(File.pathSeparator, cp), NativeLibraryProbe.class.getName());
        pb.environment().remove("LD_LIBRARY_PATH");
        Path err = Files.createTempFile("kcp-probe", ".err");
        try {
            pb.redirectError(err.toFile());
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe JVM did not finish");
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                    Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private static String emptyDir() throws IOException {
        Path dir = Files.createTempDirectory("kcp-empty-lib-path");
        dir.toFile().deleteOnExit();
        return dir.toString();
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void theMissingPlatformJarIsNamedByItsMavenCoordinates() {
        assertEquals("linux-x86_64", NativeLibrary.platformClassifier("Linux", "amd64"));
        assertEquals("linux-aarch_64", NativeLibrary.platformClassifier("Linux", "aarch64"));
        assertEquals("windows-x86_64", NativeLibrary.platformClassifier("Windows 11", "amd64"));
        assertEquals("osx-aarch_64", NativeLibrary.platformClassifier("Mac OS X", "aarch64"));
        assertEquals("osx-x86_64", NativeLibrary.platformClassifier("Mac OS X", "x86_64"));
        assertTrue(NativeLibrary.platformArtifact().startsWith("io.kcp:kcp-java:"));
    }
}
