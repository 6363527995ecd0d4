/*
 * BenchRunner: runs a suite. Per workload it opens every system that supports it, checks each
 * system's outputs against the reference, and then times the agreeing systems in rounds,
 * alternating systems window by window (rotating the order each round) so machine noise hits
 * all of them alike. Each window records the machine's load; busy windows are flagged.
 */
package dev.smok.harness;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs workloads on systems and returns one {@link Row} per (workload, system). */
public final class BenchRunner {
    /** Timing parameters. */
    public record Config(int rounds, double windowMillis, double warmupMillis, long seed, double busyThreshold) {
        public static Config defaults() { return new Config(7, 300, 1500, 42, MachineLoad.BUSY_OTHERS_SHARE); }
    }

    /** The outcome of one system on one workload: {@code status} is "ok" or why there are no numbers. */
    public record Row(Workload workload, String system, String status, Outputs.Agreement agreement,
                      Stats.Summary summary, List<Stats.Window> windows, int threads) {
        public boolean ok() { return status.equals("ok"); }
    }

    /** Relative tolerance of the agreement check for each kind of workload (see {@link Outputs#compare}). */
    public static double tolerance(Workload.Kind kind) {
        return switch (kind) {
            case SGEMM, CONV, INFER -> 1e-3;
            case TRAIN -> 5e-3;
        };
    }

    private final List<BenchSystem> systems;
    private final Config config;
    private final PrintStream log;

    public BenchRunner(List<BenchSystem> systems, Config config, PrintStream log) {
        this.systems = systems;
        this.config = config;
        this.log = log;
    }

    /** Runs every workload in order. */
    public List<Row> run(List<Workload> workloads) {
        List<Row> rows = new ArrayList<>();
        for (Workload w : workloads) rows.addAll(run(w));
        return rows;
    }

    /** Runs one workload on every system. Failures of one system become its row; the others go on. */
    public List<Row> run(Workload w) {
        log.printf("== %s (%.1f MFLOP per iteration)%n", w.id(), w.flops() / 1e6);
        WorkloadData data = WorkloadData.generate(w, config.seed);
        Map<BenchSystem, Row> rows = new LinkedHashMap<>();
        Map<BenchSystem, BenchSystem.Session> sessions = new LinkedHashMap<>();
        Map<BenchSystem, Outputs> outputs = new LinkedHashMap<>();
        try {
            for (BenchSystem s : systems) {
                String why = s.unsupported(w, data);
                if (why != null) { rows.put(s, row(w, s, why, null)); continue; }
                try {
                    BenchSystem.Session session = s.open(data);
                    sessions.put(s, session);
                    outputs.put(s, session.check());
                } catch (Exception | LinkageError e) {
                    rows.put(s, row(w, s, "failed: " + oneLine(e), null));
                    log.printf("  %-18s failed: %s%n", s.name(), oneLine(e));
                }
            }
            Outputs reference = reference(w, data, outputs);
            List<BenchSystem> timed = new ArrayList<>();
            for (var e : outputs.entrySet()) {
                Outputs.Agreement a = reference.compare(e.getValue(), tolerance(w.kind()));
                log.printf("  %-18s %s: %s%n", e.getKey().name(), a.agrees() ? "agrees" : "DISAGREES", a.detail());
                if (a.agrees()) timed.add(e.getKey());
                else rows.put(e.getKey(), row(w, e.getKey(), "disagrees: " + a.detail(), a));
            }
            Map<BenchSystem, Integer> iterations = new LinkedHashMap<>();
            for (BenchSystem s : List.copyOf(timed)) {
                try {
                    iterations.put(s, calibrate(sessions.get(s)));
                } catch (Exception | LinkageError e) {
                    timed.remove(s);
                    rows.put(s, row(w, s, "failed: " + oneLine(e), null));
                }
            }
            Map<BenchSystem, List<Stats.Window>> windows = new LinkedHashMap<>();
            for (BenchSystem s : timed) windows.put(s, new ArrayList<>());
            for (int r = 0; r < config.rounds && !timed.isEmpty(); r++) {
                for (int i = 0; i < timed.size(); i++) {
                    BenchSystem s = timed.get((i + r) % timed.size());
                    BenchSystem.Session session = sessions.get(s);
                    try {
                        Stats.Window win = window(session, iterations.get(s));
                        windows.get(s).add(win);
                        // a window far longer than planned (the machine got busier) shortens the next ones; per-iteration times are unaffected
                        if (win.nanosPerIteration() * win.iterations() > 3 * config.windowMillis * 1e6) {
                            iterations.put(s, (int) Math.max(1, config.windowMillis * 1e6 / win.nanosPerIteration()));
                        }
                    } catch (Exception | LinkageError e) {
                        rows.put(s, row(w, s, "failed: " + oneLine(e), null));
                        windows.remove(s);
                    }
                }
                timed.removeIf(s -> !windows.containsKey(s));
            }
            for (BenchSystem s : timed) {
                List<Stats.Window> ws = windows.get(s);
                Stats.Summary sum = Stats.summarize(ws, config.busyThreshold);
                Outputs.Agreement a = reference.compare(outputs.get(s), tolerance(w.kind()));
                rows.put(s, new Row(w, s.name(), "ok", a, sum, List.copyOf(ws), sessions.get(s).threads()));
                log.printf("  %-18s median %10.3f ms  best %10.3f ms  (%d windows x %d it, %d busy)%n", s.name(),
                        sum.median() / 1e6, sum.best() / 1e6, sum.windows(), iterations.get(s), sum.busyWindows());
            }
        } finally {
            for (BenchSystem.Session s : sessions.values()) {
                try { s.close(); } catch (Exception e) { log.println("  (closing failed: " + oneLine(e) + ")"); }
            }
        }
        List<Row> ordered = new ArrayList<>();
        for (BenchSystem s : systems) if (rows.containsKey(s)) ordered.add(rows.get(s));
        return ordered;
    }

    /**
     * The oracle: sgemm, conv and inference are checked against the harness's double-precision
     * {@link References} (a zoo network by {@link GraphReference}); a training step against Smok's interpreter when it ran, else against the
     * first system that produced outputs (then the peers cross-check each other).
     */
    static Outputs reference(Workload w, WorkloadData data, Map<BenchSystem, Outputs> outputs) {
        return switch (w.kind()) {
            case SGEMM -> References.sgemm(data);
            case CONV -> References.conv(data);
            case INFER -> data.graph() != null ? References.graph(data) : References.forward(data.spec(), data.weights, data.x, w.batch());
            case TRAIN -> {
                for (var e : outputs.entrySet()) if (e.getKey().name().equals("smok-interpreter")) yield e.getValue();
                yield outputs.isEmpty() ? new Outputs() : outputs.values().iterator().next();
            }
        };
    }

    /** Warms the session up for {@code warmupMillis} and returns iterations per window of {@code windowMillis}. */
    private int calibrate(BenchSystem.Session s) throws Exception {
        long spent = 0;
        int runs = 0;
        double perIteration = Double.MAX_VALUE;
        while (runs < 3 || spent < config.warmupMillis * 1e6) {
            long t = s.timeWindow(1);
            spent += t;
            runs++;
            perIteration = Math.min(perIteration, t);
            if (runs >= 3 && perIteration > config.windowMillis * 1e6) break; // slow system: no point warming further
        }
        return (int) Math.max(1, Math.min(1_000_000, config.windowMillis * 1e6 / perIteration));
    }

    private Stats.Window window(BenchSystem.Session s, int iterations) throws Exception {
        long[] helpers = s.helperPids();
        MachineLoad.Snapshot before = MachineLoad.snapshot(helpers);
        long nanos = s.timeWindow(iterations);
        MachineLoad.Snapshot after = MachineLoad.snapshot(helpers);
        return new Stats.Window(nanos / (double) iterations, iterations, MachineLoad.between(before, after));
    }

    private static Row row(Workload w, BenchSystem s, String status, Outputs.Agreement a) {
        return new Row(w, s.name(), status, a, null, List.of(), 0);
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
