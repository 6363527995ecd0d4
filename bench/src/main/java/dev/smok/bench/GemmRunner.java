package dev.smok.bench;

import dev.smok.cpu.CpuExecutable;

/**
 * Times Smok's generated GEMM on shapes given as MxNxK arguments and prints one line per shape:
 * {@code smok MxNxK <GFLOP/s>}. Options: {@code --threads T} (default 2), {@code --warmup S}
 * seconds per shape (default 3). Used by {@code bench/gemm-vs-numpy.sh}.
 */
public final class GemmRunner {
    private GemmRunner() {}

    public static void main(String[] args) {
        int threads = 2;
        double warmup = 3;
        java.util.List<String> shapes = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Double.parseDouble(args[++i]);
                default -> shapes.add(args[i]);
            }
        }
        for (String shape : shapes) {
            int[] s = BenchSupport.parseShape(shape);
            try (CpuExecutable ex = BenchSupport.compile(BenchSupport.gemm(s[0], s[1], s[2]), threads)) {
                double sec = BenchSupport.secondsPerRun(ex::run, warmup, 7);
                System.out.printf("smok %s %.1f%n", shape, 2.0 * s[0] * s[1] * s[2] / sec / 1e9);
            }
        }
    }
}
