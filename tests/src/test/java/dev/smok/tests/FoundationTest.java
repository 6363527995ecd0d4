package dev.smok.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smok.frontend.Loss;
import dev.smok.frontend.Network;
import dev.smok.frontend.NetworkException;
import dev.smok.frontend.models.Perceptrons;
import dev.smok.ir.Graph;
import dev.smok.ir.IrParser;
import dev.smok.ir.IrPrinter;
import dev.smok.optimizer.OptimizerSpec;
import dev.smok.optimizer.Pipelines;

import org.junit.jupiter.api.Test;

/** The DSL, parameter counting, lowering and the IR text form, end to end. */
class FoundationTest {
    @Test void lectureExampleCountsWeights() {
        assertEquals(320 + 256 + 8, Perceptrons.lectureExample(false).paramCount());
        assertEquals(625, Perceptrons.lectureExample(true).paramCount());
    }

    @Test void mlpSummary() {
        Network mlp = Perceptrons.mlp();
        assertEquals(784 * 512 + 512 + 512 * 512 + 512 + 512 * 10 + 10, mlp.paramCount());
        String s = mlp.summary();
        assertTrue(s.contains("fc1 (Dense)") && s.contains("401,920") && s.contains("Total params: 669,706"), s);
        assertTrue(mlp.summaryJson().contains("\"params\": 669706"), mlp.summaryJson());
    }

    @Test void trainingGraphPrintsParsesAndPrintsIdentically() {
        for (OptimizerSpec opt : new OptimizerSpec[] {OptimizerSpec.sgd(0.1f), OptimizerSpec.momentum(0.1f), OptimizerSpec.adam(1e-3f)}) {
            Graph forward = Perceptrons.mlp().training(64, Loss.CROSS_ENTROPY);
            Graph train = Pipelines.training(opt).run(forward);
            String text = IrPrinter.print(train);
            assertEquals(text, IrPrinter.print(IrParser.parse(text)));
            assertTrue(text.contains("softmax_xent") && text.contains("update fc1.weight"), text);
        }
    }

    @Test void shapeMismatchNamesLayerAndShapes() {
        Network n = Network.sequential("bad", 16, 5, 5);
        NetworkException e = assertThrows(NetworkException.class, () -> n.dense(120).name("fc1"));
        assertEquals("dense 'dense1' needs a flat input but 'input' gives 16x5x5=400 values; add flatten() before it", e.getMessage());
    }

    @Test void reconstructionNeedsMatchingSize() {
        Network n = Network.sequential("ae", 784).dense(32).dense(700).name("decoder");
        NetworkException e = assertThrows(NetworkException.class, () -> n.training(4, Loss.RECONSTRUCTION));
        assertTrue(e.getMessage().contains("'decoder' gives 700") && e.getMessage().contains("784"), e.getMessage());
    }
}
