package io.kcp.kernel;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ServiceLoader;

/**
 * native-lib-loader logs through SLF4J. An application without an SLF4J binding would then get
 * SLF4J's "no binding" notice on standard error, three lines in every program that uses
 * kcp-java, although it never asked for logging. When (and only when) no binding is present,
 * SLF4J is initialised here once with standard error silenced for that instant, so it settles
 * on its no-operation logger without a word; with a binding, nothing is touched and
 * native-lib-loader logs where the application configured.
 */
final class QuietSlf4j {

    private static boolean done;

    private QuietSlf4j() {
    }

    /** Settles SLF4J quietly if it has no binding; idempotent. */
    static synchronized void settle() {
        if (done) return;
        done = true;
        ClassLoader loader = QuietSlf4j.class.getClassLoader();
        if (!present("org.slf4j.LoggerFactory", loader) || hasBinding(loader)) return;
        PrintStream err = System.err;
        // Another thread's output to standard error in this instant is lost: a price paid once,
        // at the first session, instead of three lines of noise in every application.
        System.setErr(new PrintStream(OutputStream.nullOutputStream()));
        try {
            Class.forName("org.slf4j.LoggerFactory", true, loader)
                    .getMethod("getILoggerFactory").invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            // SLF4J is broken in this application; native-lib-loader will say so itself
        } finally {
            System.setErr(err);
        }
    }

    /** An SLF4J 1.x binding, or an SLF4J 2.x provider. */
    private static boolean hasBinding(ClassLoader loader) {
        if (present("org.slf4j.impl.StaticLoggerBinder", loader)) return true;
        try {
            Class<?> provider = Class.forName("org.slf4j.spi.SLF4JServiceProvider", false, loader);
            return ServiceLoader.load(provider, loader).iterator().hasNext();
        } catch (ClassNotFoundException | LinkageError | java.util.ServiceConfigurationError e) {
            return false;
        }
    }

    private static boolean present(String name, ClassLoader loader) {
        try {
            Class.forName(name, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
