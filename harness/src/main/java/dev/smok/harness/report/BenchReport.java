/*
 * BenchReport: the results of one `./smok bench` run and their renderings — the Markdown table
 * (workload × system, ratios to Smok) and the JSON report.
 */
package dev.smok.harness.report;

import dev.smok.harness.BenchRunner.Row;
import dev.smok.harness.MachineLoad;
import dev.smok.harness.SmokSystem;
import dev.smok.harness.Stats;
import dev.smok.harness.Workload;
import dev.smok.runtime.Json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A finished run: rows, the systems' descriptions, the machine, and when. Ratios divide a
 * system's median by the Smok baseline's median on the same workload (above 1: slower than
 * Smok); the baseline is the first of {@link SmokSystem#BACKENDS} with numbers.
 */
public record BenchReport(String suite, String date, String machine, Map<String, String> systems, List<Row> rows) {

    /** Systems in first-appearance order. */
    public List<String> systemNames() {
        Set<String> s = new LinkedHashSet<>();
        for (Row r : rows) s.add(r.system());
        return new ArrayList<>(s);
    }

    /** Workloads in first-appearance order. */
    public List<Workload> workloads() {
        Set<Workload> s = new LinkedHashSet<>();
        for (Row r : rows) s.add(r.workload());
        return new ArrayList<>(s);
    }

    public Row row(Workload w, String system) {
        for (Row r : rows) if (r.workload().equals(w) && r.system().equals(system)) return r;
        return null;
    }

    /** The Smok row that ratios on {@code w} are relative to, or null when no Smok backend has numbers. */
    public Row baseline(Workload w) {
        for (String b : SmokSystem.BACKENDS) {
            Row r = row(w, "smok-" + b);
            if (r != null && r.ok()) return r;
        }
        return null;
    }

    /** The Markdown table: one row per workload, one column per system; cells "median ms (ratio×)". */
    public String markdown() {
        List<String> names = systemNames();
        StringBuilder b = new StringBuilder();
        b.append("| workload |");
        for (String n : names) b.append(' ').append(n).append(" |");
        b.append("\n|---|");
        b.append("---:|".repeat(names.size()));
        b.append('\n');
        List<String> notes = new ArrayList<>();
        for (Workload w : workloads()) {
            b.append("| ").append(w.id()).append(" |");
            Row base = baseline(w);
            for (String n : names) {
                Row r = row(w, n);
                b.append(' ').append(cell(r, base, notes)).append(" |");
            }
            b.append('\n');
        }
        b.append("\nCells: median time per iteration in ms over the timed windows (quiet windows only when most were quiet), "
                + "then the ratio to ").append(baselineName()).append(" (system ÷ Smok; above 1 = slower than Smok). "
                + "`*` = some windows were taken while other processes used more than "
                + Math.round(MachineLoad.BUSY_OTHERS_SHARE * 100) + "% of the CPUs.\n");
        List<Double> others = new ArrayList<>();
        long busy = 0;
        for (Row r : rows) for (Stats.Window w : r.windows()) {
            if (!Double.isNaN(w.load().othersShare())) others.add(w.load().othersShare());
            if (w.load().busy()) busy++;
        }
        if (!others.isEmpty()) {
            b.append(String.format("Machine load: other processes used a median %.0f%% of all CPUs during the %d timed windows; %d were busy.%n",
                    100 * Stats.median(others.stream().mapToDouble(Double::doubleValue).toArray()), others.size(), busy));
        }
        if (!notes.isEmpty()) {
            b.append('\n');
            for (int i = 0; i < notes.size(); i++) b.append("[").append(i + 1).append("] ").append(notes.get(i)).append("  \n");
        }
        return b.toString();
    }

    private String baselineName() {
        for (Workload w : workloads()) { Row r = baseline(w); if (r != null) return r.system(); }
        return "Smok";
    }

    private static String cell(Row r, Row base, List<String> notes) {
        if (r == null) return "";
        if (!r.ok()) {
            String s = r.status();
            if (s.startsWith("n/a")) return "–";
            String kind = s.startsWith("skipped") ? "skipped" : s.startsWith("disagrees") ? "DISAGREES" : s.startsWith("failed") ? "failed" : "n/a";
            int i = notes.indexOf(r.system() + ": " + s);
            if (i < 0) { notes.add(r.system() + ": " + s); i = notes.size() - 1; }
            return kind + " [" + (i + 1) + "]";
        }
        Stats.Summary s = r.summary();
        String t = String.format("%.3f", s.median() / 1e6) + (s.busyWindows() > 0 ? "*" : "");
        if (base != null && base != r) t += String.format(" (%.3g×)", s.median() / base.summary().median());
        return t;
    }

    /** The JSON report: suite, date, machine, systems, and per row its status, statistics and windows. */
    public String json() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("suite", suite);
        root.put("date", date);
        root.put("machine", machine);
        root.put("busy_others_share_threshold", MachineLoad.BUSY_OTHERS_SHARE);
        root.put("systems", systems);
        List<Object> out = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("workload", r.workload().id());
            m.put("system", r.system());
            m.put("status", r.status());
            if (r.agreement() != null) {
                m.put("agreement_worst_relative_error", r.agreement().worstRelativeError());
                m.put("agreement", r.agreement().detail());
            }
            if (r.ok()) {
                Stats.Summary s = r.summary();
                Row base = baseline(r.workload());
                m.put("median_ms", s.median() / 1e6);
                m.put("best_ms", s.best() / 1e6);
                m.put("relative_iqr", s.iqr());
                m.put("gflops", r.workload().flops() / s.median());
                m.put("items_per_s", r.workload().itemsPerIteration() * 1e9 / s.median());
                if (base != null) m.put("ratio_to_" + base.system(), s.median() / base.summary().median());
                m.put("threads", r.threads());
                m.put("windows_total", s.windows());
                m.put("windows_busy", s.busyWindows());
                m.put("statistics_from_quiet_windows_only", s.fromQuietWindowsOnly());
                List<Object> ws = new ArrayList<>();
                for (Stats.Window w : r.windows()) {
                    Map<String, Object> wm = new LinkedHashMap<>();
                    wm.put("ms_per_iteration", w.nanosPerIteration() / 1e6);
                    wm.put("iterations", w.iterations());
                    wm.put("others_cpu_share", w.load().othersShare());
                    wm.put("own_cpu_share", w.load().ownShare());
                    wm.put("jvm_threads", w.load().threads());
                    wm.put("busy", w.load().busy());
                    ws.add(wm);
                }
                m.put("windows", ws);
            }
            out.add(m);
        }
        root.put("results", out);
        return Json.write(root);
    }
}
