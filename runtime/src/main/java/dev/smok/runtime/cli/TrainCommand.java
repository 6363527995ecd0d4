package dev.smok.runtime.cli;

import dev.smok.frontend.Network;
import dev.smok.optimizer.OptimizerSpec;
import dev.smok.runtime.Json;
import dev.smok.runtime.LearningRateSchedule;
import dev.smok.runtime.Model;
import dev.smok.runtime.ModelZoo;
import dev.smok.runtime.Options;
import dev.smok.runtime.ProgressBar;
import dev.smok.runtime.Smok;
import dev.smok.runtime.Trainer;
import dev.smok.runtime.data.Datasets;
import dev.smok.runtime.io.Checkpoints;
import dev.smok.runtime.plot.TrainingPlot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "train", mixinStandardHelpOptions = true, description = "Train a model and report its test accuracy.")
class TrainCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "A built-in model name or a .jsh script.")
    String model;

    @Option(names = "--data", defaultValue = "mnist-sample", description = "mnist-sample (bundled), fashion-mnist, or a folder of IDX files. Default: ${DEFAULT-VALUE}.")
    String data;

    @Option(names = "--epochs", defaultValue = "3", description = "Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--batch", defaultValue = "64", description = "Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--optimizer", defaultValue = "adam", description = "sgd, momentum or adam. Default: ${DEFAULT-VALUE}.")
    String optimizer;

    @Option(names = "--lr", description = "Learning rate. Default: the model's Adam rate (0.001 for most), 0.05 for sgd and momentum.")
    Float lr;

    @Option(names = "--lr-schedule", paramLabel = "constant|cosine",
            description = "How the learning rate changes per epoch: constant, or cosine (annealed towards 0 over the epochs). Default: the model's (cosine for mlp and lstm, else constant).")
    String lrSchedule;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for initialization and shuffling. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--backend", defaultValue = "cpu", description = "cpu, interpreter, opencl or cuda. Default: ${DEFAULT-VALUE}.")
    String backend;

    @Option(names = "--report", description = "Write a JSON report here.")
    Path report;

    @Option(names = "--dump", description = "Write the IR after each pass and the generated code to this folder.")
    Path dump;

    @Option(names = "--passes", split = ",", description = "Passes to turn off, e.g. --passes=-dce (names with a leading '-').")
    List<String> passes = new ArrayList<>();

    @Option(names = "--no-fusion", description = "Run every node as its own kernel (cpu backend), to measure what fusion gains.")
    boolean noFusion;

    @Option(names = "--limit", description = "Use only the first N training images (quick runs).")
    Integer limit;

    @Option(names = "--save", paramLabel = "FILE", description = "After training, write the parameters and optimizer state to this safetensors file (atomically).")
    Path save;

    @Option(names = "--weights", paramLabel = "FILE", description = "Start from this safetensors checkpoint instead of the initializers (resumes training; optimizer state too when present).")
    Path weights;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Draw loss and accuracy per epoch (train and test) to this PNG file.")
    Path plot;

    /** What to print before training starts (the demo overrides it). */
    String banner() { return null; }

    @Option(names = "--classes", description = "Zoo models: number of classes. Default: the data set's.")
    Integer classes;

    @Option(names = "--input", paramLabel = "CxHxW", description = "Zoo models: input size, e.g. 1x28x28. Default: the data set's.")
    String input;

    @Override public Integer call() throws IOException {
        Datasets.Split split = Datasets.load(data);
        Network net = network(split).seed(seed);
        float rate = lr != null ? lr : optimizer.equals("adam") ? ModelZoo.adamLearningRate(model) : 0.05f;
        Options opts = new Options().batch(batch).backend(backend).seed(seed).optimizer(OptimizerSpec.named(optimizer, rate))
                .dump(dump).disablePasses(disabled()).fusion(!noFusion);
        LearningRateSchedule schedule = lrSchedule != null ? LearningRateSchedule.named(lrSchedule) : ModelZoo.learningRateSchedule(model);
        var trainSet = limit != null ? split.train().head(limit) : split.train();
        String b = banner();
        if (b != null) System.out.println(b);
        System.out.printf("training %s (%,d parameters) on %s: %,d training and %,d test images, batch %d, %s%s, %s backend%n",
                net.name(), net.paramCount(), data, trainSet.count(), split.test().count(), batch, opts.optimizer(),
                schedule instanceof LearningRateSchedule.Constant ? "" : " with a " + schedule + " schedule", backend);
        try (Model m = Smok.compile(net, opts)) {
            if (weights != null) Checkpoints.load(m, weights);
            Trainer.History h = Trainer.fit(m, trainSet, split.test(), epochs, schedule, ProgressBar.forConsole());
            if (save != null) {
                Checkpoints.save(m, save);
                System.out.println("checkpoint written to " + save);
            }
            if (plot != null) {
                TrainingPlot.save(net.name(), h, plot);
                System.out.println("plot written to " + plot);
            }
            Trainer.EpochStats last = h.last();
            if (m.loss().usesLabels()) {
                System.out.printf("test accuracy %.4f, %,.0f images/s, compile %.0f ms%n", last.testAccuracy(), last.imagesPerSecond(), h.compileMillis());
            } else if (m.loss() == dev.smok.frontend.Loss.MSE && split.test().classes() == 0 && net.outputShape().size() == 1) {
                System.out.printf("test MSE %.5f, %,.0f samples/s, compile %.0f ms%n", testMse(m, split.test()), last.imagesPerSecond(), h.compileMillis());
            } else { // reconstruction: no classes to count, the loss is the measure
                System.out.printf("%s loss %.5f (epoch 1: %.5f), %,.0f images/s, compile %.0f ms%n", m.loss().name().toLowerCase().replace('_', ' '),
                        last.loss(), h.epochs().get(0).loss(), last.imagesPerSecond(), h.compileMillis());
            }
            if (report != null) {
                writeReport(net, h, m, schedule);
                System.out.println("report written to " + report);
            }
        }
        return 0;
    }

    /** The model; a zoo model is built for the data set's classes and sample shape unless --classes or --input say otherwise. */
    private Network network(Datasets.Split split) {
        if (!ModelZoo.zooNames().contains(model)) return ModelZoo.load(model, classes, input);
        var shape = split.train().sampleShape();
        String dataInput = shape.rank() == 3 ? shape.dim(0) + "x" + shape.dim(1) + "x" + shape.dim(2) : null;
        Network net = ModelZoo.load(model, classes != null ? classes : split.train().classes(), input != null ? input : dataInput);
        if (net.outputShape().size() < split.train().classes()) {
            throw new IllegalArgumentException(model + " built for " + net.outputShape().size() + " classes cannot learn " + data + "'s "
                    + split.train().classes() + "; leave out --classes or give at least " + split.train().classes());
        }
        return net;
    }

    /** Mean squared error on a regression data set with one target per sample (kept in labels()). */
    static double testMse(Model m, dev.smok.runtime.data.Dataset test) {
        float[] y = m.predict(test.x(), test.count());
        double sum = 0;
        for (int i = 0; i < test.count(); i++) sum += (y[i] - test.labels()[i]) * (double) (y[i] - test.labels()[i]);
        return sum / test.count();
    }

    List<String> disabled() {
        List<String> off = new ArrayList<>();
        for (String p : passes) {
            if (!p.startsWith("-")) throw new IllegalArgumentException("--passes takes names to turn off with a leading '-', e.g. --passes=-dce; got '" + p + "'");
            off.add(p.substring(1));
        }
        return off;
    }

    private void writeReport(Network net, Trainer.History h, Model m, LearningRateSchedule schedule) throws IOException {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("model", net.name());
        r.put("params", net.paramCount());
        r.put("data", data);
        r.put("backend", backend);
        r.put("batch", batch);
        r.put("optimizer", optimizer);
        r.put("lr_schedule", schedule.toString());
        r.put("seed", seed);
        r.put("compile_ms", h.compileMillis());
        r.put("train_compile_ms", m.trainingCompileMillis());
        r.put("loss_kind", m.loss().name().toLowerCase());
        r.put("final_loss", h.last().loss());
        r.put("test_accuracy", h.last().testAccuracy());
        List<Object> epochsOut = new ArrayList<>();
        for (Trainer.EpochStats e : h.epochs()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("epoch", e.epoch());
            o.put("loss", e.loss());
            o.put("train_accuracy", e.trainAccuracy());
            o.put("test_accuracy", e.testAccuracy());
            o.put("seconds", e.seconds());
            o.put("images_per_second", e.imagesPerSecond());
            epochsOut.add(o);
        }
        r.put("epochs", epochsOut);
        Path parent = report.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, ".report", ".tmp");
        Files.writeString(tmp, Json.write(r));
        Files.move(tmp, report, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
