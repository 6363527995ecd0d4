package dev.smok.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smok.frontend.Loss;
import dev.smok.frontend.Network;
import dev.smok.frontend.NetworkException;
import dev.smok.frontend.models.Autoencoders;
import dev.smok.ir.Graph;
import dev.smok.ir.Node;
import dev.smok.ir.Op;
import dev.smok.ir.Role;
import dev.smok.ir.interp.Interpreter;
import dev.smok.optimizer.Autodiff;
import dev.smok.optimizer.OptimizerSpec;
import dev.smok.optimizer.Pipelines;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Tied-weight autoencoders: the decoder reads the encoder's weight transposed through a matmul
 * flag, the weight is one parameter counted once, its gradient is the sum of both uses, and the
 * built-in model learns on the interpreter.
 */
class TiedAutoencoderTest {
    static final int PIXELS = 784, HIDDEN = Autoencoders.HIDDEN;

    @Test void tiedModelHasHalfTheWeights() {
        long biases = HIDDEN + PIXELS;
        long tied = Autoencoders.autoencoder(true).paramCount(), untied = Autoencoders.autoencoder(false).paramCount();
        assertEquals((long) PIXELS * HIDDEN + biases, tied);
        assertEquals(2L * PIXELS * HIDDEN + biases, untied);
        assertEquals(untied - biases, 2 * (tied - biases));
        String summary = Autoencoders.autoencoder().summary();
        assertTrue(summary.contains("Total params: 101,264") && summary.contains("Tied: decoder reads encoder.weight transposed"), summary);
        assertTrue(Autoencoders.autoencoder().summaryJson().contains("\"params\": 101264"));
        assertEquals(List.of("encoder.weight", "encoder.bias", "decoder.bias"),
                Autoencoders.autoencoder().params().stream().map(s -> s.name()).toList());
    }

    @Test void irReadsOneParameterTwiceWithoutTranspose() {
        Graph g = Autoencoders.autoencoder().training(8, Loss.RECONSTRUCTION);
        assertEquals(List.of("encoder.weight", "encoder.bias", "decoder.bias"),
                g.inputs(Role.PARAM).stream().map(i -> i.name()).toList());
        assertNull(g.input("decoder.weight"));
        var w = g.input("encoder.weight").value();
        List<Node> reads = g.nodes().stream().filter(n -> n.inputs().contains(w)).toList();
        assertEquals(2, reads.size(), g.toString());
        assertEquals(List.of(Op.MATMUL, Op.MATMUL), reads.stream().map(Node::op).toList());
        assertEquals(List.of(true, false), reads.stream().map(n -> n.attrs().b("trans_b", false)).toList());
        assertTrue(g.nodes().stream().noneMatch(n -> n.op() == Op.TRANSPOSE), g.toString());
        // the training step: one update of the shared weight, none for the decoder
        Graph step = Pipelines.training(OptimizerSpec.adam(1e-3f)).run(g);
        assertTrue(step.updates().containsKey("encoder.weight") && !step.updates().containsKey("decoder.weight"));
    }

    /** grad(W_tied) = grad(W1) + grad(W2)ᵀ for the untied twin initialised with W1 = W, W2 = Wᵀ. */
    @Test void sharedGradientIsTheSumOfBothUses() {
        int batch = 3;
        // the whole optimized training step (autodiff and the standard passes), gradients exposed
        float lr = 0.5f;
        Graph tied = Pipelines.training(OptimizerSpec.sgd(lr), true).run(Autoencoders.autoencoder(true).training(batch, Loss.RECONSTRUCTION));
        Graph untied = new Autodiff(null, true).run(Autoencoders.autoencoder(false).training(batch, Loss.RECONSTRUCTION));
        Random r = new Random(7);
        double[] x = new double[batch * PIXELS], w = new double[HIDDEN * PIXELS], wt = new double[PIXELS * HIDDEN];
        double[] b1 = new double[HIDDEN], b2 = new double[PIXELS];
        for (int i = 0; i < x.length; i++) x[i] = r.nextDouble();
        for (int i = 0; i < w.length; i++) w[i] = r.nextGaussian() * 0.1;
        for (int i = 0; i < HIDDEN; i++) for (int j = 0; j < PIXELS; j++) wt[j * HIDDEN + i] = w[i * PIXELS + j];
        for (int i = 0; i < b1.length; i++) b1[i] = r.nextGaussian() * 0.1;
        for (int i = 0; i < b2.length; i++) b2[i] = r.nextGaussian() * 0.1;
        Map<String, double[]> in = new HashMap<>(Map.of("x", x, "encoder.weight", w, "encoder.bias", b1, "decoder.bias", b2));
        var tiedRun = Interpreter.run(tied, in);
        var t = tiedRun.outputs();
        in.put("decoder.weight", wt);
        var u = Interpreter.run(untied, in).outputs();
        assertEquals(u.get("loss")[0], t.get("loss")[0], 1e-12);
        double[] gt = t.get("grad/encoder.weight"), g1 = u.get("grad/encoder.weight"), g2 = u.get("grad/decoder.weight");
        double maxAbs = 0;
        for (double v : gt) maxAbs = Math.max(maxAbs, Math.abs(v));
        assertTrue(maxAbs > 1e-6, "the gradient is not trivially zero");
        double maxDiff = 0, maxEncoderOnlyDiff = 0, maxUpdateDiff = 0;
        double[] updated = tiedRun.updates().get("encoder.weight");
        for (int i = 0; i < HIDDEN; i++) {
            for (int j = 0; j < PIXELS; j++) {
                double sum = g1[i * PIXELS + j] + g2[j * HIDDEN + i];
                maxDiff = Math.max(maxDiff, Math.abs(gt[i * PIXELS + j] - sum));
                maxEncoderOnlyDiff = Math.max(maxEncoderOnlyDiff, Math.abs(gt[i * PIXELS + j] - g1[i * PIXELS + j]));
                maxUpdateDiff = Math.max(maxUpdateDiff, Math.abs(updated[i * PIXELS + j] - (w[i * PIXELS + j] - lr * sum)));
            }
        }
        assertTrue(maxDiff <= 1e-12 * Math.max(1, maxAbs), "max difference " + maxDiff);
        assertTrue(maxEncoderOnlyDiff > 1e-6 * maxAbs, "the decoder's contribution matters");
        assertTrue(maxUpdateDiff <= 1e-7, "the SGD step applies the summed gradient once: " + maxUpdateDiff); // lr is a float attribute
        // biases are not shared: identical gradients
        assertEquals(u.get("grad/decoder.bias")[5], t.get("grad/decoder.bias")[5], 1e-12);
    }

    @Test void denseTiedIsTheSameTie() {
        Network a = Network.sequential("a", 20).dense(6).name("enc").relu().denseTied("enc");
        Network b = Network.sequential("a", 20).dense(6).name("enc").relu().dense(20).tiedTo("enc");
        assertEquals(b.inference(2).toString(), a.inference(2).toString());
        assertEquals(20 * 6 + 6 + 20, a.paramCount());
    }

    @Test void badTiesNameTheLayersAndShapes() {
        NetworkException e = assertThrows(NetworkException.class,
                () -> Network.sequential("n", 20).dense(6).name("enc").relu().dense(19).name("dec").tiedTo("enc"));
        assertEquals("dense 'dec' cannot be tied to 'enc': it maps 6 to 19 values but the transpose of 'enc' maps 6 to 20;"
                + " use dense(20) after a layer of 6 values", e.getMessage());
        e = assertThrows(NetworkException.class, () -> Network.sequential("n", 20).dense(6).name("enc").dense(20).tiedTo("nope"));
        assertEquals("tiedTo(\"nope\"): network 'n' has no layer named 'nope'", e.getMessage());
        e = assertThrows(NetworkException.class, () -> Network.sequential("n", 20).dense(6).name("enc").relu().tiedTo("enc"));
        assertTrue(e.getMessage().startsWith("tiedTo(\"enc\") must follow a dense layer"), e.getMessage());
    }

    /** {@code ./smok train autoencoder --epochs 5} on a subset, interpreter backend: the loss at least halves. */
    @Test void builtInAutoencoderLearnsOnTheInterpreter(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("ae.json");
        DataAndCliTest.Run r = DataAndCliTest.cli("train", "autoencoder", "--backend", "interpreter", "--epochs", "5", "--limit", "1280",
                "--report", report.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("reconstruction loss") && !r.out().contains("test accuracy"), r.out());
        String json = Files.readString(report);
        List<Double> losses = new java.util.ArrayList<>();
        var m = java.util.regex.Pattern.compile("\"loss\": ([0-9.eE-]+)").matcher(json);
        while (m.find()) losses.add(Double.parseDouble(m.group(1)));
        assertEquals(5, losses.size(), json);
        assertTrue(losses.get(4) <= 0.5 * losses.get(0), "epoch losses " + losses);
    }
}
