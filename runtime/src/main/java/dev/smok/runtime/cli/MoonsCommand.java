package dev.smok.runtime.cli;

import dev.smok.runtime.semi.MoonsStudy;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "pca-vs-autoencoder", mixinStandardHelpOptions = true,
        description = "Two moons: does a 1-D code from PCA or from a nonlinear autoencoder separate the classes?")
final class MoonsCommand implements Callable<Integer> {
    @Option(names = "--points", defaultValue = "1000", description = "Points per moon. Default: ${DEFAULT-VALUE}.")
    int points;
    @Option(names = "--epochs", defaultValue = "200", description = "Default: ${DEFAULT-VALUE}.")
    int epochs;
    @Option(names = "--seed", defaultValue = "1", description = "Default: ${DEFAULT-VALUE}.")
    long seed;
    @Option(names = "--backend", defaultValue = "cpu", description = "Default: ${DEFAULT-VALUE}.")
    String backend;
    @Option(names = "--plot", defaultValue = "reports/moons-codes.png", description = "Default: ${DEFAULT-VALUE}.")
    Path plot;

    @Override public Integer call() {
        MoonsStudy.Result r = MoonsStudy.run(MoonsStudy.moons(points, 0.05, seed), epochs, seed, backend, plot);
        System.out.printf("best single-threshold accuracy of the 1-D code: PCA %.4f, autoencoder %.4f (reconstruction loss %.5f); plot: %s%n",
                r.pcaAccuracy(), r.autoencoderAccuracy(), r.reconstructionLoss(), plot);
        return 0;
    }
}
