package dev.smok.runtime.cli;

import dev.smok.runtime.studies.VanishingGradient;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "vanishing-gradient", mixinStandardHelpOptions = true,
        description = "Measure ‖∂h_T/∂x_{T-k+1}‖ for k = 1..T in a simple RNN and an LSTM at initialization; write a CSV.")
class VanishingGradientCommand implements Callable<Integer> {
    @Option(names = "--steps", defaultValue = "100", description = "Sequence length T. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--units", defaultValue = "32", description = "Hidden units. Default: ${DEFAULT-VALUE}.")
    int units;

    @Option(names = "--sequences", defaultValue = "3", description = "Random input sequences to average over. Default: ${DEFAULT-VALUE}.")
    int sequences;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for weights and inputs. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--out", defaultValue = "out/vanishing-gradient.csv", description = "CSV to write. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Override public Integer call() throws IOException {
        if (steps < 1 || units < 1 || sequences < 1) throw new IllegalArgumentException("--steps, --units and --sequences must be positive");
        VanishingGradient.write(VanishingGradient.run(steps, units, 1, sequences, seed), out).forEach(System.out::println);
        return 0;
    }
}
