package dev.smok.bench;

import dev.smok.cpu.CpuExecutable;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Smok's generated GEMM against numpy's sgemm (OpenBLAS) on the same shapes and thread count,
 * timed in alternating rounds: a Smok batch, then a numpy batch, then Smok again, so both see the
 * same machine load (this host is shared; a run of one system after the other compares two
 * different loads), each batch after an idle gap (see {@link #settle}). numpy runs in a python3 child process that times one batch per request.
 * Prints per shape the median and the best round of each system in GFLOP/s, their ratios, and
 * the median over rounds of each round's Smok ÷ numpy ("paired": adjacent batches see nearly the
 * same load, so this is the ratio that the host's drift disturbs least).
 * Options: {@code --threads T} (default 2), {@code --warmup S} seconds per system and shape
 * (default 3), {@code --rounds R} (default 9). Used by {@code bench/gemm-vs-numpy.sh}.
 */
public final class GemmVsNumpy {
    private GemmVsNumpy() {}

    /** The numpy side: reads "MxNxK SECONDS" lines, answers each with the GFLOP/s of one timed batch. */
    private static final String NUMPY = """
            import sys, time
            import numpy as np
            cache = {}
            for line in sys.stdin:
                shape, seconds = line.split()
                if shape not in cache:
                    m, n, k = map(int, shape.split("x"))
                    rng = np.random.default_rng(1)
                    cache[shape] = (m, n, k, rng.random((m, k), dtype=np.float32) - 0.5,
                                    rng.random((k, n), dtype=np.float32) - 0.5, np.empty((m, n), dtype=np.float32))
                m, n, k, a, b, c = cache[shape]
                end = time.perf_counter() + float(seconds)
                iters = 0
                t0 = time.perf_counter()
                while True:
                    np.matmul(a, b, out=c)
                    iters += 1
                    if time.perf_counter() >= end:
                        break
                print(f"{2.0 * m * n * k * iters / (time.perf_counter() - t0) / 1e9:.3f}", flush=True)
            """;

    public static void main(String[] args) throws IOException {
        int threads = 2, rounds = 9;
        double warmup = 3;
        List<String> shapes = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Double.parseDouble(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> shapes.add(args[i]);
            }
        }
        ProcessBuilder pb = new ProcessBuilder("python3", "-c", NUMPY).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().remove("OPENBLAS_CORETYPE");
        pb.environment().remove("OPENBLAS_L2_SIZE");
        pb.environment().put("OPENBLAS_NUM_THREADS", Integer.toString(threads));
        pb.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
        Process numpy = pb.start();
        try (PrintWriter toNumpy = new PrintWriter(numpy.getOutputStream(), true, StandardCharsets.UTF_8);
             BufferedReader fromNumpy = new BufferedReader(new InputStreamReader(numpy.getInputStream(), StandardCharsets.UTF_8))) {
            System.out.printf("%-16s %7s %6s %20s %20s %14s %7s%n", "shape", "threads", "rounds",
                    "smok GFLOP/s med/max", "numpy GFLOP/s med/max", "ratio med/max", "paired");
            for (String shape : shapes) {
                int[] s = BenchSupport.parseShape(shape);
                double flop = 2.0 * s[0] * s[1] * s[2];
                try (CpuExecutable ex = BenchSupport.compile(BenchSupport.gemm(s[0], s[1], s[2]), threads)) {
                    double perRun = BenchSupport.secondsPerRun(ex::run, warmup, 3);
                    numpyBatch(toNumpy, fromNumpy, shape, warmup);
                    double[] smok = new double[rounds], np = new double[rounds];
                    int batch = (int) Math.max(1, Math.min(100_000, 0.2 / perRun));
                    for (int r = 0; r < rounds; r++) {
                        settle();
                        long t0 = System.nanoTime();
                        for (int i = 0; i < batch; i++) ex.run();
                        smok[r] = flop * batch / ((System.nanoTime() - t0) / 1e9) / 1e9;
                        settle();
                        np[r] = numpyBatch(toNumpy, fromNumpy, shape, 0.2);
                    }
                    double sm = median(smok), nm = median(np), sx = Arrays.stream(smok).max().orElseThrow(), nx = Arrays.stream(np).max().orElseThrow();
                    double[] paired = new double[rounds];
                    for (int r = 0; r < rounds; r++) paired[r] = smok[r] / np[r];
                    System.out.printf("%-16s %7d %6d %20s %20s %14s %6.2fx%n", shape, threads, rounds,
                            String.format("%.1f / %.1f", sm, sx), String.format("%.1f / %.1f", nm, nx),
                            String.format("%.2fx / %.2fx", sm / nm, sx / nx), median(paired));
                }
            }
        } finally {
            numpy.destroy();
        }
    }

    /**
     * Waits {@link #SETTLE_MS} before a timed batch. OpenBLAS's threads keep spinning after a call
     * returns (0.11 s of CPU time in the 0.5 s after a 1024^3 matmul here), and on two cores a
     * batch that starts at once shares them with those spinners; so does numpy's batch with Smok's
     * workers, which spin for 0.2 ms before they park.
     */
    private static void settle() {
        try {
            Thread.sleep(SETTLE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static final long SETTLE_MS = 300;

    private static double numpyBatch(PrintWriter to, BufferedReader from, String shape, double seconds) throws IOException {
        to.println(shape + " " + seconds);
        String line = from.readLine();
        if (line == null) throw new IOException("the numpy process ended (is python3 with numpy installed?)");
        return Double.parseDouble(line.trim());
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
