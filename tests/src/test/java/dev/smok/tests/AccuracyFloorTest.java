package dev.smok.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smok.runtime.cli.Main;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

/** The foundation and recurrent issues' accuracy floors, run exactly as the README's commands on the CPU backend. */
class AccuracyFloorTest {
    static double trainAndReadAccuracy(Path dir, String... args) throws Exception {
        Path report = dir.resolve("report.json");
        String[] full = new String[args.length + 2];
        System.arraycopy(args, 0, full, 0, args.length);
        full[args.length] = "--report";
        full[args.length + 1] = report.toString();
        assertEquals(0, Main.run(full));
        String json = Files.readString(report);
        return Double.parseDouble(json.replaceAll("(?s).*?\"test_accuracy\": ([0-9.]+).*", "$1"));
    }

    @Test void mlpReaches95PercentInThreeEpochs(@TempDir Path dir) throws Exception {
        double acc = trainAndReadAccuracy(dir, "train", "mlp", "--epochs", "3", "--seed", "1");
        assertTrue(acc >= 0.95, "mlp test accuracy " + acc);
    }

    /** Issue #9: sequential MNIST (28 rows of 28 pixels) with the lstm's defaults, Adam 6e-3 annealed per epoch (about a minute). */
    @Test void lstmReaches95PercentInThreeEpochs(@TempDir Path dir) throws Exception {
        double acc = trainAndReadAccuracy(dir, "train", "lstm", "--epochs", "3", "--seed", "1");
        assertTrue(acc >= 0.95, "lstm test accuracy " + acc);
    }

    @Test void logisticRegressionReaches85Percent(@TempDir Path dir) throws Exception {
        double acc = trainAndReadAccuracy(dir, "train", "logistic", "--seed", "1");
        assertTrue(acc >= 0.85, "logistic test accuracy " + acc);
    }
}
