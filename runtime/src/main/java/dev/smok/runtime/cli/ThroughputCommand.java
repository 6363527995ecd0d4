package dev.smok.runtime.cli;

import dev.smok.frontend.Network;
import dev.smok.optimizer.OptimizerSpec;
import dev.smok.runtime.Model;
import dev.smok.runtime.ModelZoo;
import dev.smok.runtime.Options;
import dev.smok.runtime.Smok;
import dev.smok.runtime.data.Dataset;
import dev.smok.runtime.data.Datasets;

import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Training and inference throughput of one model on one backend, the number that
 * {@code gpu/run-on-h100.sh} compares with PyTorch's ({@code gpu/torch_train.py} measures the
 * same thing the same way). A step includes what a user's step costs: copying the batch to the
 * backend, running the step, and reading the loss back. Batches cycle through the bundled
 * MNIST sample, so the numbers do not depend on any download.
 */
@Command(name = "throughput", mixinStandardHelpOptions = true,
        description = "Measure training and inference images/s of a model (batches from the bundled MNIST sample).")
final class ThroughputCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "A built-in model name, e.g. mlp or lenet5.")
    String model;

    @Option(names = "--backend", defaultValue = "cpu", description = "cpu, interpreter, opencl or cuda. Default: ${DEFAULT-VALUE}.")
    String backend;

    @Option(names = "--batch", defaultValue = "256", description = "Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--steps", defaultValue = "100", description = "Timed steps after the warm-up. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--warmup", defaultValue = "20", description = "Untimed steps first (JIT, device caches). Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Override public Integer call() {
        Dataset train = Datasets.load("mnist-sample").train();
        Network net = ModelZoo.load(model, null, null).seed(1);
        Options opts = new Options().batch(batch).backend(backend).seed(1)
                .optimizer(OptimizerSpec.named("adam", ModelZoo.adamLearningRate(model)));
        int in = train.sampleSize(), batches = train.count() / batch;
        if (batches == 0) throw new IllegalArgumentException("batch " + batch + " is larger than the " + train.count() + " training images");
        float[][] xs = new float[batches][], ys = new float[batches][];
        for (int b = 0; b < batches; b++) {
            xs[b] = java.util.Arrays.copyOfRange(train.x(), b * batch * in, (b + 1) * batch * in);
            ys[b] = java.util.Arrays.copyOfRange(train.labels(), b * batch, (b + 1) * batch);
        }
        try (Model m = Smok.compile(net, opts)) {
            float loss = 0;
            for (int s = 0; s < warmup; s++) loss = m.trainStep(xs[s % batches], ys[s % batches]);
            long t0 = System.nanoTime();
            for (int s = 0; s < steps; s++) loss = m.trainStep(xs[s % batches], ys[s % batches]);
            double trainSec = (System.nanoTime() - t0) / 1e9;
            if (!Float.isFinite(loss)) throw new IllegalStateException(model + " on " + backend + ": loss became " + loss);
            for (int s = 0; s < warmup; s++) m.predict(xs[s % batches], batch);
            t0 = System.nanoTime();
            for (int s = 0; s < steps; s++) m.predict(xs[s % batches], batch);
            double inferSec = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "smok %s %s batch %d: train %.0f images/s (%.3f ms/step, last loss %.4f), inference %.0f images/s, compile %.0f ms%n",
                    model, backend, batch, steps * batch / trainSec, trainSec * 1e3 / steps, loss, steps * batch / inferSec, m.compileMillis());
        }
        return 0;
    }
}
