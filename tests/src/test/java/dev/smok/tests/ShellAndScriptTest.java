package dev.smok.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smok.frontend.Network;
import dev.smok.optimizer.OptimizerSpec;
import dev.smok.runtime.Model;
import dev.smok.runtime.Options;
import dev.smok.runtime.ProgressBar;
import dev.smok.runtime.Smok;
import dev.smok.runtime.Trainer;
import dev.smok.runtime.data.Datasets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code ./smok shell} driven through stdin, {@code ./smok run} with arguments and errors, and the example scripts. */
class ShellAndScriptTest {
    /** The repository root: the tests module's parent (surefire runs in the module's folder). */
    static Path root() {
        Path here = Path.of("").toAbsolutePath();
        return Files.exists(here.resolve("smok")) ? here : here.getParent();
    }

    static final String SESSION = """
            var net = Network.sequential("tiny", 1, 28, 28).flatten().dense(16).relu().dense(10).softmax();
            var data = Datasets.load("mnist-sample");
            var model = Smok.compile(net, new Options().batch(50).backend("interpreter").optimizer(OptimizerSpec.adam(0.01f)));
            Trainer.fit(model, data.train().head(1000), data.test(), 1, new ProgressBar(System.err, false));
            System.out.println(String.format(java.util.Locale.ROOT, "ACCURACY %.4f", model.accuracy(data.test())));
            /exit
            """;

    @Test void shellSessionDefinesTrainsAndEvaluatesAnMlp() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", root().resolve("smok").toString(), "shell").directory(root().toFile())
                .redirectErrorStream(true);
        pb.environment().put("SMOK_CLASSPATH", System.getProperty("java.class.path")); // no rebuild from inside the build
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(SESSION.getBytes(StandardCharsets.UTF_8));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = Thread.ofPlatform().start(() -> { try { p.getInputStream().transferTo(out); } catch (java.io.IOException e) { } });
        boolean done = p.waitFor(300, TimeUnit.SECONDS);
        if (!done) p.destroyForcibly();
        reader.join(10_000);
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(done, "jshell did not finish: " + text);
        assertEquals(0, p.exitValue(), text);
        Matcher m = Pattern.compile("ACCURACY (\\d\\.\\d{4})").matcher(text);
        assertTrue(m.find(), "no accuracy line in the session:\n" + text);

        // the same computation in this JVM (seeded initializers and shuffling) prints the same number
        Network net = Network.sequential("tiny", 1, 28, 28).flatten().dense(16).relu().dense(10).softmax();
        var data = Datasets.load("mnist-sample");
        try (Model model = Smok.compile(net, new Options().batch(50).backend("interpreter").optimizer(OptimizerSpec.adam(0.01f)))) {
            Trainer.fit(model, data.train().head(1000), data.test(), 1, new ProgressBar(new PrintStream(OutputStream.nullOutputStream()), false));
            assertEquals(String.format(Locale.ROOT, "%.4f", model.accuracy(data.test())), m.group(1));
        }
        assertTrue(Double.parseDouble(m.group(1)) > 0.6, "accuracy after one epoch on 1,000 images: " + m.group(1));
    }

    @Test void runPassesArgumentsAndReportsTheFailingLine(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("args.jsh");
        Files.writeString(script, """
                // prints its arguments
                System.out.println("ARGS=" + String.join("|", ARGS) + " prop=" + System.getProperty("smok.args"));

                int n = Integer.parseInt(ARGS[0]);
                System.out.println("twice " + 2 * n);
                """);
        DataAndCliTest.Run r = DataAndCliTest.cli("run", script.toString(), "21", "--epochs", "x y");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("ARGS=21|--epochs|x y prop=21 --epochs x y"), r.out());
        assertTrue(r.out().contains("twice 42"), r.out());

        r = DataAndCliTest.cli("run", script.toString(), "many");
        assertEquals(1, r.code(), r.err());
        assertEquals(script + ":4: NumberFormatException: For input string: \"many\"", r.err().strip().replace("smok: error: ", ""));

        Files.writeString(script, "var network = Network.sequential(\"x\", 4).dense(2);\nnetwork.nosuchmethod();\n");
        r = DataAndCliTest.cli("run", script.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().startsWith("smok: error: " + script + ":2: cannot find symbol"), r.err());
        assertEquals(2, DataAndCliTest.cli("run", dir.resolve("missing.jsh").toString()).code());
    }

    @Test void examplesRunAsTheyAre() {
        DataAndCliTest.Run r = DataAndCliTest.cli("run", root().resolve("examples/logistic.jsh").toString(), "--epochs", "1", "--backend", "interpreter");
        assertEquals(0, r.code(), r.err());
        Matcher m = Pattern.compile("logistic test accuracy (0\\.\\d+)").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertTrue(Double.parseDouble(m.group(1)) > 0.8, r.out());

        r = DataAndCliTest.cli("run", root().resolve("examples/mlp.jsh").toString(), "--epochs", "1", "--backend", "interpreter", "--limit", "640");
        assertEquals(0, r.code(), r.err());
        m = Pattern.compile("mlp test accuracy (0\\.\\d+)").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertTrue(Double.parseDouble(m.group(1)) > 0.6, r.out());
    }
}
