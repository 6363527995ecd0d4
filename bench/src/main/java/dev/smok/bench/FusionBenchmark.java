package dev.smok.bench;

import dev.smok.cpu.CpuBackend;
import dev.smok.cpu.CpuExecutable;
import dev.smok.frontend.Loss;
import dev.smok.frontend.Network;
import dev.smok.frontend.models.Cnns;
import dev.smok.ir.DType;
import dev.smok.ir.Graph;
import dev.smok.ir.Input;
import dev.smok.ir.Role;
import dev.smok.ir.Tensor;
import dev.smok.optimizer.OptimizerSpec;
import dev.smok.optimizer.Pipelines;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Kernel fusion on vs off on the CPU backend: LeNet-5 and the {@code cnn} model, inference and
 * the training step (Adam), at one batch size. Both executables of a pair are compiled from the
 * same optimized graph (only the backend's fusion differs), warmed up, and then timed in
 * alternation, round after round, so that a change of machine load hits both alike; the ratio
 * printed is the median over rounds of (time unfused / time fused): above 1, fusion is faster.
 * Args: {@code --threads T} (default 2), {@code --batch B} (default 64), {@code --rounds R}
 * (default 7), {@code --warmup S} seconds per executable (default 4), model names (default
 * {@code lenet5 cnn}).
 */
public final class FusionBenchmark {
    private FusionBenchmark() {}

    public static void main(String[] args) {
        int threads = 2, batch = 64, rounds = 7;
        double warmup = 4;
        List<String> models = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Double.parseDouble(args[++i]);
                default -> models.add(args[i]);
            }
        }
        if (models.isEmpty()) models = List.of("lenet5", "cnn");
        System.out.printf("fusion on vs off, cpu backend, %d threads, batch %d, %d alternating rounds%n", threads, batch, rounds);
        System.out.printf("%-8s %-10s %8s %8s %14s %14s %8s%n", "model", "graph", "kernels", "unfused", "fused img/s", "unfused img/s", "ratio");
        for (String name : models) {
            Network net = switch (name) {
                case "lenet5" -> Cnns.lenet5();
                case "cnn" -> Cnns.cnn();
                default -> throw new IllegalArgumentException("unknown model '" + name + "' (lenet5 or cnn)");
            };
            Graph infer = Pipelines.inference().run(net.inference(batch));
            Graph train = Pipelines.training(OptimizerSpec.adam(1e-3f)).run(net.training(batch, Loss.CROSS_ENTROPY));
            compare(name, "inference", infer, threads, batch, rounds, warmup);
            compare(name, "training", train, threads, batch, rounds, warmup);
        }
    }

    private static void compare(String model, String what, Graph g, int threads, int batch, int rounds, double warmup) {
        try (CpuExecutable fused = new CpuBackend(threads, true).compile(g, null);
             CpuExecutable unfused = new CpuBackend(threads, false).compile(g, null)) {
            fill(fused);
            fill(unfused);
            BenchSupport.secondsPerRun(fused::run, warmup, 1);
            BenchSupport.secondsPerRun(unfused::run, warmup, 1);
            double[] tf = new double[rounds], tu = new double[rounds], ratio = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                tf[r] = BenchSupport.secondsPerRun(fused::run, 0.2, 3);
                tu[r] = BenchSupport.secondsPerRun(unfused::run, 0.2, 3);
                ratio[r] = tu[r] / tf[r];
            }
            System.out.printf("%-8s %-10s %8d %8d %14.0f %14.0f %7.2fx%n", model, what, fused.kernelCount(), unfused.kernelCount(),
                    batch / median(tf), batch / median(tu), median(ratio));
        }
    }

    /** Inputs in [0, 1), labels 0..9, parameters small, states (running variances, moments) non-negative, counters 1. */
    private static void fill(CpuExecutable ex) {
        Random r = new Random(1);
        for (Input in : ex.graph().inputs()) {
            Tensor t = ex.buffer(in.name());
            for (int i = 0; i < t.size(); i++) {
                float v;
                if (in.value().dtype() == DType.I32) v = r.nextInt(10);
                else if (in.role() == Role.STATE && in.name().contains("step")) v = 1;
                else if (in.role() == Role.STATE) v = 0.5f + 0.5f * r.nextFloat();
                else if (in.role() == Role.INPUT) v = r.nextFloat();
                else v = (r.nextFloat() - 0.5f) * 0.2f;
                t.set(i, v);
            }
        }
    }

    private static double median(double[] a) {
        double[] s = a.clone();
        java.util.Arrays.sort(s);
        return s[s.length / 2];
    }
}
