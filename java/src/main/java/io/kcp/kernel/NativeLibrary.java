package io.kcp.kernel;

import io.kcp.arq.ArqField;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import org.scijava.nativelib.DefaultJniExtractor;
import org.scijava.nativelib.NativeLibraryUtil;

/**
 * Loads the native kernel ({@code libkcpjava}) once per JVM and says whether it can be used.
 *
 * <p>The system property {@value #MODE_PROPERTY} selects the behaviour:
 * <ul>
 *   <li>{@code auto} (default): use the native kernel if it loads and matches this jar, else fall
 *       back to the Java kernel and log one line with the reason;</li>
 *   <li>{@code disable}: never load it;</li>
 *   <li>{@code require}: {@link #isAvailable()} throws an {@link UnsatisfiedLinkError} naming the
 *       cause instead of falling back.</li>
 * </ul>
 *
 * <p>The library is found by native-lib-loader under {@code natives/<platform>/} on the class
 * path (the platform jar, classifier e.g. {@code linux-x86_64}) and loaded by this class. JDK 22+
 * warns about native access unless the JVM runs with {@code --enable-native-access=io.kcp} (on
 * the module path) or {@code ALL-UNNAMED} (on the class path). Nothing is printed unless the
 * library is unusable in {@code auto} mode.
 */
public final class NativeLibrary {

    /** The system property that selects auto, disable or require. */
    public static final String MODE_PROPERTY = "kcp.native";

    /** Must equal KCP_ABI_VERSION in native/include/kcp/arq.h (checked at load). */
    static final int ABI_VERSION = 6;

    static final String LIBRARY_NAME = "kcpjava";

    enum Mode { AUTO, DISABLE, REQUIRE }

    private NativeLibrary() {}

    /** The loading decision, made on first use and kept for the life of the JVM. */
    private static final class Holder {
        static final Mode MODE;
        static final Throwable CAUSE;

        static {
            Mode mode;
            Throwable cause;
            try {
                mode = parseMode(System.getProperty(MODE_PROPERTY));
                cause = mode == Mode.DISABLE
                        ? new UnsupportedOperationException(
                                "disabled by -D" + MODE_PROPERTY + "=disable")
                        : load();
            } catch (IllegalArgumentException e) {
                // A misspelt switch must not silently mean "auto".
                mode = Mode.REQUIRE;
                cause = e;
            }
            MODE = mode;
            CAUSE = cause;
            if (mode == Mode.AUTO && cause != null) {
                System.getLogger(NativeLibrary.class.getName()).log(System.Logger.Level.WARNING,
                        "kcp-java native kernel unavailable, using the Java kernel: "
                                + describe(cause));
            }
        }
    }

    /**
     * True when the native kernel is loaded and matches this jar.
     *
     * @throws UnsatisfiedLinkError in {@code require} mode when it is not
     */
    public static boolean isAvailable() {
        if (Holder.CAUSE == null) {
            return true;
        }
        if (Holder.MODE == Mode.REQUIRE) {
            throw unavailable();
        }
        return false;
    }

    /** Why the native kernel is not used, or null when it is available. Never throws. */
    public static Throwable unavailabilityCause() {
        return Holder.CAUSE;
    }

    /** Throws an {@link UnsatisfiedLinkError} naming the cause unless the kernel is available. */
    public static void ensureAvailable() {
        if (Holder.CAUSE != null) {
            throw unavailable();
        }
    }

    private static UnsatisfiedLinkError unavailable() {
        UnsatisfiedLinkError e = new UnsatisfiedLinkError(
                "kcp-java native kernel unavailable (-D" + MODE_PROPERTY + "="
                        + Holder.MODE.name().toLowerCase(Locale.ROOT) + "): "
                        + describe(Holder.CAUSE));
        e.initCause(Holder.CAUSE);
        return e;
    }

    static Mode parseMode(String value) {
        if (value == null || value.isBlank()) {
            return Mode.AUTO;
        }
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "auto": return Mode.AUTO;
            case "disable": return Mode.DISABLE;
            case "require": return Mode.REQUIRE;
            default:
                throw new IllegalArgumentException("-D" + MODE_PROPERTY + "=" + value
                        + " is not one of auto, disable, require");
        }
    }

    /**
     * Loads and checks the library; returns null on success, else the cause. A copy on
     * {@code java.library.path} comes first (as with native-lib-loader's own loader); otherwise
     * native-lib-loader finds this platform's library on the class path and extracts it, and
     * the load itself happens here, so that JDK 22+'s native-access check names this module.
     */
    private static Throwable load() {
        try {
            System.loadLibrary(LIBRARY_NAME);
            return checkAbi();
        } catch (UnsatisfiedLinkError | SecurityException notOnLibraryPath) {
            // the usual case: the library comes from the platform jar
        }
        String resource;
        File extracted;
        try {
            QuietSlf4j.settle();
            String dir = NativeLibraryUtil.getPlatformLibraryPath(NativeLibraryUtil.DEFAULT_SEARCH_PATH);
            resource = dir + System.mapLibraryName(LIBRARY_NAME);
            extracted = new DefaultJniExtractor(NativeLibrary.class).extractJni(dir, LIBRARY_NAME);
        } catch (NoClassDefFoundError e) {
            // native-lib-loader or its slf4j-api is missing from the class path
            return new IllegalStateException("cannot use native-lib-loader: " + e.getMessage()
                    + " is missing from the class path", e);
        } catch (IOException e) {
            return diagnoseLoadFailure(e, resourcePath());
        }
        if (extracted == null) {
            return diagnoseLoadFailure(new UnsatisfiedLinkError("not found: " + resource), resource);
        }
        try {
            System.load(extracted.getAbsolutePath());
        } catch (UnsatisfiedLinkError | SecurityException e) {
            Throwable diagnosis = diagnoseLoadFailure(e, resource);
            if (diagnosis != null) {
                return diagnosis;
            }
            // Our own extraction loaded it where native-lib-loader's failed: go on to the checks.
        } finally {
            discardExtracted(extracted);
        }
        return checkAbi();
    }

    /** The library file native-lib-loader extracted in this JVM, or null (tests check it is gone). */
    static volatile File extractedCopy;

    /**
     * Deletes the extracted copy and native-lib-loader's directory around it as soon as the library
     * is loaded: the loaded library stays mapped, and a JVM that is killed leaves nothing in the
     * temp directory. Where a loaded library cannot be deleted (Windows), the extractor's
     * delete-on-exit remains.
     */
    private static void discardExtracted(File extracted) {
        extractedCopy = extracted;
        if (extracted.delete()) {
            File dir = extracted.getParentFile();
            String[] left = dir == null ? null : dir.list();
            if (left != null && left.length == 0 && dir.getName().startsWith("nativelib-loader_")) {
                dir.delete();
            }
        }
    }

    /** A library from java.library.path or LD_LIBRARY_PATH wins over the jar's: verify it. */
    static Throwable checkAbi() {
        int abi;
        int fields;
        try {
            abi = abiVersion0();
            fields = arqFieldCount0();
        } catch (UnsatisfiedLinkError e) {
            return new IllegalStateException("stale " + System.mapLibraryName(LIBRARY_NAME)
                    + " (a copy on java.library.path or LD_LIBRARY_PATH?): " + e.getMessage(), e);
        }
        if (abi != ABI_VERSION || fields != ArqField.COUNT) {
            return new IllegalStateException("stale " + System.mapLibraryName(LIBRARY_NAME)
                    + " (a copy on java.library.path or LD_LIBRARY_PATH?): it has ABI " + abi
                    + " with " + fields + " ARQ fields, this jar needs ABI " + ABI_VERSION
                    + " with " + ArqField.COUNT);
        }
        return null;
    }

    /** Where native-lib-loader looks for the library on the class path, for this platform. */
    static String resourcePath() {
        return NativeLibraryUtil.getPlatformLibraryPath(NativeLibraryUtil.DEFAULT_SEARCH_PATH)
                + System.mapLibraryName(LIBRARY_NAME);
    }

    /**
     * native-lib-loader reports only "Couldn't load library" and logs the real reason at DEBUG.
     * Find it: is the resource there at all, and what does the JVM say when loading it?
     * Returns the cause, or null if loading our own extracted copy succeeded.
     */
    static Throwable diagnoseLoadFailure(Throwable original, String resource) {
        URL url = NativeLibrary.class.getClassLoader() == null
                ? ClassLoader.getSystemResource(resource)
                : NativeLibrary.class.getClassLoader().getResource(resource);
        if (url == null) {
            Throwable cause = new UnsatisfiedLinkError("no " + resource + " on the class path for "
                    + System.getProperty("os.name") + "/" + System.getProperty("os.arch")
                    + ": add " + platformArtifact() + " next to the kcp-java jar");
            cause.addSuppressed(original);
            return cause;
        }
        return diagnoseLoadFailure(original, url);
    }

    /** Loads our own copy of {@code url} to capture the JVM's message; null if that worked. */
    static Throwable diagnoseLoadFailure(Throwable original, URL url) {
        Path copy = null;
        try {
            copy = Files.createTempFile("kcpjava-", "-" + System.mapLibraryName(LIBRARY_NAME));
            try (InputStream in = url.openStream()) {
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            }
            System.load(copy.toAbsolutePath().toString());
            return null;
        } catch (IOException e) {
            Throwable cause = new UnsatisfiedLinkError("cannot extract " + url + " to "
                    + (copy != null ? copy : System.getProperty("java.io.tmpdir")) + ": " + e);
            cause.addSuppressed(original);
            return cause;
        } catch (UnsatisfiedLinkError | SecurityException e) {
            Throwable cause = new UnsatisfiedLinkError("cannot load " + url + ": " + e.getMessage());
            cause.initCause(e);
            cause.addSuppressed(original);
            return cause;
        } finally {
            if (copy != null) {
                // Linux keeps a loaded library mapped after its file is gone.
                try {
                    Files.deleteIfExists(copy);
                } catch (IOException ignored) {
                    copy.toFile().deleteOnExit();
                }
            }
        }
    }

    /**
     * The Maven coordinates of this platform's jar, e.g. {@code io.kcp:kcp-java:0.1.0:linux-x86_64}
     * (os-maven-plugin's classifier names).
     */
    static String platformArtifact() {
        String version = NativeLibrary.class.getPackage().getImplementationVersion();
        return "io.kcp:kcp-java:" + (version != null ? version : "<version>") + ":"
                + platformClassifier(System.getProperty("os.name"), System.getProperty("os.arch"));
    }

    /** os-maven-plugin's classifier for an os.name and os.arch, e.g. {@code linux-aarch_64}. */
    static String platformClassifier(String osName, String osArch) {
        String n = osName.toLowerCase(Locale.ROOT);
        String os = n.startsWith("linux") ? "linux" : n.startsWith("windows") ? "windows"
                : n.startsWith("mac") || n.startsWith("darwin") ? "osx" : n.replaceAll("[^a-z0-9]", "");
        String a = osArch.toLowerCase(Locale.ROOT);
        String arch = a.equals("amd64") || a.equals("x86_64") ? "x86_64"
                : a.equals("aarch64") || a.equals("arm64") ? "aarch_64" : a;
        return os + "-" + arch;
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        return message != null ? message : cause.toString();
    }

    static native int abiVersion0();

    static native int arqFieldCount0();
}
