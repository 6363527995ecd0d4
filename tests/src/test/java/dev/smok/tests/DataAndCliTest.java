package dev.smok.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smok.runtime.cli.Main;
import dev.smok.runtime.data.DataException;
import dev.smok.runtime.data.Datasets;
import dev.smok.runtime.data.Idx;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/** IDX reading and its errors, and the CLI's exit codes and one-line errors. */
class DataAndCliTest {
    static byte[] idx(int... dimsThenData) { // first the rank, then dims, then bytes
        int rank = dimsThenData[0];
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * rank + dimsThenData.length - 1 - rank);
        b.put((byte) 0).put((byte) 0).put((byte) 8).put((byte) rank);
        for (int i = 1; i <= rank; i++) b.putInt(dimsThenData[i]);
        for (int i = rank + 1; i < dimsThenData.length; i++) b.put((byte) dimsThenData[i]);
        return b.array();
    }

    @Test void bundledSampleLoads() {
        Datasets.Split s = Datasets.load("mnist-sample");
        assertEquals(8000, s.train().count());
        assertEquals(2000, s.test().count());
        assertEquals("[1,28,28]", s.train().sampleShape().toString());
        assertEquals(10, s.train().classes());
    }

    @Test void truncatedCorruptAndMismatchedFilesGiveOneLine(@TempDir Path dir) throws Exception {
        byte[] good = idx(3, 2, 2, 2, 1, 2, 3, 4, 5, 6, 7, 8);
        Path truncated = dir.resolve("t");
        Files.write(truncated, java.util.Arrays.copyOf(good, good.length - 3));
        DataException e = assertThrows(DataException.class, () -> Idx.read(truncated));
        assertTrue(e.getMessage().contains("header promises 8 bytes of data but the file has 5 (truncated)"), e.getMessage());

        Path corrupt = dir.resolve("c");
        Files.write(corrupt, new byte[] {0x1f, (byte) 0x8b, 1, 2, 3});
        assertTrue(assertThrows(DataException.class, () -> Idx.read(corrupt)).getMessage().contains("corrupt or truncated gzip"));

        assertTrue(assertThrows(DataException.class, () -> Idx.read(dir.resolve("missing"))).getMessage().startsWith("missing data file"));

        Idx.Array images = Idx.read(writeTo(dir.resolve("i"), good));
        Idx.Array labels = Idx.read(writeTo(dir.resolve("l"), idx(1, 3, 0, 1, 2)));
        e = assertThrows(DataException.class, () -> Idx.dataset("x", images, labels, "i", "l"));
        assertEquals("labels do not match images: l has 3 labels but i has 2 images", e.getMessage());
    }

    static Path writeTo(Path p, byte[] b) throws Exception { Files.write(p, b); return p; }

    record Run(int code, String out, String err) {}

    static Run cli(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        System.setErr(new PrintStream(err, true));
        try {
            int code = Main.run(args);
            return new Run(code, out.toString(), err.toString());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test void missingDataFolderIsOneLineAndExitCodeOne(@TempDir Path dir) {
        Run r = cli("train", "logistic", "--data", dir.toString(), "--backend", "interpreter");
        assertEquals(1, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("smok: error: missing data file"), r.err());
    }

    @Test void unknownModelAndBadOptionAreUsageErrors() {
        Run r = cli("summary", "nosuchmodel");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown model 'nosuchmodel'"), r.err());
        assertEquals(2, cli("train", "mlp", "--epochs", "many").code());
    }

    @Test void logisticRegressionTrainsOnTheInterpreter(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("r.json");
        Run r = cli("train", "logistic", "--backend", "interpreter", "--epochs", "3", "--seed", "1", "--report", report.toString());
        assertEquals(0, r.code(), r.err());
        String json = Files.readString(report);
        for (String key : new String[] {"\"model\"", "\"params\": 7850", "\"test_accuracy\"", "\"images_per_second\"", "\"seconds\"", "\"loss\""}) {
            assertTrue(json.contains(key), json);
        }
        double acc = Double.parseDouble(json.replaceAll("(?s).*?\"test_accuracy\": ([0-9.]+).*", "$1"));
        assertTrue(acc >= 0.85, "logistic regression test accuracy " + acc);
    }

    @Test void scriptDefinesANetwork(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("net.jsh");
        Files.writeString(script, """
                // a small MLP in the DSL
                var network = Network.sequential("tiny", 1, 28, 28)
                    .flatten()
                    .dense(16).relu()
                    .dense(10).softmax();
                """);
        Run r = cli("summary", script.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"params\": " + (784 * 16 + 16 + 16 * 10 + 10)), r.out());
    }
}
