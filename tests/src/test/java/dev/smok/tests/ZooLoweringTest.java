package dev.smok.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smok.frontend.Loss;
import dev.smok.frontend.Network;
import dev.smok.frontend.ParamSpec;
import dev.smok.frontend.models.ResNet;
import dev.smok.frontend.models.Zoo;
import dev.smok.frontend.models.ZooOptions;
import dev.smok.ir.Graph;
import dev.smok.ir.Shape;
import dev.smok.ir.Tensor;
import dev.smok.optimizer.Autodiff;
import dev.smok.optimizer.DeadCodeElimination;
import dev.smok.optimizer.OptimizerSpec;
import dev.smok.optimizer.Pipeline;
import dev.smok.runtime.Model;
import dev.smok.runtime.Options;
import dev.smok.runtime.Smok;

import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The model zoo end to end without running big models: every model lowers to a verified
 * inference graph and, through autodiff, to a verified training step at batch 1 (graph
 * construction only); the CLI's zoo options; and copying trained values into a network with a
 * block left out, checked numerically on a tiny ResNet in the interpreter.
 */
class ZooLoweringTest {
    private static void lowersForInferenceAndTraining(Network net) {
        Graph infer = net.inference(1); // GraphBuilder.build verifies
        assertEquals(Shape.of(1, net.outputShape().dim(0)), infer.outputs().get("y").shape(), net.name());
        Graph step = Pipeline.of(new Autodiff(OptimizerSpec.sgd(0.01f), false), new DeadCodeElimination())
                .run(net.training(1, Loss.CROSS_ENTROPY)); // verified after each pass
        for (ParamSpec p : net.params()) assertTrue(step.updates().containsKey(p.name()), net.name() + " updates " + p.name());
    }

    @Test void everyZooModelLowersForInferenceAndTraining() {
        for (String name : Zoo.names()) lowersForInferenceAndTraining(Zoo.build(name));
    }

    @Test void mnistVariantsLowerForInferenceAndTraining() {
        ZooOptions mnist = ZooOptions.imagenet().classes(10).input(1, 28, 28);
        for (String name : List.of("resnet18", "googlenet")) lowersForInferenceAndTraining(Zoo.build(name, mnist));
    }

    @Test void summaryTakesClassesAndInputSize() {
        DataAndCliTest.Run r = DataAndCliTest.cli("summary", "resnet50", "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"params\": 25557032, \"macs\": 4089184256"), r.out());
        r = DataAndCliTest.cli("summary", "resnet18", "--classes", "10", "--input", "1x28x28");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Total params: 11,172,810") && r.out().contains("fc (Dense)"), r.out());
        r = DataAndCliTest.cli("summary", "mlp", "--classes", "10");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--classes and --input apply to the zoo models"), r.err());
        assertEquals(1, DataAndCliTest.cli("summary", "alexnet", "--input", "1x28x28").code()); // too small: a network error
        r = DataAndCliTest.cli("summary", "resnet18", "--input", "28by28");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("is not CxHxW or HxW"), r.err());
        assertEquals(2, DataAndCliTest.cli("summary", "resnet18", "--classes", "0").code());
        r = DataAndCliTest.cli("train", "resnet18", "--classes", "5", "--backend", "interpreter");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("resnet18 built for 5 classes cannot learn mnist-sample's 10"), r.err());
    }

    private static Network tinyResNet(ZooOptions o) {
        return ResNet.build("tiny", ResNet.Block.BASIC, new int[] {2, 1}, new int[] {4, 8}, o);
    }

    @Test void stepCommandReportsTheExecutablesArenaAndEachStep() {
        DataAndCliTest.Run r = DataAndCliTest.cli("step", "lenet5", "--batch", "4", "--steps", "2");
        assertEquals(0, r.code(), r.err());
        var arena = java.util.regex.Pattern.compile("arena ([0-9,]+) bytes").matcher(r.out());
        assertTrue(arena.find(), r.out());
        try (Model m = Smok.compile(dev.smok.runtime.ModelZoo.load("lenet5"),
                new Options().batch(4).optimizer(OptimizerSpec.named("sgd", 0.01f)))) {
            long bytes = m.trainingExecutable().arenaBytes();
            assertEquals(bytes, Long.parseLong(arena.group(1).replace(",", "")));
            assertTrue(bytes > 2 * 4L * 61_706, "parameters and their gradients fit in the arena: " + bytes);
        }
        assertTrue(r.out().contains("step 1: ") && r.out().contains("step 2: ") && r.out().contains(" over steps 2-2 "), r.out());
        r = DataAndCliTest.cli("step", "logistic", "--batch", "2", "--steps", "1", "--backend", "interpreter");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("arena not reported by the interpreter backend"), r.out());
        r = DataAndCliTest.cli("step", "lenet5", "--steps", "0");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--batch and --steps must be positive"), r.err());
    }

    @Test void aLeftOutBlockIsItsShortcutWhenItsResidualBranchIsZero() {
        ZooOptions o = new ZooOptions(3, 1, 6, 6, java.util.Set.of());
        Options opts = new Options().batch(2).backend("interpreter");
        try (Model full = Smok.compile(tinyResNet(o), opts); Model lesioned = Smok.compile(tinyResNet(o.skip("layer1.1")), opts)) {
            Map<String, Tensor> values = full.state();
            Random random = new Random(7);
            for (Tensor t : values.values()) { // weights N(0, 0.25), per-channel values (BN, running variances) in [0.5, 1.5)
                for (int i = 0; i < t.size(); i++) t.set(i, t.shape().rank() == 1 ? 0.5f + random.nextFloat() : (float) random.nextGaussian() * 0.5f);
            }
            float[] x = new float[2 * 36];
            for (int i = 0; i < x.length; i++) x[i] = random.nextFloat();
            full.setParameters(values);
            lesioned.setParameters(values);
            float[] withBlock = full.predict(x, 2), without = lesioned.predict(x, 2);
            assertFalse(java.util.Arrays.equals(withBlock, without), "the block does something");
            // zero layer1.1's last BN: its residual branch gives 0 and the block passes its (post-ReLU) input on
            for (String p : List.of("layer1.1.bn2.weight", "layer1.1.bn2.bias")) {
                Tensor t = values.get(p);
                java.util.Arrays.fill(t.data(), t.offset(), t.offset() + t.size(), 0f);
            }
            full.setParameters(values);
            assertArrayEquals(full.predict(x, 2), without, 1e-5f);
            assertEquals(values.get("fc.weight").toArray()[5], lesioned.parameters().get("fc.weight").toArray()[5]);
        }
    }

    @Test void settingParametersNamesWhatIsMissingOrMisshapen() {
        ZooOptions o = new ZooOptions(3, 1, 6, 6, java.util.Set.of());
        try (Model full = Smok.compile(tinyResNet(o), new Options().batch(1).backend("interpreter"))) {
            Map<String, Tensor> values = full.state();
            values.remove("layer2.0.conv1.weight");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> full.setParameters(values));
            assertTrue(e.getMessage().contains("no value for parameter 'layer2.0.conv1.weight'"), e.getMessage());
            values.put("layer2.0.conv1.weight", new Tensor(Shape.of(3), new float[3], 0));
            e = assertThrows(IllegalArgumentException.class, () -> full.setParameters(values));
            assertTrue(e.getMessage().contains("has shape 8x4x3x3"), e.getMessage());
        }
    }
}
