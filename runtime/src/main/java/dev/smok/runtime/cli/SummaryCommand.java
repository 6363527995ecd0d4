package dev.smok.runtime.cli;

import dev.smok.frontend.Network;
import dev.smok.runtime.ModelZoo;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "summary", mixinStandardHelpOptions = true,
        description = "Print a model's layers, output shapes, parameters and multiply-accumulates.")
final class SummaryCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "A built-in model name or a .jsh script.")
    String model;

    @Option(names = "--json", description = "Print JSON (params, macs, layers) instead of a table.")
    boolean json;

    @Option(names = "--classes", description = "Zoo models: number of classes. Default: 1000.")
    Integer classes;

    @Option(names = "--input", paramLabel = "CxHxW", description = "Zoo models: input size, e.g. 1x28x28. Default: 3x224x224.")
    String input;

    @Override public Integer call() {
        Network net = ModelZoo.load(model, classes, input);
        System.out.print(json ? net.summaryJson() + "\n" : net.summary());
        return 0;
    }
}
