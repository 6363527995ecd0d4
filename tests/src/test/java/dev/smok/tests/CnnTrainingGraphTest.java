package dev.smok.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smok.frontend.Loss;
import dev.smok.frontend.Network;
import dev.smok.frontend.models.Cnns;
import dev.smok.ir.Graph;
import dev.smok.ir.Input;
import dev.smok.ir.Tensor;
import dev.smok.ir.interp.Interpreter;
import dev.smok.optimizer.Autodiff;
import dev.smok.optimizer.OptimizerSpec;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The built-in convolutional networks from DSL to training step: lowered for training,
 * differentiated by autodiff with an optimizer, and run on the reference interpreter. Checks
 * that every parameter, running statistic and dropout counter is updated, and that LeNet-5
 * fits a fixed batch.
 */
class CnnTrainingGraphTest {
    private static Map<String, double[]> initial(Network net, Graph g, int batch, long seed) {
        Map<String, Tensor> init = new HashMap<>(net.initialParameters());
        init.putAll(net.initialStates());
        Map<String, double[]> m = new HashMap<>();
        SplittableRandom r = new SplittableRandom(seed);
        for (Input in : g.inputs()) {
            double[] v = new double[in.shape().size()];
            Tensor t = init.get(in.name());
            for (int i = 0; i < v.length; i++) {
                v[i] = t != null ? t.get(i) : in.name().equals("labels") ? i % 10 : in.name().equals("x") ? r.nextDouble() : 0;
            }
            m.put(in.name(), v);
        }
        return m;
    }

    @Test void cnnTrainingStepUpdatesParametersAndStates() {
        Network net = Cnns.cnn();
        Graph train = new Autodiff(OptimizerSpec.adam(1e-3f), false).run(net.training(2, Loss.CROSS_ENTROPY));
        Map<String, double[]> in = initial(net, train, 2, 1);
        Interpreter.Result r = Interpreter.run(train, in);
        double loss = r.outputs().get("loss")[0];
        assertTrue(Double.isFinite(loss) && loss > 0, "a finite positive initial loss, got " + loss);
        for (var p : net.params()) {
            assertFalse(Arrays.equals(in.get(p.name()), r.updates().get(p.name())), p.name() + " was not updated");
        }
        for (var s : net.states()) assertTrue(r.updates().containsKey(s.name()), s.name() + " has no update");
        assertEquals(1, r.updates().get("dropout1.step")[0]);
        assertTrue(r.updates().get("batchnorm1.running_var")[0] != 1, "running variance moves toward the batch's");
    }

    @Test void lenet5FitsAFixedBatch() {
        Network net = Cnns.lenet5();
        Graph train = new Autodiff(OptimizerSpec.momentum(0.05f), false).run(net.training(4, Loss.CROSS_ENTROPY));
        Map<String, double[]> state = initial(net, train, 4, 2);
        double first = 0, last = 0;
        for (int step = 0; step < 12; step++) {
            Interpreter.Result r = Interpreter.run(train, state);
            last = r.outputs().get("loss")[0];
            if (step == 0) first = last;
            Map<String, double[]> next = new HashMap<>(state);
            next.putAll(r.updates());
            state = next;
        }
        assertTrue(last < 0.5 * first, "loss fell from " + first + " to " + last);
    }

    @Test void residualAndInceptionNetworksDifferentiate() {
        for (Network net : new Network[] {Cnns.resnetMini(), Cnns.inceptionMini()}) {
            Graph train = new Autodiff(OptimizerSpec.sgd(0.1f), true).run(net.training(1, Loss.CROSS_ENTROPY));
            Map<String, double[]> out = Interpreter.run(train, initial(net, train, 1, 3)).outputs();
            for (var p : net.params()) assertTrue(out.containsKey(Autodiff.GRAD_PREFIX + p.name()), net.name() + ": no gradient for " + p.name());
        }
    }
}
