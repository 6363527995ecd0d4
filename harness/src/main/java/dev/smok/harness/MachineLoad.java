/*
 * MachineLoad: how busy the machine was during a timed window. Reads /proc/stat (all CPUs) and
 * /proc/<pid>/stat of this JVM and of the system's helper processes, so the CPU time of other
 * processes (other engineers' builds) can be told apart from our own.
 */
package dev.smok.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Snapshots of CPU time and the busy-window rule. Times are in clock ticks (USER_HZ). On a
 * machine without {@code /proc} every share reads as unknown (NaN) and no window is flagged.
 */
public final class MachineLoad {
    private MachineLoad() {}

    /** A window is flagged busy when other processes used more than this fraction of all CPUs. */
    public static final double BUSY_OTHERS_SHARE = 0.15;

    /** CPU time at one instant: all CPUs' busy and total ticks, and the ticks of our own processes. */
    public record Snapshot(long busyTicks, long totalTicks, long ownTicks, int ownThreads) {}

    /** One window's load: fractions of all CPUs' time (0..1) used by others and by us, and our thread count. */
    public record Window(double othersShare, double ownShare, int threads) {
        /** Whether the window was taken while other processes used more than {@code threshold} of the machine. */
        public boolean busy(double threshold) { return !Double.isNaN(othersShare) && othersShare > threshold; }
        public boolean busy() { return busy(BUSY_OTHERS_SHARE); }
    }

    /** The load between two snapshots; NaN shares when no CPU time passed or /proc was unreadable. */
    public static Window between(Snapshot before, Snapshot after) {
        long total = after.totalTicks - before.totalTicks;
        if (before.totalTicks < 0 || after.totalTicks < 0 || total <= 0) return new Window(Double.NaN, Double.NaN, after.ownThreads);
        long busy = after.busyTicks - before.busyTicks;
        long own = after.ownTicks - before.ownTicks;
        double others = Math.max(0, busy - own) / (double) total;
        return new Window(Math.min(1, others), Math.min(1, Math.max(0, own) / (double) total), after.ownThreads);
    }

    /** Reads /proc now; {@code helperPids} are processes whose CPU time is ours (e.g. the numpy worker). */
    public static Snapshot snapshot(long[] helperPids) {
        try {
            long[] cpu = parseCpuLine(Files.readAllLines(Path.of("/proc/stat")).getFirst());
            long own = processTicks(Files.readString(Path.of("/proc/self/stat")));
            for (long pid : helperPids) {
                Path p = Path.of("/proc/" + pid + "/stat");
                if (Files.exists(p)) own += processTicks(Files.readString(p));
            }
            return new Snapshot(cpu[0], cpu[1], own, threads());
        } catch (IOException | RuntimeException e) {
            return new Snapshot(-1, -1, 0, 0);
        }
    }

    /** {busy, total} ticks from the aggregate "cpu" line of /proc/stat (idle and iowait are not busy; guest time is inside user). */
    static long[] parseCpuLine(String line) {
        String[] f = line.trim().split("\\s+");
        if (!f[0].equals("cpu")) throw new IllegalArgumentException("not the aggregate cpu line: " + line);
        long total = 0, idle = 0;
        for (int i = 1; i < f.length && i <= 8; i++) { // user nice system idle iowait irq softirq steal
            long v = Long.parseLong(f[i]);
            total += v;
            if (i == 4 || i == 5) idle += v;
        }
        return new long[] {total - idle, total};
    }

    /** utime + stime of a /proc/PID/stat line (fields 14 and 15; the command name may contain spaces). */
    static long processTicks(String stat) {
        String rest = stat.substring(stat.lastIndexOf(')') + 2);
        String[] f = rest.trim().split("\\s+");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14, 15 counted from "state" = field 3
    }

    private static int threads() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc/self/status"));
        for (String l : lines) if (l.startsWith("Threads:")) return Integer.parseInt(l.substring(8).trim());
        return 0;
    }
}
