package dev.smok.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smok.cpu.CpuBackend;
import dev.smok.cpu.CpuExecutable;
import dev.smok.frontend.Loss;
import dev.smok.frontend.Network;
import dev.smok.frontend.RecurrentCell;
import dev.smok.frontend.models.Recurrent;
import dev.smok.ir.Graph;
import dev.smok.optimizer.OptimizerSpec;
import dev.smok.optimizer.Pipelines;

import org.junit.jupiter.api.Test;

/**
 * Scan on the CPU backend: recurrent layers (RNN, LSTM, GRU; last state or whole sequence;
 * bidirectional) forward and as a training step (backpropagation through time is a reverse
 * scan) equal the interpreter, and the generated code does not grow with the sequence length.
 * Tolerance 2e-4 relative to the largest reference magnitude of each tensor.
 */
class CpuRecurrentTest {
    private static Graph train(Network net, int batch, Loss loss) {
        return Pipelines.training(OptimizerSpec.adam(1e-2f)).run(net.training(batch, loss));
    }

    @Test void recurrentLayersForwardAndTrainingStepEqualTheInterpreter() {
        for (RecurrentCell cell : RecurrentCell.values()) {
            for (int steps : new int[] {1, 5}) {
                for (boolean bi : new boolean[] {false, true}) {
                    Network net = RecurrentLayerTest.single(cell, steps, steps > 1 && !bi, bi);
                    Graph infer = net.inference(2);
                    CpuCnnTrainingTest.sameAsInterpreter(infer, CpuCnnTrainingTest.inputs(infer, steps, 2), 2e-4, 1);
                    Graph step = train(net, 2, Loss.MSE);
                    CpuCnnTrainingTest.sameAsInterpreter(step, CpuCnnTrainingTest.inputs(step, steps + 9, 2), 2e-4, 2);
                }
            }
        }
    }

    @Test void lstmModelTrainingStepEqualsTheInterpreter() {
        Graph step = train(Recurrent.lstm(), 2, Loss.CROSS_ENTROPY);
        CpuCnnTrainingTest.sameAsInterpreter(step, CpuCnnTrainingTest.inputs(step, 5, 10), 2e-4, 2);
    }

    /** Conv, bidirectional LSTM over the sequence, per-frame dense and the CTC loss (SpeechTest's tiny transcriber). */
    @Test void speechTrainingStepWithCtcEqualsTheInterpreter() {
        Network net = Network.sequential("tiny_speech", 1, 8, 4)
                .conv2d(4, 3, dev.smok.frontend.Conv2d.with().padding(1)).relu()
                .sequence().lstm(6).returnSequences(true).bidirectional(true)
                .frameDense(3).ctc(2).seed(3);
        Graph step = train(net, 2, Loss.CTC);
        java.util.Map<String, float[]> in = CpuCnnTrainingTest.inputs(step, 11, 3);
        in.put("labels", new float[] {1, 2, 2, -1});
        CpuCnnTrainingTest.sameAsInterpreter(step, in, 2e-4, 2);
    }

    @Test void codeSizeDoesNotGrowWithTheSequenceLength() {
        int[] kernels = new int[2];
        int i = 0;
        for (int steps : new int[] {3, 40}) {
            Graph step = train(RecurrentLayerTest.single(RecurrentCell.LSTM, steps, false, false), 2, Loss.MSE);
            try (CpuExecutable ex = new CpuBackend(1).compile(step, null)) {
                kernels[i++] = ex.kernelCount();
                assertTrue(ex.plan().contains("scan of body"), ex.plan());
            }
        }
        assertTrue(kernels[0] == kernels[1], "kernels at T=3 and T=40: " + kernels[0] + ", " + kernels[1]);
    }
}
