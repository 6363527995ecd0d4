package dev.smok.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smok.frontend.Loss;
import dev.smok.frontend.Network;
import dev.smok.frontend.RecurrentCell;
import dev.smok.frontend.models.Recurrent;
import dev.smok.ir.Graph;
import dev.smok.ir.Op;
import dev.smok.optimizer.OptimizerSpec;
import dev.smok.optimizer.Pipelines;
import dev.smok.runtime.Model;
import dev.smok.runtime.ModelZoo;
import dev.smok.runtime.Options;
import dev.smok.runtime.Smok;
import dev.smok.runtime.cli.Main;
import dev.smok.runtime.data.AddingProblem;
import dev.smok.runtime.data.Dataset;
import dev.smok.runtime.studies.VanishingGradient;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Recurrent models end to end: graph size independent of the sequence length, the built-in
 * models, the adding problem's data, a short training run on the interpreter, and the
 * vanishing-gradient study.
 */
class RecurrentModelsTest {
    static Network stacked(int steps) {
        return Network.sequential("stack", steps, 8).lstm(16).returnSequences(true).bidirectional(true).gru(16).dense(4).softmax();
    }

    @Test void graphSizeDoesNotDependOnSequenceLength() {
        long[] nanos = new long[2];
        int[][] counts = new int[2][];
        int[] lengths = {10, 1000};
        for (int i = 0; i < 2; i++) {
            long t0 = System.nanoTime();
            Graph forward = stacked(lengths[i]).training(32, Loss.CROSS_ENTROPY);
            Graph train = Pipelines.training(OptimizerSpec.adam(1e-3f)).run(forward);
            nanos[i] = System.nanoTime() - t0;
            counts[i] = new int[] {stacked(lengths[i]).inference(32).nodes().size(), forward.nodes().size(), train.nodes().size()};
            assertEquals(6, train.nodes().stream().filter(n -> n.op() == Op.SCAN).count(), "3 forward and 3 backward loops");
        }
        assertEquals(counts[0][0], counts[1][0], "inference graph");
        assertEquals(counts[0][1], counts[1][1], "forward graph");
        assertEquals(counts[0][2], counts[1][2], "training graph");
        System.out.printf("bidirectional LSTM + GRU stack: %d training-graph nodes for T=10 and T=1000; lowering + autodiff + dce %.1f ms (T=10), %.1f ms (T=1000)%n",
                counts[1][2], nanos[0] / 1e6, nanos[1] / 1e6);
    }

    @Test void builtInModels() {
        assertEquals(21_386, ModelZoo.load("rnn").paramCount());
        assertEquals(81_674, ModelZoo.load("lstm").paramCount());
        assertTrue(ModelZoo.load("lstm").summary().contains("lstm (LSTM)"), ModelZoo.load("lstm").summary());
        assertEquals("[50,2]", ModelZoo.load("adding-lstm").inputShape().toString());
    }

    @Test void addingProblemData() {
        Dataset d = AddingProblem.generate("a", 200, 50, 7);
        assertEquals(d.x().length, 200 * 50 * 2);
        for (int i = 0; i < d.count(); i++) {
            double sum = 0;
            int markers = 0, firstHalf = 0;
            for (int t = 0; t < 50; t++) {
                float v = d.x()[(i * 50 + t) * 2], m = d.x()[(i * 50 + t) * 2 + 1];
                assertTrue(v >= 0 && v < 1);
                if (m == 1) { markers++; sum += v; if (t < 25) firstHalf++; } else assertEquals(0, m);
            }
            assertEquals(2, markers);
            assertEquals(1, firstHalf);
            assertEquals(sum, d.labels()[i], 1e-6);
        }
        assertEquals(d.labels()[3], AddingProblem.generate("a", 200, 50, 7).labels()[3]);
    }

    /** A tiny adding problem on the interpreter: the training loss falls below the constant predictor's. */
    @Test void lstmLearnsAShortAddingProblemOnTheInterpreter() {
        int steps = 6, batch = 32;
        Dataset d = AddingProblem.generate("adding-6", 64 * batch, steps, 3);
        Network net = Recurrent.addingProblem(steps, RecurrentCell.LSTM, 8).seed(2);
        try (Model m = Smok.compile(net, new Options().batch(batch).backend("interpreter").optimizer(OptimizerSpec.adam(0.02f)))) {
            double first = 0, last = 0;
            int epochs = 3, stepsPerEpoch = d.count() / batch;
            for (int e = 0; e < epochs; e++) {
                for (int s = 0; s < stepsPerEpoch; s++) {
                    float[] x = java.util.Arrays.copyOfRange(d.x(), s * batch * steps * 2, (s + 1) * batch * steps * 2);
                    float[] y = java.util.Arrays.copyOfRange(d.labels(), s * batch, (s + 1) * batch);
                    float loss = m.trainStep(x, y);
                    if (e == 0 && s < 8) first += loss / 8;
                    if (e == epochs - 1 && s >= stepsPerEpoch - 8) last += loss / 8;
                }
            }
            System.out.printf("adding problem T=%d, LSTM 8 units, interpreter: MSE %.4f in the first 8 steps, %.4f in the last 8 (baseline %.4f)%n",
                    steps, first, last, AddingProblem.BASELINE_MSE);
            assertTrue(last < 0.5 * AddingProblem.BASELINE_MSE, "final MSE " + last + " vs baseline " + AddingProblem.BASELINE_MSE);
        }
    }

    @Test void vanishingGradientStudy() {
        VanishingGradient.Result r = VanishingGradient.run(20, 6, 1, 1, 1);
        double[] rnn = r.norms().get(RecurrentCell.RNN), lstm = r.norms().get(RecurrentCell.LSTM);
        assertEquals(20, rnn.length);
        for (int k = 0; k < 20; k++) assertTrue(rnn[k] > 0 && Double.isFinite(rnn[k]) && lstm[k] > 0 && Double.isFinite(lstm[k]));
        assertTrue(rnn[19] < rnn[0] / 10, "the simple RNN's gradient shrinks with distance: " + rnn[0] + " -> " + rnn[19]);
        assertTrue(r.csv().startsWith("k,rnn,lstm\n1,"), r.csv());
    }

    @Test void vanishingGradientCommandWritesCsv(@TempDir Path dir) throws java.io.IOException {
        Path csv = dir.resolve("vg.csv"), png = dir.resolve("vg.png");
        assertEquals(0, Main.run("vanishing-gradient", "--steps", "4", "--units", "2", "--sequences", "1", "--out", csv.toString(),
                "--plot", png.toString()));
        byte[] head = Files.readAllBytes(png);
        assertEquals('P', head[1], "a PNG with the log-scale plot");
        java.util.List<String> lines = Files.readAllLines(csv);
        assertEquals(5, lines.size(), lines.toString());
        assertEquals("k,rnn,lstm", lines.get(0));
        assertTrue(lines.get(4).startsWith("4,"), lines.toString());
    }
}
