package dev.smok.runtime.cli;

import dev.smok.frontend.Network;
import dev.smok.runtime.Model;
import dev.smok.runtime.ModelZoo;
import dev.smok.runtime.Options;
import dev.smok.runtime.Smok;
import dev.smok.runtime.data.Dataset;
import dev.smok.runtime.data.Datasets;
import dev.smok.runtime.io.Checkpoints;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code smok eval MODEL --weights FILE}: the test accuracy of a model with saved weights. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Report the test accuracy of a model with the weights of a safetensors checkpoint.")
final class EvalCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "A built-in model name or a .jsh script.")
    String model;

    @Option(names = "--weights", required = true, paramLabel = "FILE", description = "A safetensors checkpoint (from train --save, or PyTorch).")
    Path weights;

    @Option(names = "--data", defaultValue = "mnist-sample", description = "mnist-sample (bundled), fashion-mnist, or a folder of IDX files. Default: ${DEFAULT-VALUE}.")
    String data;

    @Option(names = "--batch", defaultValue = "64", description = "Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--backend", defaultValue = "cpu", description = "cpu, interpreter, opencl or cuda. Default: ${DEFAULT-VALUE}.")
    String backend;

    @Option(names = "--limit", description = "Use only the first N test images.")
    Integer limit;

    @Override public Integer call() {
        Network net = ModelZoo.load(model);
        Dataset test = Datasets.load(data).test();
        if (limit != null) test = test.head(limit);
        try (Model m = Smok.compile(net, new Options().batch(batch).backend(backend))) {
            Checkpoints.load(m, weights);
            double acc = m.accuracy(test);
            System.out.printf("test accuracy %.4f on %,d images of %s (%s with %s)%n", acc, test.count(), data, net.name(), weights);
        }
        return 0;
    }
}
