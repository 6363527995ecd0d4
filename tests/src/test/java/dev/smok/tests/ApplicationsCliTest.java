package dev.smok.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smok.runtime.cli.Main;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The lecture's applications through the CLI, at sizes small enough for CI. */
class ApplicationsCliTest {
    static String run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        try {
            assertEquals(0, Main.run(args));
        } finally {
            System.setOut(old);
        }
        return out.toString();
    }

    @Test void onePixelAttackReportsRateConfidenceAndThroughput(@TempDir Path dir) throws Exception {
        Path weights = dir.resolve("logistic.safetensors"), grid = dir.resolve("grid.png");
        run("train", "logistic", "--epochs", "1", "--save", weights.toString());
        String out = run("attack", "onepixel", "--model", "logistic", "--weights", weights.toString(), "--images", "3",
                "--population", "20", "--generations", "3", "--grid", grid.toString());
        Matcher m = Pattern.compile("success (\\d+)/3 = .*?([0-9,]+) candidate evaluations/s").matcher(out);
        assertTrue(m.find(), out);
        byte[] png = Files.readAllBytes(grid);
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
    }

    @Test void moonsAutoencoderCodeSeparatesBetterThanPca(@TempDir Path dir) {
        Path plot = dir.resolve("moons.png");
        String out = run("pca-vs-autoencoder", "--points", "300", "--epochs", "150", "--plot", plot.toString());
        Matcher m = Pattern.compile("PCA ([0-9.]+), autoencoder ([0-9.]+)").matcher(out);
        assertTrue(m.find(), out);
        double pca = Double.parseDouble(m.group(1)), ae = Double.parseDouble(m.group(2));
        assertTrue(pca < 0.9, "a line cannot separate the moons: " + out);
        assertTrue(ae > pca + 0.05, "the nonlinear code separates better: " + out);
        assertTrue(Files.exists(plot));
    }
}
