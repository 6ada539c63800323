package io.kcp.cli;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** Log lines as kcptun writes them ({@code 2006/01/02 15:04:05 text}), to stderr or a file. */
final class TunnelLog implements AutoCloseable {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss");

    private final PrintStream out;
    private final boolean ownsStream;

    private TunnelLog(PrintStream out, boolean ownsStream) {
        this.out = out;
        this.ownsStream = ownsStream;
    }

    /** Appends to {@code file} if it is not empty, else writes to {@code err}. */
    static TunnelLog open(PrintStream err, String file) throws IOException {
        if (file == null || file.isEmpty()) return new TunnelLog(err, false);
        return new TunnelLog(new PrintStream(new FileOutputStream(file, true), true, StandardCharsets.UTF_8), true);
    }

    synchronized void line(String text) {
        out.println(STAMP.format(LocalDateTime.now()) + " " + text);
        out.flush();
    }

    @Override
    public void close() {
        if (ownsStream) out.close();
    }
}
