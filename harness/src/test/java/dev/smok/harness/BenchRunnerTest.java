package dev.smok.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smok.harness.report.BarChart;
import dev.smok.harness.report.BenchReport;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner with synthetic systems: wrong outputs are never timed, failures become rows,
 * systems alternate window by window; and the reports render what was measured.
 */
class BenchRunnerTest {
    static final Workload SMALL_SGEMM = Workload.sgemm(4, 5, 3);

    /** A system that computes sgemm correctly or wrongly, sleeping a little per iteration; records its windows. */
    static final class FakeSystem implements BenchSystem {
        final String name;
        final boolean wrong, failsToOpen;
        final List<String> log;

        FakeSystem(String name, boolean wrong, boolean failsToOpen, List<String> log) {
            this.name = name;
            this.wrong = wrong;
            this.failsToOpen = failsToOpen;
            this.log = log;
        }

        @Override public String name() { return name; }
        @Override public String describe() { return "fake"; }
        @Override public String unsupported(Workload w, WorkloadData d) { return w.kind() == Workload.Kind.SGEMM ? null : "n/a: sgemm only"; }

        @Override public Session open(WorkloadData d) {
            if (failsToOpen) throw new IllegalStateException("native library missing");
            return new Session() {
                @Override public Outputs check() {
                    Workload w = d.workload;
                    float[] c = new float[w.m() * w.n()];
                    for (int i = 0; i < w.m(); i++)
                        for (int j = 0; j < w.n(); j++)
                            for (int p = 0; p < w.k(); p++) c[i * w.n() + j] += d.a[i * w.k() + p] * d.b[p * w.n() + j];
                    if (wrong) c[c.length - 1] += 1;
                    return new Outputs().put("c", c);
                }
                @Override public long timeWindow(int iterations) {
                    log.add(name);
                    return iterations * 1_000_000L * (name.equals("slow") ? 3 : 1);
                }
                @Override public int threads() { return 2; }
            };
        }
    }

    static BenchRunner.Config fast() { return new BenchRunner.Config(4, 10, 1, 1, 0.15); }

    @Test void disagreeingAndFailingSystemsAreReportedNotTimed() {
        List<String> log = new ArrayList<>();
        List<BenchSystem> systems = List.of(new FakeSystem("fast", false, false, log), new FakeSystem("wrong", true, false, log),
                new FakeSystem("broken", false, true, log), new FakeSystem("slow", false, false, log));
        var out = new ByteArrayOutputStream();
        List<BenchRunner.Row> rows = new BenchRunner(systems, fast(), new PrintStream(out)).run(List.of(SMALL_SGEMM, Workload.infer("mlp", 1)));
        Map<String, BenchRunner.Row> sg = new java.util.HashMap<>();
        for (BenchRunner.Row r : rows) if (r.workload().equals(SMALL_SGEMM)) sg.put(r.system(), r);
        assertTrue(sg.get("fast").ok());
        assertTrue(sg.get("wrong").status().startsWith("disagrees"), sg.get("wrong").status());
        assertTrue(sg.get("broken").status().contains("native library missing"), sg.get("broken").status());
        assertFalse(log.contains("wrong"), "a disagreeing system must never be timed");
        assertEquals(4, sg.get("fast").windows().size());
        assertEquals(1.0e6, sg.get("fast").summary().median(), 1e-6);
        assertEquals(3.0e6, sg.get("slow").summary().median(), 1e-6);
        // rows keep the systems' order; the mlp workload is n/a for all of them
        assertEquals(List.of("fast", "wrong", "broken", "slow"), rows.subList(0, 4).stream().map(BenchRunner.Row::system).toList());
        assertTrue(rows.subList(4, 8).stream().allMatch(r -> r.status().startsWith("n/a")));
    }

    @Test void systemsAlternateAndTheOrderRotatesEachRound() {
        List<String> log = new ArrayList<>();
        List<BenchSystem> systems = List.of(new FakeSystem("fast", false, false, log), new FakeSystem("slow", false, false, log));
        new BenchRunner(systems, fast(), new PrintStream(new ByteArrayOutputStream())).run(SMALL_SGEMM);
        List<String> timed = log.subList(log.size() - 8, log.size()); // the 4 rounds after warm-up
        assertEquals(List.of("fast", "slow", "slow", "fast", "fast", "slow", "slow", "fast"), timed);
    }

    static BenchRunner.Row measured(String system, double nanos, MachineLoad.Window load) {
        List<Stats.Window> ws = List.of(new Stats.Window(nanos, 10, StatsAndLoadTest.QUIET), new Stats.Window(nanos, 10, load),
                new Stats.Window(nanos * 2, 10, StatsAndLoadTest.QUIET));
        return new BenchRunner.Row(SMALL_SGEMM, system, "ok", null, Stats.summarize(ws, 0.15), ws, 2);
    }

    @Test void reportsShowRatiosToSmokStatusNotesAndAChart(@TempDir Path dir) throws Exception {
        List<BenchRunner.Row> rows = List.of(measured("smok-interpreter", 1e6, StatsAndLoadTest.QUIET),
                measured("slow", 3e6, StatsAndLoadTest.BUSY),
                new BenchRunner.Row(SMALL_SGEMM, "wrong", "disagrees: worst 'c'", new Outputs.Agreement(false, 0.8, "worst 'c'"), null, List.of(), 0));
        BenchReport r = new BenchReport("test", "2026-01-01 00:00 UTC", "test machine", Map.of(), rows);
        String md = r.markdown();
        assertTrue(md.contains("| sgemm-4x5x3 | 1.000 | 4.500* (4.50×) | DISAGREES [1] |"), md);
        assertTrue(md.contains("[1] wrong: disagrees"), md);
        // the busy window of "slow" is left out: quiet windows 3 and 6 ms give a median of 4.5
        String json = r.json();
        assertTrue(json.contains("\"ratio_to_smok-interpreter\": 4.5"), json);
        assertTrue(json.contains("\"others_cpu_share\""), json);
        Path png = dir.resolve("chart.png");
        BarChart.write(r, png);
        var img = ImageIO.read(Files.newInputStream(png));
        assertNotNull(img);
        assertTrue(img.getWidth() >= 640 && img.getHeight() > 300);
    }
}
