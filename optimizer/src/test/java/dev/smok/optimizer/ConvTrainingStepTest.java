package dev.smok.optimizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smok.ir.Attrs;
import dev.smok.ir.DType;
import dev.smok.ir.Graph;
import dev.smok.ir.GraphBuilder;
import dev.smok.ir.Input;
import dev.smok.ir.Op;
import dev.smok.ir.Role;
import dev.smok.ir.Shape;
import dev.smok.ir.Value;
import dev.smok.ir.interp.Interpreter;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

/**
 * A whole convolutional training step as one graph: conv → batch norm (with running-statistic
 * updates) → ReLU → max-pool → dropout (with its step counter) → dense → cross-entropy, turned
 * into a training graph by autodiff with SGD and run on the interpreter until it fits a fixed
 * batch. Checks that the forward graph's own updates survive autodiff next to the parameter
 * updates.
 */
class ConvTrainingStepTest {
    private static Graph forward() {
        GraphBuilder b = new GraphBuilder("tiny_cnn");
        Value x = b.input("x", Shape.of(4, 1, 8, 8));
        Value labels = b.input("labels", Shape.of(4), DType.I32, Role.INPUT);
        Value w = b.param("conv.weight", Shape.of(5, 1, 3, 3));
        Value gamma = b.param("bn.weight", Shape.of(5)), beta = b.param("bn.bias", Shape.of(5));
        Value mean = b.state("bn.running_mean", Shape.of(5)), var = b.state("bn.running_var", Shape.of(5));
        Value step = b.state("drop.step", Shape.of(1));
        Value fc = b.param("fc.weight", Shape.of(3, 80)), fcb = b.param("fc.bias", Shape.of(3));
        Value y = b.op(Op.CONV2D, Attrs.of("padding", new int[] {1, 1}), x, w);
        Value batchMean = b.op(Op.REDUCE_MEAN, Attrs.of("axes", new int[] {0, 2, 3}), y);
        b.update("bn.running_mean", b.add(b.scale(mean, 0.9f), b.scale(batchMean, 0.1f)));
        b.update("bn.running_var", b.scale(var, 1f)); // kept; the frontend computes the real update
        y = b.relu(b.op(Op.BATCH_NORM_TRAIN, Attrs.of("eps", 1e-5f), y, gamma, beta));
        y = b.op(Op.MAX_POOL, Attrs.of("kernel", new int[] {2, 2}), y);
        y = b.op(Op.DROPOUT, Attrs.of("p", 0.1f, "seed", 5), y, step);
        b.update("drop.step", b.op(Op.SCALE, Attrs.of("alpha", 1f, "beta", 1f), step));
        Value logits = b.biasAdd(b.matmul(b.reshape(y, Shape.of(4, 80)), fc, false, true), fcb);
        b.output("loss", b.op(Op.SOFTMAX_XENT, logits, labels));
        return b.build();
    }

    @Test void sgdFitsAFixedBatch() {
        Graph train = new Autodiff(OptimizerSpec.sgd(0.2f), false).run(forward());
        for (String s : new String[] {"conv.weight", "bn.weight", "bn.bias", "fc.weight", "fc.bias", "bn.running_mean", "drop.step"}) {
            assertTrue(train.updates().containsKey(s), "update of " + s + " in " + train.updates().keySet());
        }
        Map<String, double[]> state = GradCheck.randomInputs(train, 3, 3);
        for (Input p : train.inputs(Role.PARAM)) for (int i = 0; i < state.get(p.name()).length; i++) state.get(p.name())[i] *= 0.3;
        state.put("labels", new double[] {0, 1, 2, 1});
        state.put("drop.step", new double[] {0});
        state.put("bn.running_mean", new double[5]);
        double first = 0, last = 0;
        for (int s = 0; s < 40; s++) {
            Interpreter.Result r = Interpreter.run(train, state);
            last = r.outputs().get("loss")[0];
            if (s == 0) first = last;
            Map<String, double[]> next = new HashMap<>(state);
            next.putAll(r.updates());
            state = next;
        }
        assertEquals(40, state.get("drop.step")[0]);
        assertTrue(last < 0.2 * first, "loss fell from " + first + " to " + last);
    }
}
