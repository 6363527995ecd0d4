package dev.smok.runtime;

import dev.smok.frontend.Network;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;

/**
 * Runs jshell scripts in this JVM. A model script defines a variable named {@code network};
 * the DSL is imported for it. Execution is local (same JVM, class loader delegating to ours),
 * so the script's {@link Network} object is handed back directly.
 */
public final class Scripts {
    private Scripts() {}

    /** The imports every script and shell session starts with. */
    public static final List<String> IMPORTS = List.of(
            "import dev.smok.ir.*;", "import dev.smok.frontend.*;", "import dev.smok.frontend.models.*;",
            "import dev.smok.optimizer.OptimizerSpec;", "import dev.smok.runtime.*;", "import dev.smok.runtime.data.*;");

    private static Network captured;

    /** Called by the script runner; not for users. */
    public static void capture(Network n) { captured = n; }

    /** Evaluates {@code script} and returns its variable {@code network}. */
    public static synchronized Network network(Path script) {
        captured = null;
        try (JShell shell = JShell.builder().executionEngine("local")
                .compilerOptions("--add-modules", "jdk.incubator.vector", "--class-path", System.getProperty("java.class.path"))
                .out(System.out).err(System.err).build()) {
            for (String imp : IMPORTS) eval(shell, imp, script);
            String src = Files.readString(script);
            SourceCodeAnalysis sca = shell.sourceCodeAnalysis();
            while (!src.isBlank()) {
                SourceCodeAnalysis.CompletionInfo info = sca.analyzeCompletion(src);
                if (!info.completeness().isComplete()) {
                    throw new IllegalArgumentException(script + ": incomplete statement at end of script: " + src.strip());
                }
                eval(shell, info.source(), script);
                src = info.remaining();
            }
            eval(shell, "dev.smok.runtime.Scripts.capture(network);", script);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (captured == null) throw new IllegalArgumentException(script + " did not define a variable 'network'");
        return captured;
    }

    private static void eval(JShell shell, String source, Path script) {
        for (SnippetEvent e : shell.eval(source)) {
            if (e.exception() != null) {
                throw new IllegalArgumentException(script + ": " + e.exception().getMessage() + " in: " + source.strip());
            }
            if (e.status() == Snippet.Status.REJECTED) {
                String why = shell.diagnostics(e.snippet()).map(d -> d.getMessage(java.util.Locale.ROOT)).findFirst().orElse("rejected");
                if (source.contains("Scripts.capture(network)")) {
                    throw new IllegalArgumentException(script + " did not define a variable 'network' of type Network");
                }
                throw new IllegalArgumentException(script + ": " + why + " in: " + source.strip());
            }
        }
    }
}
