package dev.smok.runtime.cli;

import picocli.CommandLine;

/**
 * Registers the user-surface subcommands ({@code run}, {@code eval}, {@code predict}) on the
 * root command; kept apart from {@link Main}'s annotation so each group of commands is added in
 * one place. {@code run} stops parsing options at the script's name, so options after it are
 * the script's own.
 */
final class SurfaceCommands {
    private SurfaceCommands() {}

    static void register(CommandLine root) {
        root.addSubcommand("run", new CommandLine(new RunCommand()).setStopAtPositional(true));
        root.addSubcommand("eval", new EvalCommand());
        root.addSubcommand("predict", new PredictCommand());
    }
}
