package dev.smok.runtime.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The main job: a short LeNet-5 run on the bundled MNIST sample, with a report. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Train LeNet-5 on the bundled MNIST sample (about a minute) and report test accuracy and speed.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--epochs", defaultValue = "5", description = "Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--backend", defaultValue = "cpu", description = "Default: ${DEFAULT-VALUE}.")
    String backend;

    @Option(names = "--report", defaultValue = "reports/demo.json", description = "Default: ${DEFAULT-VALUE}.")
    Path report;

    @Override public Integer call() throws Exception {
        TrainCommand train = new TrainCommand() {
            @Override String banner() {
                return "Smok demo: LeNet-5 (LeCun et al. 1998) compiled to " + backend
                        + " code, trained on 8,000 MNIST digits, tested on 2,000.";
            }
        };
        train.model = "lenet5";
        train.data = "mnist-sample";
        train.epochs = epochs;
        train.batch = 64;
        train.optimizer = "adam";
        train.seed = 1;
        train.backend = backend;
        train.report = report;
        return train.call();
    }
}
