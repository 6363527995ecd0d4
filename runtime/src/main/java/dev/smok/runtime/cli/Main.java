package dev.smok.runtime.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code smok} command line. Exit codes: 0 success, 1 failure (bad data, a compile error),
 * 2 bad usage. Errors are one line on standard error; {@code --verbose} adds the stack trace.
 */
@Command(name = "smok", mixinStandardHelpOptions = true, version = "smok 0.1.0",
        description = "Smok: a JIT-compiled graph compiler for deep neural networks on the JVM.",
        subcommands = {DemoCommand.class, TrainCommand.class, SummaryCommand.class,
                VanishingGradientCommand.class, CompileCommand.class, StepCommand.class, SemiCommand.class, AttackCommand.class, SpeechCommands.Train.class, SpeechCommands.Transcribe.class, MoonsCommand.class, ThroughputCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {
    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT, description = "Print stack traces of errors.")
    static boolean verbose;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (for tests). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        SurfaceCommands.register(cl);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (verbose) e.printStackTrace();
            else cmd.getErr().println("smok: error: " + oneLine(e));
            return e instanceof IllegalArgumentException && !(e instanceof dev.smok.frontend.NetworkException) ? 2 : 1;
        });
        return cl.execute(args);
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage();
        if (m == null) m = e.getClass().getSimpleName();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
