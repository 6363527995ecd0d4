package dev.smok.bench;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Old code against new code, paired, in one JVM: each of two source trees' compiled classes
 * (bench, codegen-cpu, ir) is loaded by its own class loader, both compile the same workload,
 * and they run in alternating windows (A B, then B A, ...). Each window's number is compared
 * with the other tree's number of the same round, and the median of those paired ratios is
 * printed: on this shared host the throughput of one program drifts by ±30% within minutes, so
 * two runs one after the other compare loads as much as code, while adjacent windows see
 * nearly the same load. Used by {@code bench/ab.sh}, which builds both trees first.
 *
 * <pre>
 * TreeAB TREE_A TREE_B [--threads T] [--rounds R] [--window-ms W] WORKLOAD...
 *   WORKLOAD: MxNxK (a one-matmul graph, GFLOP/s) or mlp1 (784-512-512-10 inference at batch 1,
 *             median microseconds of the window's single runs)
 * </pre>
 */
public final class TreeAB {
    private TreeAB() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: TreeAB TREE_A TREE_B [--threads T] [--rounds R] [--window-ms W] MxNxK|mlp1 ...");
            System.exit(2);
        }
        Path[] trees = {Path.of(args[0]), Path.of(args[1])};
        int threads = 2, rounds = 16;
        long windowNs = 200_000_000L;
        List<String> workloads = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--window-ms" -> windowNs = Long.parseLong(args[++i]) * 1_000_000L;
                default -> workloads.add(args[i]);
            }
        }
        ClassLoader[] loaders = {loader(trees[0]), loader(trees[1])};
        System.out.printf("A = %s, B = %s, %d threads, %d rounds of %d ms; load %s%n", trees[0], trees[1], threads, rounds,
                windowNs / 1_000_000, Files.readString(Path.of("/proc/loadavg")).trim());
        for (String w : workloads) {
            boolean latency = w.equals("mlp1");
            double flop = latency ? 0 : Arrays.stream(shape(w)).asDoubleStream().reduce(2, (x, y) -> x * y);
            Runnable[] run = new Runnable[2];
            for (int t = 0; t < 2; t++) run[t] = compile(loaders[t], w, threads);
            for (Runnable r : run) { // warm-up: C2 compiles every kernel of both trees
                long end = System.nanoTime() + 3_000_000_000L;
                while (System.nanoTime() < end) r.run();
            }
            double[][] v = new double[2][rounds];
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < 2; i++) {
                    int t = r % 2 == 0 ? i : 1 - i;
                    v[t][r] = latency ? medianMicros(run[t], windowNs) : gflops(run[t], windowNs, flop);
                }
            }
            double[] ratio = new double[rounds];
            for (int r = 0; r < rounds; r++) ratio[r] = v[1][r] / v[0][r];
            System.out.printf("%-16s A %s  B %s  B/A paired median %.3f (quartiles %.3f, %.3f)%n", w,
                    summary(v[0], latency), summary(v[1], latency), quantile(ratio, 0.5), quantile(ratio, 0.25), quantile(ratio, 0.75));
        }
        System.exit(0); // the worker pools' daemon threads would end anyway; do not wait for them
    }

    private static ClassLoader loader(Path tree) throws Exception {
        String asm = System.getProperty("smok.asm.jar");
        List<URL> urls = new ArrayList<>();
        for (String m : List.of("bench", "codegen-cpu", "ir")) {
            Path classes = tree.resolve(m).resolve("target/classes");
            if (!Files.isDirectory(classes)) throw new IllegalArgumentException(classes + " is missing: build " + tree + " first (bench/ab.sh does)");
            urls.add(classes.toUri().toURL());
        }
        if (asm != null) urls.add(Path.of(asm).toUri().toURL());
        return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    }

    /** The tree's own BenchSupport compiles the workload on its own CPU backend; returns its run(). */
    private static Runnable compile(ClassLoader cl, String workload, int threads) throws Exception {
        Class<?> support = cl.loadClass("dev.smok.bench.BenchSupport");
        Object graph;
        if (workload.equals("mlp1")) {
            graph = cl.loadClass("dev.smok.bench.MlpGraphs").getMethod("mlpForward", int.class, int[].class)
                    .invoke(null, 1, new int[] {784, 512, 512, 10});
        } else {
            int[] s = shape(workload);
            graph = support.getMethod("gemm", int.class, int.class, int.class).invoke(null, s[0], s[1], s[2]);
        }
        Object executable = Arrays.stream(support.getMethods()).filter(m -> m.getName().equals("compile")).findFirst()
                .orElseThrow().invoke(null, graph, threads);
        Method run = executable.getClass().getMethod("run");
        return () -> {
            try {
                run.invoke(executable);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    private static double gflops(Runnable r, long windowNs, double flop) {
        long start = System.nanoTime(), end;
        int runs = 0;
        do {
            r.run();
            runs++;
        } while ((end = System.nanoTime()) - start < windowNs);
        return flop * runs / (end - start);
    }

    private static double medianMicros(Runnable r, long windowNs) {
        long[] t = new long[1 << 16];
        int n = 0;
        long start = System.nanoTime();
        while (n < t.length && System.nanoTime() - start < windowNs) {
            long s = System.nanoTime();
            r.run();
            t[n++] = System.nanoTime() - s;
        }
        Arrays.sort(t, 0, n);
        return t[n / 2] / 1e3;
    }

    /** "MxNxK" (parsed here: this class must not link the trees' classes from its own class path). */
    private static int[] shape(String s) {
        return Arrays.stream(s.split("x")).mapToInt(Integer::parseInt).toArray();
    }

    private static String summary(double[] v, boolean latency) {
        return latency ? String.format("%.1f us (best %.1f)", quantile(v, 0.5), quantile(v, 0.0))
                       : String.format("%.1f GFLOP/s (best %.1f)", quantile(v, 0.5), quantile(v, 1.0));
    }

    private static double quantile(double[] v, double q) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[(int) Math.round(q * (s.length - 1))];
    }
}
