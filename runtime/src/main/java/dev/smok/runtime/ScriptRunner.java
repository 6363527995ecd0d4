package dev.smok.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;

/**
 * Runs a jshell script as a program ({@code ./smok run SCRIPT.jsh [ARGS...]}): the DSL is imported
 * ({@link Scripts#IMPORTS}), a variable {@code String[] ARGS} holds the arguments after the
 * script's name (also in the system property {@code smok.args}, joined by spaces), and the
 * snippets are evaluated in order in this JVM. The script prints with {@code System.out}. The
 * first snippet that fails to compile or throws stops the run with a {@link ScriptException} that
 * names the script, the line and the cause.
 */
public final class ScriptRunner {
    private ScriptRunner() {}

    /** A script that failed: the message names the script, the line, and what went wrong. */
    public static final class ScriptException extends RuntimeException {
        public ScriptException(String message) { super(message); }
    }

    private static volatile String[] arguments = new String[0];

    /** The arguments of the running script (read by the script's {@code ARGS} variable); not for users. */
    public static String[] arguments() { return arguments.clone(); }

    /** The jshell startup of {@code ./smok shell}: the DSL imports, one per line. */
    public static String shellStartup() { return String.join("\n", Scripts.IMPORTS) + "\n"; }

    /** Prints {@link #shellStartup()} (the launcher writes it to a file for jshell's {@code --startup}). */
    public static void main(String[] args) { System.out.print(shellStartup()); }

    /** Evaluates every snippet of {@code script} with {@code args} as {@code ARGS}. */
    public static synchronized void run(Path script, List<String> args) {
        String src;
        try {
            src = Files.readString(script);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read script " + script + ": " + e.getMessage(), e);
        }
        arguments = args.toArray(String[]::new);
        System.setProperty("smok.args", String.join(" ", args));
        try (JShell shell = JShell.builder().executionEngine("local")
                .compilerOptions("--add-modules", "jdk.incubator.vector", "--class-path", System.getProperty("java.class.path"))
                .out(System.out).err(System.err).build()) {
            for (String imp : Scripts.IMPORTS) eval(shell, imp, script, 0);
            eval(shell, "String[] ARGS = dev.smok.runtime.ScriptRunner.arguments();", script, 0);
            SourceCodeAnalysis sca = shell.sourceCodeAnalysis();
            int line = 1;
            while (!src.isBlank()) {
                int lead = 0; // skip blank lines so the line number points at the statement
                while (lead < src.length() && Character.isWhitespace(src.charAt(lead))) {
                    if (src.charAt(lead) == '\n') line++;
                    lead++;
                }
                src = src.substring(lead);
                if (src.isEmpty()) break;
                SourceCodeAnalysis.CompletionInfo info = sca.analyzeCompletion(src);
                if (!info.completeness().isComplete()) {
                    throw new ScriptException(script + ":" + line + ": incomplete statement at the end of the script");
                }
                eval(shell, info.source(), script, line);
                String consumed = src.substring(0, src.length() - info.remaining().length());
                line += (int) consumed.chars().filter(c -> c == '\n').count();
                src = info.remaining();
            }
        } finally {
            arguments = new String[0];
        }
    }

    private static void eval(JShell shell, String source, Path script, int line) {
        for (SnippetEvent e : shell.eval(source)) {
            String where = script + (line > 0 ? ":" + line : "");
            if (e.exception() != null) {
                Throwable x = e.exception();
                String type = x instanceof jdk.jshell.EvalException ee ? ee.getExceptionClassName() : x.getClass().getName();
                String msg = x.getMessage() == null ? "" : ": " + x.getMessage().lines().findFirst().orElse("");
                throw new ScriptException(where + ": " + type.substring(type.lastIndexOf('.') + 1) + msg);
            }
            if (e.status() == Snippet.Status.REJECTED) {
                String why = shell.diagnostics(e.snippet()).filter(jdk.jshell.Diag::isError).map(d -> d.getMessage(Locale.ROOT)).findFirst().orElse("rejected");
                throw new ScriptException(where + ": " + why.lines().findFirst().orElse(why) + " in: " + source.strip().lines().findFirst().orElse(""));
            }
        }
    }
}
