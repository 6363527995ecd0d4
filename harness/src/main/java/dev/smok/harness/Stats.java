/*
 * Stats: the summary of a system's timed windows — median and best of the per-iteration
 * times, over all windows and over the quiet (not busy) ones.
 */
package dev.smok.harness;

import java.util.Arrays;
import java.util.List;

/** Order statistics over per-iteration times (any unit; the harness uses nanoseconds). */
public final class Stats {
    private Stats() {}

    /** The median; the mean of the two middle values for an even count. */
    public static double median(double[] v) {
        if (v.length == 0) throw new IllegalArgumentException("median of no values");
        double[] s = v.clone();
        Arrays.sort(s);
        int h = s.length / 2;
        return s.length % 2 == 1 ? s[h] : (s[h - 1] + s[h]) / 2;
    }

    /** The smallest value (the best time). */
    public static double best(double[] v) {
        if (v.length == 0) throw new IllegalArgumentException("best of no values");
        return Arrays.stream(v).min().getAsDouble();
    }

    /** Relative spread of the middle half: (q3 − q1) / median. */
    public static double relativeIqr(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        double q1 = quantile(s, 0.25), q3 = quantile(s, 0.75);
        return (q3 - q1) / median(v);
    }

    private static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos), hi = (int) Math.ceil(pos);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }

    /** One timed window: time per iteration and the machine's load meanwhile. */
    public record Window(double nanosPerIteration, int iterations, MachineLoad.Window load) {}

    /** The summary of one system on one workload. */
    public record Summary(double median, double best, double iqr, int windows, int busyWindows, boolean fromQuietWindowsOnly) {}

    /**
     * Median and best of the windows. When at least half the windows are quiet (not busy at
     * {@code busyThreshold}), only the quiet ones count; otherwise all do and the summary says so.
     */
    public static Summary summarize(List<Window> windows, double busyThreshold) {
        double[] all = windows.stream().mapToDouble(Window::nanosPerIteration).toArray();
        double[] quiet = windows.stream().filter(w -> !w.load().busy(busyThreshold)).mapToDouble(Window::nanosPerIteration).toArray();
        int busy = all.length - quiet.length;
        boolean useQuiet = quiet.length > 0 && quiet.length * 2 >= all.length;
        double[] v = useQuiet ? quiet : all;
        return new Summary(median(v), best(v), relativeIqr(v), all.length, busy, useQuiet && busy > 0);
    }
}
