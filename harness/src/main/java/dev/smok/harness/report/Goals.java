/*
 * Goals: the performance goals checked against one run's medians, each as a ratio
 * measured in that run (so machine load affects both sides alike), met or missed by how much.
 */
package dev.smok.harness.report;

import dev.smok.harness.BenchRunner.Row;
import dev.smok.harness.Workload;

import java.util.ArrayList;
import java.util.List;

/**
 * The goals of issues #7 and #8. A goal compares {@code smok-cpu} with one peer on one workload:
 * "Smok ≥ N× peer" is the peer's median time ÷ Smok's (Smok's speed-up), "Smok latency ≤ N× peer's"
 * is Smok's median ÷ the peer's. A goal whose workload or systems did not run is left out.
 */
public final class Goals {
    private Goals() {}

    /** One goal: on {@code workload}, Smok against {@code peer}; {@code speedup} true for "≥ target× the peer's speed". */
    record Goal(String workload, String peer, double target, boolean speedup, String text) {}

    static final String SMOK = "smok-cpu";

    static final List<Goal> GOALS = List.of(
            new Goal("sgemm-64x784x512", "numpy", 1.0, true, "sgemm 64×784×512: Smok ≥ 1.0× OpenBLAS"),
            new Goal("sgemm-1024x1024x1024", "numpy", 1.0, true, "sgemm 1024³: Smok ≥ 1.0× OpenBLAS"),
            new Goal("sgemm-256x4096x4096", "numpy", 1.0, true, "sgemm 256×4096×4096: Smok ≥ 1.0× OpenBLAS"),
            new Goal("mlp-train-b64", "pytorch-djl", 2.0, true, "MLP training, batch 64: Smok ≥ 2× PyTorch (images/s)"),
            new Goal("lenet5-train-b64", "pytorch-djl", 2.0, true, "LeNet-5 training, batch 64: Smok ≥ 2× PyTorch (images/s)"),
            new Goal("lenet5-infer-b1", "onnxruntime", 0.5, false, "LeNet-5 batch-1 latency: Smok ≤ 0.5× ONNX Runtime's"),
            new Goal("mlp-infer-b256", "onnxruntime", 1.0, true, "MLP batch-256 throughput: Smok ≥ 1.0× ONNX Runtime's"),
            new Goal("resnet50-infer-b1", "onnxruntime", 1.0, false, "ResNet-50 batch-1 latency: Smok ≤ 1.0× ONNX Runtime's"),
            new Goal("resnet50-infer-b1", "pytorch-djl", 1.0, false, "ResNet-50 batch-1 latency: Smok ≤ 1.0× PyTorch's"));

    /** The Markdown table of the goals this run measured, or "" when it measured none. */
    public static String markdown(BenchReport r) {
        List<String> lines = new ArrayList<>();
        for (Goal g : GOALS) {
            Workload w = r.workloads().stream().filter(x -> x.id().equals(g.workload())).findFirst().orElse(null);
            if (w == null) continue;
            Row smok = r.row(w, SMOK), peer = r.row(w, g.peer());
            if (smok == null || peer == null || !smok.ok() || !peer.ok()) continue;
            double s = smok.summary().median(), p = peer.summary().median();
            double measured = g.speedup() ? p / s : s / p;
            boolean met = g.speedup() ? measured >= g.target() : measured <= g.target();
            // how much faster Smok must get to meet the goal
            double factor = g.speedup() ? g.target() / measured : measured / g.target();
            String verdict = met ? "met" : String.format("missed: Smok needs %.2f× its speed", factor);
            lines.add(String.format("| %s | %.3f× | %s%.1f× | %s |", g.text(), measured, g.speedup() ? "≥ " : "≤ ", g.target(), verdict));
        }
        if (lines.isEmpty()) return "";
        StringBuilder b = new StringBuilder("| goal | measured | target | verdict |\n|---|---:|---:|---|\n");
        for (String l : lines) b.append(l).append('\n');
        b.append("\nMeasured: the peer's median ÷ Smok's for speed goals (≥), Smok's median ÷ the peer's for latency goals (≤).\n");
        return b.toString();
    }
}
