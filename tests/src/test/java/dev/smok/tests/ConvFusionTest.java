package dev.smok.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smok.cpu.CpuBackend;
import dev.smok.cpu.CpuExecutable;
import dev.smok.frontend.Loss;
import dev.smok.frontend.Network;
import dev.smok.frontend.models.Cnns;
import dev.smok.ir.Graph;
import dev.smok.ir.Op;
import dev.smok.optimizer.FusionPlan;
import dev.smok.optimizer.OptimizerSpec;
import dev.smok.optimizer.Pipelines;

import org.junit.jupiter.api.Test;

import java.util.List;

/**
 * The CPU backend runs each convolution of the optimizer's {@link FusionPlan} — conv2d with its
 * bias_add, inference batch_norm and relu — as one kernel whose epilogue applies them in
 * registers, and the results equal the reference interpreter's; with fusion off every node is a
 * kernel of its own and the results are the same.
 */
class ConvFusionTest {
    /** The inference pipeline without fold-linear, so batch norms stay for the convolution epilogue to apply. */
    private static Graph inference(Network net, int batch) { return Pipelines.inference().without("fold-linear").run(net.inference(batch)); }

    private static Graph training(Network net, int batch) {
        return Pipelines.training(OptimizerSpec.sgd(0.05f)).run(net.training(batch, Loss.CROSS_ENTROPY));
    }

    private static String plan(Graph g, boolean fuse) {
        try (CpuExecutable ex = new CpuBackend(1, fuse).compile(g, null)) {
            return ex.plan();
        }
    }

    /** Every kernel of the FusionPlan rooted at a conv2d is one call in the CPU plan, with the same ops. */
    private static List<String> assertConvKernelsAsPlanned(Graph g) {
        String cpu = plan(g, true);
        List<String> convKernels = FusionPlan.of(g).kernels().stream().filter(k -> k.root().op() == Op.CONV2D)
                .map(FusionPlan.Kernel::name).toList();
        assertFalse(convKernels.isEmpty(), g.name() + " has convolutions");
        for (String name : convKernels) assertTrue(cpu.contains("call " + name + " -> "), g.name() + ": no kernel " + name + " in\n" + cpu);
        assertEquals(convKernels.size(), cpu.lines().filter(l -> l.matches("kernel \\d+: call conv2d[ +].*")).count(),
                g.name() + ": forward convolution kernels\n" + cpu);
        return convKernels;
    }

    @Test void lenet5InferenceFusesBiasAndReluIntoEachConvolution() {
        Graph g = inference(Cnns.lenet5(), 3);
        assertEquals(List.of("conv2d+bias_add+relu", "conv2d+bias_add+relu"), assertConvKernelsAsPlanned(g));
        CpuCnnTrainingTest.sameAsInterpreter(g, CpuCnnTrainingTest.inputs(g, 11, 10), 2e-5, 2);
    }

    @Test void cnnInferenceFusesBatchNormAndReluIntoEachConvolution() {
        Graph g = inference(Cnns.cnn(), 2);
        assertEquals(List.of("conv2d+batch_norm+relu", "conv2d+batch_norm+relu", "conv2d+batch_norm+relu", "conv2d+batch_norm+relu"),
                assertConvKernelsAsPlanned(g));
        CpuCnnTrainingTest.sameAsInterpreter(g, CpuCnnTrainingTest.inputs(g, 12, 10), 2e-5, 2);
    }

    @Test void cnnInferenceWithBatchNormFoldedIntoTheWeightsFusesBiasAndRelu() {
        Graph g = Pipelines.inference().run(Cnns.cnn().inference(2));
        assertEquals(List.of("conv2d+bias_add+relu", "conv2d+bias_add+relu", "conv2d+bias_add+relu", "conv2d+bias_add+relu"),
                assertConvKernelsAsPlanned(g));
        CpuCnnTrainingTest.sameAsInterpreter(g, CpuCnnTrainingTest.inputs(g, 16, 10), 2e-5, 2);
    }

    @Test void biasThenBatchNormWithoutReluAndResidualBlocks() {
        Network net = Network.sequential("conv-bias-bn", 3, 9, 9);
        net.conv2d(5, 3, dev.smok.frontend.Conv2d.with().padding(1)).batchNorm().conv2d(6, 1).relu();
        Graph g = inference(net, 2);
        assertEquals(List.of("conv2d+bias_add+batch_norm", "conv2d+bias_add+relu"), assertConvKernelsAsPlanned(g));
        CpuCnnTrainingTest.sameAsInterpreter(g, CpuCnnTrainingTest.inputs(g, 13, 10), 2e-5, 1);
        // ResNet blocks: conv-BN, then the residual add of the shortcut and a ReLU, in the convolution's epilogue
        Graph r = inference(Cnns.resnetMini(), 2);
        assertTrue(assertConvKernelsAsPlanned(r).contains("conv2d+batch_norm+add+relu"), FusionPlan.of(r).toString());
        CpuCnnTrainingTest.sameAsInterpreter(r, CpuCnnTrainingTest.inputs(r, 14, 10), 2e-5, 2);
    }

    @Test void lenet5TrainingStepFusesTheForwardConvolutions() {
        Graph g = training(Cnns.lenet5(), 2);
        assertEquals(List.of("conv2d+bias_add+relu", "conv2d+bias_add+relu"), assertConvKernelsAsPlanned(g));
        // the equality of the fused training step with the interpreter is CpuCnnTrainingTest's
    }

    @Test void withoutFusionEveryNodeIsItsOwnKernelAndTheResultsAreTheSame() {
        for (Graph g : new Graph[] {inference(Cnns.cnn(), 2), training(Cnns.lenet5(), 2)}) {
            String cpu = plan(g, false);
            assertFalse(cpu.contains("epilogue"), cpu);
            assertFalse(cpu.lines().anyMatch(l -> l.matches("kernel \\d+: call \\w+\\+.*")), cpu);
            CpuCnnTrainingTest.sameAsInterpreter(g, CpuCnnTrainingTest.inputs(g, 15, 10), 2e-4, 2, false);
        }
    }
}
