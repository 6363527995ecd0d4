package dev.smok.runtime;

import java.io.PrintStream;

/**
 * Training progress: a redrawn bar on a terminal, plain lines otherwise (logs, pipes, CI).
 * Redraws at most ten times a second, so it costs nothing measurable.
 */
public final class ProgressBar {
    private final PrintStream out;
    private final boolean terminal;
    private long lastDraw;

    /** Progress to {@code out}: a redrawn bar when {@code terminal}, else one line per epoch. */
    public ProgressBar(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** A bar on standard error when it is a terminal (Console.isTerminal), plain lines otherwise. */
    public static ProgressBar forConsole() {
        java.io.Console c = System.console();
        return new ProgressBar(System.err, c != null && c.isTerminal());
    }

    /** Shows progress within an epoch; {@code done} of {@code total} samples. */
    public void update(int epoch, int epochs, int done, int total, double loss, double imagesPerSecond) {
        if (!terminal) return;
        long now = System.nanoTime();
        if (now - lastDraw < 100_000_000L && done < total) return;
        lastDraw = now;
        int width = 30, filled = (int) ((long) width * done / Math.max(1, total));
        out.printf("\repoch %d/%d [%s%s] %3d%% loss %.4f %,.0f img/s ", epoch, epochs, "=".repeat(filled),
                " ".repeat(width - filled), 100L * done / Math.max(1, total), loss, imagesPerSecond);
        out.flush();
    }

    /** Ends an epoch with a summary line (replacing the bar on a terminal). */
    public void epochDone(String line) {
        out.print(terminal ? "\r\033[K" + line + "\n" : line + "\n");
        out.flush();
    }
}
