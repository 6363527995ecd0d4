package dev.smok.tests;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.smok.frontend.Conv2d;
import dev.smok.frontend.Loss;
import dev.smok.frontend.Network;
import dev.smok.frontend.Network.Port;
import dev.smok.frontend.RecurrentCell;
import dev.smok.frontend.models.Cnns;
import dev.smok.gpu.GpuException;
import dev.smok.gpu.OpenClBackend;
import dev.smok.ir.Executable;
import dev.smok.ir.Graph;
import dev.smok.ir.interp.Interpreter;
import dev.smok.optimizer.OptimizerSpec;
import dev.smok.optimizer.Pipelines;

import org.junit.jupiter.api.Test;

import java.util.Map;

/**
 * The OpenCL backend (PoCL on the CPU in CI) on graphs as the runtime builds them (DSL, the
 * standard passes, autodiff with Adam) that use the ops added last to the GPU lowering: scan
 * (recurrent layers; backpropagation through time is a reverse scan), slice and pad
 * (bidirectional layers, scan results), concat (inception blocks), LRN, global average pooling
 * and the CTC loss. Each graph equals the interpreter within 2e-4
 * of the largest reference magnitude of each tensor. Skipped, with the reason printed, where no
 * OpenCL device is present, unless SMOK_REQUIRE_OPENCL=1 (CI).
 */
class OpenClModelsTest {
    private static final double TOL = 2e-4;

    private static Graph train(Network net, int batch, Loss loss) {
        return Pipelines.training(OptimizerSpec.adam(1e-2f)).run(net.training(batch, loss));
    }

    /** {@code g} compiled for OpenCL, outputs and updated parameters equal the interpreter's. */
    private static void sameAsInterpreter(Graph g, Map<String, float[]> in) {
        Map<String, double[]> din = CpuCnnTrainingTest.widened(in);
        Interpreter.Result ref = Interpreter.run(g, din);
        Executable ex;
        try {
            ex = new OpenClBackend().compile(g, null);
        } catch (GpuException e) {
            if ("1".equals(System.getenv("SMOK_REQUIRE_OPENCL"))) throw new AssertionError("OpenCL required: " + e.getMessage(), e);
            System.out.println("[tests] skipping OpenCL test: " + e.getMessage());
            assumeTrue(false, e.getMessage());
            return;
        }
        try (ex) {
            in.forEach((k, v) -> ex.buffer(k).copyFrom(v, 0));
            ex.run();
            ref.outputs().forEach((k, v) -> CpuCnnTrainingTest.compare(g.name() + " output " + k, v, ex.buffer(k).toArray(), TOL));
            ref.updates().forEach((k, v) -> CpuCnnTrainingTest.compare(g.name() + " update " + k, v, ex.buffer(k).toArray(), TOL));
        }
    }

    /**
     * A GRU returning its whole sequence, as a training step (the forward scan with saved carries,
     * the reverse scan, the hoisted weight-gradient GEMMs). The other cells, directions and
     * lengths run in the CPU backend's {@code CpuRecurrentTest}; on PoCL each graph costs seconds
     * of kernel builds, so this test keeps to one cell next to the speech model's LSTM.
     */
    @Test void gruTrainingStepEqualsTheInterpreter() {
        Graph step = train(RecurrentLayerTest.single(RecurrentCell.GRU, 4, true, false), 2, Loss.MSE);
        sameAsInterpreter(step, CpuCnnTrainingTest.inputs(step, 13, 2));
    }

    /** Conv, bidirectional LSTM over the frames, per-frame dense and the CTC loss (SpeechTest's tiny transcriber). */
    @Test void speechTrainingStepWithCtcEqualsTheInterpreter() {
        Network net = Network.sequential("tiny_speech", 1, 8, 4)
                .conv2d(4, 3, Conv2d.with().padding(1)).relu()
                .sequence().lstm(6).returnSequences(true).bidirectional(true)
                .frameDense(3).ctc(2).seed(3);
        Graph step = train(net, 2, Loss.CTC);
        Map<String, float[]> in = CpuCnnTrainingTest.inputs(step, 11, 3);
        in.put("labels", new float[] {1, 2, 2, -1});
        sameAsInterpreter(step, in);
    }

    /**
     * A small inception block (concat of four branches) after LRN, a residual block, global
     * average pooling and a dense head: inference. (Their gradients, slice, lrn_grad and the
     * pointwise global-pool gradient, are per-op graphs of codegen-gpu's OpenClOpsTest.)
     */
    @Test void inceptionResidualNetworkEqualsTheInterpreter() {
        Network net = Network.sequential("inception_residual", 2, 9, 9).conv2d(6, 3, Conv2d.with().padding(1)).relu().lrn(5, 1e-2, 0.75, 2);
        Cnns.inceptionBlock(net, 3, 2, 4, 2, 3, 2);
        Port x = net.output();
        net.conv2d(12, 3, Conv2d.with().padding(1)).relu();
        net.add(net.output(), x);
        net.relu().globalAvgPool().dense(5).softmax().seed(7);
        Graph infer = Pipelines.inference().run(net.inference(2));
        sameAsInterpreter(infer, CpuCnnTrainingTest.inputs(infer, 1, 5));
    }
}
