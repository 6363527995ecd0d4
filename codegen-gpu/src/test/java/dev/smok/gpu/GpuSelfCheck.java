package dev.smok.gpu;

import dev.smok.ir.Backend;
import dev.smok.ir.Executable;
import dev.smok.ir.Graph;
import dev.smok.ir.interp.InterpreterBackend;

import java.nio.file.Path;

/**
 * Command-line correctness check of a GPU backend against the interpreter, for machines without
 * Maven or JUnit (see {@code gpu/run-on-h100.sh}): every per-op graph of {@link OpGraphs}
 * (convolutions, pooling and batch norm included), six steps of both MLP training graphs and
 * four of LeNet-5's. Prints one line per graph and exits with status 1 if any
 * differs.
 *
 * <p>Usage: {@code GpuSelfCheck [cuda|opencl] [dumpDir]}
 */
public final class GpuSelfCheck {
    private GpuSelfCheck() {}

    public static void main(String[] args) {
        Backend backend = args.length > 0 && args[0].equals("opencl") ? new OpenClBackend() : new CudaBackend();
        Path dump = args.length > 1 ? Path.of(args[1]) : null;
        try {
            backend.compile(TrainingGraphs.mlp(false), null).close();
        } catch (GpuException e) {
            System.out.println("cannot use the " + backend.name() + " backend: " + e.getMessage());
            System.exit(2);
        }
        int failed = 0, passed = 0;
        for (OpGraphs.Case c : OpGraphs.all()) {
            if (check(backend, c.graph(), 1, dump)) passed++; else failed++;
        }
        for (boolean adam : new boolean[] {false, true}) {
            if (check(backend, TrainingGraphs.mlp(adam), 6, dump)) passed++; else failed++;
        }
        if (check(backend, TrainingGraphs.lenet5(), 4, dump)) passed++; else failed++;
        System.out.println(backend.name() + ": " + passed + " graphs match the interpreter, " + failed + " differ");
        System.exit(failed == 0 ? 0 : 1);
    }

    private static boolean check(Backend backend, Graph g, int steps, Path dump) {
        long t0 = System.nanoTime();
        try (Executable gpu = backend.compile(g, dump); Executable ref = new InterpreterBackend().compile(g, null)) {
            Feeds.assertStepsMatch(g, gpu, ref, steps, 5);
            System.out.printf("PASS %-24s %6.0f ms%n", g.name(), (System.nanoTime() - t0) / 1e6);
            return true;
        } catch (AssertionError | RuntimeException e) {
            System.out.println("FAIL " + g.name() + ": " + e);
            return false;
        }
    }
}
