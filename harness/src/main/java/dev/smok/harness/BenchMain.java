/*
 * BenchMain: the process entry point of `./smok bench`, with the same error conventions as the
 * runtime's CLI (one line on standard error, exit 1 on failure, 2 on bad usage).
 */
package dev.smok.harness;

import picocli.CommandLine;

/** Runs {@link BenchCommand}. Exit codes: 0 success, 1 failure or a disagreement, 2 bad usage. */
public final class BenchMain {
    private BenchMain() {}

    public static void main(String[] args) { System.exit(run(args)); }

    /** Runs the command and returns its exit code (for tests). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new BenchCommand());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (System.getenv("SMOK_VERBOSE") != null) e.printStackTrace();
            else cmd.getErr().println("smok bench: error: "
                    + (e instanceof IllegalArgumentException && e.getMessage() != null ? e.getMessage() : BenchRunner.oneLine(e)));
            return e instanceof IllegalArgumentException ? 2 : 1;
        });
        return cl.execute(args);
    }
}
