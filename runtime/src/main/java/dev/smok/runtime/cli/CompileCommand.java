package dev.smok.runtime.cli;

import dev.smok.frontend.Loss;
import dev.smok.frontend.Network;
import dev.smok.ir.Graph;
import dev.smok.ir.IrPrinter;
import dev.smok.optimizer.FusionPlan;
import dev.smok.optimizer.MemoryPlan;
import dev.smok.optimizer.OptimizerSpec;
import dev.smok.optimizer.Pipeline;
import dev.smok.optimizer.passes.AlgebraicSimplification;
import dev.smok.runtime.ModelZoo;
import dev.smok.runtime.Options;
import dev.smok.runtime.Smok;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code smok compile MODEL}: runs the optimizer pipeline on a model's inference graph (or, with
 * {@code --training}, its training step) and prints, after lowering and after every pass, the
 * number of ops, the number of kernels of the {@link FusionPlan} and the arena bytes of the
 * {@link MemoryPlan}; then the final kernel list. Nothing is executed and no backend is needed.
 */
@Command(name = "compile", mixinStandardHelpOptions = true,
        description = "Optimize a model's graph and print ops, kernels and arena bytes after every pass.")
final class CompileCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "A built-in model name or a .jsh script.")
    String model;

    @Option(names = "--training", description = "Compile the training step (forward, backward, update) instead of inference.")
    boolean training;

    @Option(names = "--batch", defaultValue = "64", description = "Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--optimizer", defaultValue = "adam", description = "sgd, momentum or adam (training only). Default: ${DEFAULT-VALUE}.")
    String optimizer;

    @Option(names = "--passes", split = ",", description = "Passes to turn off, e.g. --passes=-cse,-simplify.")
    List<String> passes = new ArrayList<>();

    @Option(names = "--dump", description = "Write the IR after each pass, the kernel list and the memory plan to this folder.")
    Path dump;

    @Option(names = "--no-fusion", description = "Plan every node as its own kernel (what --no-fusion runs).")
    boolean noFusion;

    @Option(names = "--memory", description = "Also print every buffer's live range and arena offset.")
    boolean memory;

    @Override public Integer call() throws IOException {
        Network net = ModelZoo.load(model);
        float lr = optimizer.equals("adam") ? ModelZoo.adamLearningRate(model) : 0.05f;
        TrainCommand t = new TrainCommand();
        t.passes = passes;
        Options opts = new Options().batch(batch).backend("interpreter").optimizer(OptimizerSpec.named(optimizer, lr)).disablePasses(t.disabled());
        Pipeline pipeline;
        Graph g;
        try (var m = Smok.compile(net, opts)) {
            pipeline = training ? m.trainingPipeline() : m.inferencePipeline();
            g = training ? net.training(batch, m.loss()) : net.inference(batch);
        }
        System.out.printf("compile %s (%s, batch %d): %s%n", net.name(), training ? "training step, " + opts.optimizer() : "inference",
                batch, pipeline);
        System.out.printf("%-16s %6s %8s %14s%n", "after", "ops", "kernels", "arena bytes");
        String dir = training ? "train" : "infer";
        List<String> names = new ArrayList<>(List.of("lowered"));
        List<Graph> graphs = new ArrayList<>(List.of(g));
        Graph result = pipeline.run(g, (name, after) -> { names.add(name); graphs.add(after); });
        for (int i = 0; i < graphs.size(); i++) {
            Graph gi = graphs.get(i);
            FusionPlan f = noFusion ? FusionPlan.unfused(gi) : FusionPlan.of(gi);
            MemoryPlan mp = MemoryPlan.of(gi, f);
            System.out.printf("%-16s %6d %8d %,14d%n", names.get(i), gi.nodes().size(), f.size(), mp.arenaBytes());
            if (dump != null) write(dump.resolve(dir).resolve(String.format("%02d-%s.ir", i, names.get(i))), IrPrinter.print(gi));
        }
        for (var p : pipeline.passes()) {
            if (p instanceof AlgebraicSimplification s && !s.applied().isEmpty()) {
                System.out.printf("%nrewrites: %s%n", s.applied().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                        .map(e -> e.getKey() + " x" + e.getValue()).collect(java.util.stream.Collectors.joining(", ")));
            }
        }
        FusionPlan fusion = noFusion ? FusionPlan.unfused(result) : FusionPlan.of(result);
        MemoryPlan plan = MemoryPlan.of(result, fusion);
        System.out.printf("%nkernels (%d, %d ops fused into a producer or chain):%n", fusion.size(), fusion.fusedNodes());
        System.out.print(fusion);
        if (memory) System.out.printf("%nmemory plan:%n%s", plan);
        else System.out.printf("%narena %,d bytes (no reuse %,d, peak live %,d); --memory lists the buffers%n", plan.arenaBytes(),
                plan.totalBytes(), plan.peakLiveBytes());
        if (dump != null) {
            write(dump.resolve(dir).resolve("kernels.txt"), fusion.toString());
            write(dump.resolve(dir).resolve("memory.txt"), plan.toString());
            System.out.println("IR after every pass written to " + dump.resolve(dir));
        }
        return 0;
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
