package io.kcp.cli;

import io.kcp.Kcp;
import io.kcp.Snmp;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * kcptun's {@code -snmplog FILE -snmpperiod S}: every S seconds one CSV row of the process-wide
 * counters ({@link Kcp#counters()}) is appended to FILE, a header first when the file is new.
 * FILE may contain a Go time layout ({@code ./snmp-20060102.log}, see {@link GoTimeLayout}), so
 * that the rows go to a new file each day (or hour, ...). A failed write is reported and the
 * next period tries again.
 */
final class SnmpLog implements AutoCloseable {

    private final String path;
    private final Consumer<String> onError;
    private final ScheduledExecutorService timer;

    private SnmpLog(String path, long periodSeconds, Consumer<String> onError) {
        this.path = path;
        this.onError = onError;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kcp-snmplog");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::row, periodSeconds, periodSeconds, TimeUnit.SECONDS);
    }

    /**
     * Starts writing rows; null when {@code path} is empty or {@code periodSeconds} is not
     * positive (kcptun's way of turning the log off).
     *
     * @param onError gets one line for each failed write
     */
    static SnmpLog start(String path, long periodSeconds, Consumer<String> onError) {
        if (path == null || path.isEmpty() || periodSeconds <= 0) return null;
        return new SnmpLog(path, periodSeconds, onError);
    }

    /**
     * A usage problem with {@code path}, or null: its directory must exist (the file is
     * created at the first row).
     */
    static String problem(String path) {
        if (path == null || path.isEmpty()) return null;
        Path dir = Path.of(path).toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) return "no directory " + dir + " for " + path;
        return null;
    }

    /** The file the rows go to at time {@code t}: the layout in the file name filled in. */
    static Path file(String path, LocalDateTime t) {
        Path p = Path.of(path);
        String name = p.getFileName() == null ? path : p.getFileName().toString();
        return (p.getParent() == null ? Path.of("") : p.getParent()).resolve(GoTimeLayout.format(name, t));
    }

    /** Appends one row now (a header first in a new file). */
    synchronized void row() {
        Path file = file(path, LocalDateTime.now());
        try {
            boolean fresh = !Files.exists(file) || Files.size(file) == 0;
            try (PrintStream w = new PrintStream(new FileOutputStream(file.toFile(), true), false,
                    StandardCharsets.UTF_8)) {
                if (fresh) w.print("Unix," + String.join(",", Snmp.header()) + "\n");
                w.print(System.currentTimeMillis() / 1000 + "," + String.join(",", Kcp.counters().values()) + "\n");
            }
        } catch (IOException | RuntimeException e) {
            onError.accept("snmplog " + file + ": " + e);
        }
    }

    /** Stops the timer; a run shorter than the period still leaves one row (the last one). */
    @Override
    public void close() {
        timer.shutdownNow();
        row();
    }
}
