package dev.smok.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smok.harness.report.BenchReport;
import dev.smok.harness.report.Goals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The goals table: ratios from medians, met or missed by the right factor, goals without numbers left out. */
class GoalsTest {
    static BenchRunner.Row row(Workload w, String system, double medianMillis) {
        var s = new Stats.Summary(medianMillis * 1e6, medianMillis * 1e6, 0, 3, 0, true);
        return new BenchRunner.Row(w, system, "ok", null, s, List.of(), 2);
    }

    @Test void goalsAreRatiosWithinTheRun() {
        Workload gemm = Workload.sgemm(1024, 1024, 1024), lenet = Workload.infer("lenet5", 1), mlp = Workload.train("mlp", 64);
        List<BenchRunner.Row> rows = List.of(row(gemm, "smok-cpu", 100), row(gemm, "numpy", 80),
                row(lenet, "smok-cpu", 0.1), row(lenet, "onnxruntime", 0.3),
                row(mlp, "smok-cpu", 10), new BenchRunner.Row(mlp, "pytorch-djl", "failed: x", null, null, List.of(), 0));
        String md = Goals.markdown(new BenchReport("t", "now", "m", Map.of(), rows));
        assertTrue(md.contains("| sgemm 1024³: Smok ≥ 1.0× OpenBLAS | 0.800× | ≥ 1.0× | missed: Smok needs 1.25× its speed |"), md);
        assertTrue(md.contains("| LeNet-5 batch-1 latency: Smok ≤ 0.5× ONNX Runtime's | 0.333× | ≤ 0.5× | met |"), md);
        assertEquals(2 + 2 + 2, md.split("\n").length, md); // header, rule, 2 goals, blank, note: the failed PyTorch row is left out
    }
}
