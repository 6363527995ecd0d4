package dev.smok.runtime.cli;

import dev.smok.frontend.Loss;
import dev.smok.frontend.Network;
import dev.smok.ir.Executable;
import dev.smok.optimizer.OptimizerSpec;
import dev.smok.runtime.Model;
import dev.smok.runtime.ModelZoo;
import dev.smok.runtime.Options;
import dev.smok.runtime.Smok;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code smok step MODEL}: compiles a model's training step on a backend and runs a few steps on
 * seeded random data (no data set needed, any input size), printing the compile time, the
 * executable's arena bytes (every input, parameter, optimizer state and intermediate of the step,
 * buffers reused after their last reader), each step's wall time and the JVM's peak heap. It
 * answers "does this model train at this batch size within this heap, and how long is a step":
 * {@code JAVA_TOOL_OPTIONS=-Xmx6g ./smok step resnet50 --batch 8}.
 */
@Command(name = "step", mixinStandardHelpOptions = true,
        description = "Compile a model's training step, run it on random data, print arena bytes, step time and peak heap.")
final class StepCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "A built-in model name or a .jsh script.")
    String model;

    @Option(names = "--batch", defaultValue = "8", description = "Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--steps", defaultValue = "3", description = "Training steps to run; the median leaves out the first (JIT warm-up). Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--backend", defaultValue = "cpu", description = "cpu, interpreter, opencl or cuda. Default: ${DEFAULT-VALUE}.")
    String backend;

    @Option(names = "--optimizer", defaultValue = "sgd", description = "sgd, momentum or adam. Default: ${DEFAULT-VALUE}.")
    String optimizer;

    @Option(names = "--classes", description = "Zoo models: number of classes. Default: 1000.")
    Integer classes;

    @Option(names = "--input", paramLabel = "CxHxW", description = "Zoo models: input size, e.g. 1x28x28. Default: 3x224x224.")
    String input;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for the initial parameters and the random data. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Override public Integer call() {
        if (batch <= 0 || steps <= 0) throw new IllegalArgumentException("--batch and --steps must be positive, got " + batch + " and " + steps);
        Network net = ModelZoo.load(model, classes, input).seed(seed);
        float rate = optimizer.equals("adam") ? ModelZoo.adamLearningRate(model) : 0.01f;
        Options opts = new Options().batch(batch).backend(backend).seed(seed).optimizer(OptimizerSpec.named(optimizer, rate));
        try (Model m = Smok.compile(net, opts)) {
            if (m.loss() == Loss.CTC) {
                throw new IllegalArgumentException("step feeds random images and labels; " + net.name() + " trains with the "
                        + m.loss().name().toLowerCase() + " loss, which needs its own data (use train)");
            }
            System.out.printf("%s training step (%,d parameters, %,d MACs per sample), batch %d, %s, %s backend%n",
                    net.name(), net.paramCount(), net.macs(), batch, opts.optimizer(), backend);
            Executable exe = m.trainingExecutable();
            long arena = exe.arenaBytes();
            System.out.printf("compiled in %.1f s; arena %s%n", m.compileMillis() / 1e3,
                    arena < 0 ? "not reported by the " + backend + " backend" : String.format("%,d bytes (%.2f GiB)", arena, arena / (double) (1L << 30)));
            SplittableRandom r = new SplittableRandom(seed);
            float[] x = new float[batch * (int) net.inputShape().size()];
            for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
            int classesOut = (int) net.outputShape().size();
            float[] y = new float[m.loss().usesLabels() ? batch : batch * classesOut];
            if (m.loss().usesLabels()) for (int i = 0; i < batch; i++) y[i] = r.nextInt(classesOut);
            double[] seconds = new double[steps];
            for (int s = 0; s < steps; s++) {
                long t0 = System.nanoTime();
                float loss = m.trainStep(x, y);
                seconds[s] = (System.nanoTime() - t0) / 1e9;
                System.out.printf("step %d: %.3f s, loss %.4f%n", s + 1, seconds[s], loss);
            }
            // the first step includes the JIT's warm-up of the generated code: leave it out when there are others
            double[] timed = steps > 1 ? Arrays.copyOfRange(seconds, 1, steps) : seconds.clone();
            Arrays.sort(timed);
            int n = timed.length;
            double median = n % 2 == 1 ? timed[n / 2] : (timed[n / 2 - 1] + timed[n / 2]) / 2;
            System.out.printf("median step %.3f s over %s (%.2f samples/s); heap peak %,d MB of %,d MB (-Xmx)%n", median,
                    steps > 1 ? "steps 2-" + steps : "step 1", batch / median, peakHeapBytes() >> 20, Runtime.getRuntime().maxMemory() >> 20);
        }
        return 0;
    }

    /** The heap's peak use since the JVM started: the sum of its pools' peaks (an upper bound; they may peak at different times). */
    static long peakHeapBytes() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) sum += pool.getPeakUsage().getUsed();
        }
        return sum;
    }
}
