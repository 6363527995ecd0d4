package dev.smok.runtime.cli;

import dev.smok.runtime.studies.VanishingGradient;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "vanishing-gradient", mixinStandardHelpOptions = true,
        description = "Measure ‖∂h_T/∂x_{T-k+1}‖ for k = 1..T in a simple RNN and an LSTM at initialization; write a CSV and a log-scale PNG.")
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

    @Option(names = "--plot", defaultValue = "out/vanishing-gradient.png", description = "PNG (log scale) to write. Default: ${DEFAULT-VALUE}.")
    Path plot;

    @Override public Integer call() throws IOException {
        if (steps < 1 || units < 1 || sequences < 1) throw new IllegalArgumentException("--steps, --units and --sequences must be positive");
        VanishingGradient.Result r = VanishingGradient.run(steps, units, 1, sequences, seed);
        VanishingGradient.write(r, out).forEach(System.out::println);
        dev.smok.runtime.plot.LineChart chart = new dev.smok.runtime.plot.LineChart(
                "Gradient of h_T with respect to the input k steps back", "k (steps back)", "norm (log scale)").logY(true);
        r.norms().forEach((cell, norms) -> {
            double[] k = new double[norms.length];
            for (int i = 0; i < k.length; i++) k[i] = i + 1;
            chart.series(cell.name().toLowerCase(), k, norms);
        });
        chart.savePng(plot, 800, 500);
        System.out.println("plot written to " + plot);
        return 0;
    }
}
