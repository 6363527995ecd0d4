package dev.smok.runtime.cli;

import dev.smok.runtime.ScriptRunner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code smok run SCRIPT.jsh [ARGS...]}: runs a DSL script as a program (see {@link ScriptRunner}). */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a jshell script with the DSL imported, non-interactively.",
                "The script sees the arguments after its name as String[] ARGS (and as the system property smok.args)."})
final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SCRIPT", description = "A .jsh script, e.g. examples/mlp.jsh.")
    Path script;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "Arguments for the script (everything after SCRIPT, options included).")
    List<String> args = new ArrayList<>();

    @Override public Integer call() {
        if (!Files.isRegularFile(script)) throw new IllegalArgumentException("script " + script + " does not exist");
        ScriptRunner.run(script, args);
        return 0;
    }
}
