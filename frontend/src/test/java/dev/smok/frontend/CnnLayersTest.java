package dev.smok.frontend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smok.ir.Graph;
import dev.smok.ir.Input;
import dev.smok.ir.Shape;
import dev.smok.ir.Tensor;
import dev.smok.ir.interp.Interpreter;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** The image layers: shapes, errors that name the layer and the fix, and train/inference behaviour. */
class CnnLayersTest {
    @Test void convOptionsGiveTheOutputShapes() {
        Network net = Network.sequential("shapes", 3, 32, 32)
                .conv2d(8, 3, Conv2d.with().stride(2).padding(1))   // 16x16
                .conv2d(8, 3, Conv2d.with().dilation(2).groups(4))  // 12x12
                .avgPool(3, 2, 1)                                   // 6x6
                .lrn(5, 1e-4, 0.75, 2);
        assertEquals(Shape.of(8, 6, 6), net.outputShape());
        assertEquals(8 * 3 * 9 + 8 + 8 * 2 * 9 + 8, net.paramCount());
        assertEquals(16 * 16 * 8 * 27 + 12 * 12 * 8 * 18, net.macs());
        net.globalAvgPool();
        assertEquals(Shape.of(8), net.outputShape());
    }

    @Test void convOnAFlatInputNamesTheLayerAndTheFix() {
        NetworkException e = assertThrows(NetworkException.class, () -> Network.sequential("flat", 784).conv2d(6, 5));
        assertTrue(e.getMessage().startsWith("conv2d 'conv2d1' needs an image input CxHxW but 'input' gives 784 (flat)"), e.getMessage());
        assertTrue(e.getMessage().contains("Network.sequential(name, 1, 28, 28)"), e.getMessage());
        e = assertThrows(NetworkException.class, () -> Network.sequential("late", 1, 28, 28).flatten().maxPool(2));
        assertTrue(e.getMessage().contains("maxpool2d 'maxpool2d1'") && e.getMessage().contains("'flatten1' gives 784"), e.getMessage());
    }

    @Test void denseAfterConvWithoutFlattenNamesBothShapes() {
        NetworkException e = assertThrows(NetworkException.class, () -> Network.sequential("noflat", 1, 28, 28).conv2d(4, 3).dense(10));
        assertTrue(e.getMessage().contains("dense 'dense1' needs a flat input but 'conv2d1' gives 4x26x26=2704 values; add flatten()"), e.getMessage());
    }

    @Test void kernelThatDoesNotFitAndBadGroups() {
        NetworkException e = assertThrows(NetworkException.class, () -> Network.sequential("small", 16, 5, 5).conv2d(8, 7));
        assertTrue(e.getMessage().contains("kernel 7x7") && e.getMessage().contains("16x5x5") && e.getMessage().contains("add padding"), e.getMessage());
        e = assertThrows(NetworkException.class, () -> Network.sequential("g", 6, 5, 5).conv2d(8, 3, Conv2d.with().groups(4)));
        assertTrue(e.getMessage().contains("groups=4") && e.getMessage().contains("6 channels"), e.getMessage());
    }

    @Test void mismatchedBranchesNameBothShapes() {
        Network net = Network.sequential("res", 16, 8, 8);
        Network.Port x = net.output();
        Network.Port y = net.conv2d(32, 3, Conv2d.with().padding(1)).output();
        NetworkException e = assertThrows(NetworkException.class, () -> net.add(y, x));
        assertTrue(e.getMessage().contains("add 'add1' needs equal shapes but 'conv2d1' gives 32x8x8 and 'input' gives 16x8x8")
                && e.getMessage().contains("1x1 conv2d"), e.getMessage());
        Network.Port z = net.from(x).conv2d(4, 3).output();
        e = assertThrows(NetworkException.class, () -> net.concat(y, z));
        assertTrue(e.getMessage().contains("'conv2d2' gives 4x6x6") && e.getMessage().contains("padding"), e.getMessage());
    }

    // ---- train/inference behaviour, run on the reference interpreter --------------------------

    private static Map<String, double[]> inputs(Network net, Graph g, long seed) {
        Map<String, double[]> m = new HashMap<>();
        Map<String, Tensor> init = new HashMap<>(net.initialParameters());
        init.putAll(net.initialStates());
        SplittableRandom r = new SplittableRandom(seed);
        for (Input in : g.inputs()) {
            double[] v = new double[in.shape().size()];
            Tensor t = init.get(in.name());
            for (int i = 0; i < v.length; i++) v[i] = t != null ? t.get(i) : in.name().equals("labels") ? r.nextInt(3) : r.nextDouble(-1, 2);
            m.put(in.name(), v);
        }
        return m;
    }

    private static Network dropoutNet() {
        return Network.sequential("drop", 2, 4, 4).conv2d(3, 3, Conv2d.with().padding(1)).relu().dropout(0.5).flatten().dense(3);
    }

    @Test void dropoutDiffersInTrainingAndIsSeeded() {
        Network net = dropoutNet();
        Graph train = net.training(2, Loss.MSE), infer = net.inference(2);
        Map<String, double[]> in = inputs(net, train, 3);
        Map<String, double[]> inInfer = new HashMap<>(in);
        inInfer.keySet().retainAll(infer.inputs().stream().map(Input::name).toList());
        double[] yTrain = Interpreter.run(train, in).outputs().get("y");
        double[] yInfer = Interpreter.run(infer, inInfer).outputs().get("y");
        assertFalse(java.util.Arrays.equals(yTrain, yInfer), "training applies a mask, inference does not");
        // same seed: the same mask; the step update advances the counter and so the mask
        Interpreter.Result again = Interpreter.run(train, in);
        assertArrayEquals(yTrain, again.outputs().get("y"));
        assertArrayEquals(new double[] {1}, again.updates().get("dropout1.step"));
        in.put("dropout1.step", again.updates().get("dropout1.step"));
        assertFalse(java.util.Arrays.equals(yTrain, Interpreter.run(train, in).outputs().get("y")), "a new step draws a new mask");
        // another network seed: another mask
        Graph reseeded = dropoutNet().seed(99).training(2, Loss.MSE);
        in.put("dropout1.step", new double[] {0});
        assertFalse(java.util.Arrays.equals(yTrain, Interpreter.run(reseeded, in).outputs().get("y")));
    }

    @Test void batchNormUsesBatchStatisticsInTrainingAndUpdatesRunningOnes() {
        Network net = Network.sequential("bn", 3, 2, 2).batchNorm(0.25, 1e-5);
        Graph train = net.training(4, Loss.MSE);
        Map<String, double[]> in = inputs(net, train, 5);
        Interpreter.Result r = Interpreter.run(train, in);
        double[] x = in.get("x"), y = r.outputs().get("y");
        for (int c = 0; c < 3; c++) {
            double mean = 0, var = 0, ySum = 0, ySq = 0;
            for (int b = 0; b < 4; b++) for (int i = 0; i < 4; i++) { mean += x[(b * 3 + c) * 4 + i] / 16; }
            for (int b = 0; b < 4; b++)
                for (int i = 0; i < 4; i++) {
                    int k = (b * 3 + c) * 4 + i;
                    var += (x[k] - mean) * (x[k] - mean) / 15;
                    ySum += y[k];
                    ySq += y[k] * y[k];
                }
            assertEquals(0, ySum / 16, 1e-9, "normalized to zero mean");
            assertEquals(1, ySq / 16, 1e-4, "and unit variance");
            assertEquals(0.25 * mean, r.updates().get("batchnorm1.running_mean")[c], 1e-6);
            assertEquals(0.75 + 0.25 * var, r.updates().get("batchnorm1.running_var")[c], 1e-6);
        }
        Graph infer = net.inference(4);
        Map<String, double[]> inInfer = new HashMap<>();
        for (Input i : infer.inputs()) inInfer.put(i.name(), in.get(i.name()));
        inInfer.put("batchnorm1.running_mean", new double[] {1, 2, 3});
        inInfer.put("batchnorm1.running_var", new double[] {4, 4, 4});
        double[] yi = Interpreter.run(infer, inInfer).outputs().get("y");
        assertEquals((x[5] - 2) / Math.sqrt(4 + 1e-5), yi[5], 1e-6, "inference uses the running statistics");
    }
}
