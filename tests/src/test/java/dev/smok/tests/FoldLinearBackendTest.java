package dev.smok.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smok.cpu.CpuBackend;
import dev.smok.cpu.CpuExecutable;
import dev.smok.frontend.Conv2d;
import dev.smok.frontend.Network;
import dev.smok.frontend.models.Cnns;
import dev.smok.ir.Graph;
import dev.smok.ir.Op;
import dev.smok.ir.interp.Interpreter;
import dev.smok.optimizer.Pipelines;

import org.junit.jupiter.api.Test;

import java.util.Map;

/**
 * fold-linear on whole networks: the folded inference graph, on the interpreter and on the CPU
 * backend, equals the unfolded graph on the interpreter; two stacked 1×1 convolutions run as one
 * convolution kernel (a GEMM over channels); a 1×1 reduction before a 3×3 keeps its reduction.
 */
class FoldLinearBackendTest {
    /** Relative to the largest reference magnitude: float32 kernels and weights folded in float32. */
    private static final double TOL = 2e-5;

    private static long count(Graph g, Op op) { return g.nodes().stream().filter(n -> n.op() == op).count(); }

    /** Folded (full inference pipeline) vs unfolded (without fold-linear): interpreter and CPU against the unfolded interpreter. */
    private static Graph assertFoldedEqualsUnfolded(Network net, int batch) {
        Graph lowered = net.inference(batch);
        Graph unfolded = Pipelines.inference().without("fold-linear").run(lowered);
        Graph folded = Pipelines.inference().run(lowered);
        Map<String, float[]> in = CpuCnnTrainingTest.inputs(unfolded, 21, 10);
        Map<String, double[]> din = CpuCnnTrainingTest.widened(in);
        Map<String, double[]> ref = Interpreter.run(unfolded, din).outputs();
        Map<String, double[]> interp = Interpreter.run(folded, din).outputs();
        try (CpuExecutable ex = new CpuBackend(2).compile(folded, null)) {
            in.forEach((k, v) -> ex.buffer(k).copyFrom(v, 0));
            ex.run();
            ref.forEach((k, v) -> {
                float[] f = new float[v.length];
                for (int i = 0; i < f.length; i++) f[i] = (float) interp.get(k)[i];
                CpuCnnTrainingTest.compare(net.name() + " folded on the interpreter, output " + k, v, f, 1e-6); // f: the float of a double
                CpuCnnTrainingTest.compare(net.name() + " folded on the cpu backend, output " + k, v, ex.buffer(k).toArray(), TOL);
            });
            return folded;
        }
    }

    private static long convKernels(Graph g) {
        try (CpuExecutable ex = new CpuBackend(1).compile(g, null)) {
            return ex.plan().lines().filter(l -> l.matches("kernel \\d+: call conv2d[ +].*")).count();
        }
    }

    @Test void twoStacked1x1ConvolutionsCompileToOneConvolutionKernel() {
        Network net = Network.sequential("pointwise2", 16, 7, 7);
        net.conv2d(32, 1).conv2d(8, 1).relu();
        Graph folded = assertFoldedEqualsUnfolded(net, 3);
        assertEquals(1, count(folded, Op.CONV2D), folded.toString());
        assertEquals(1, convKernels(folded));
        try (CpuExecutable ex = new CpuBackend(1).compile(folded, null)) {
            // the one convolution is 1x1 stride 1: the kernel's GEMM over channels; both biases (w2·b1 and b2) and the
            // relu are its epilogue. The weight product w2·w1 (8x16x32) is the only other GEMM, on parameters.
            assertTrue(ex.plan().contains("call conv2d+bias_add+bias_add+relu -> "), ex.plan());
            assertTrue(ex.plan().contains("k=1x1 stride=1x1 pad=0x0"), ex.plan());
        }
    }

    @Test void batchNormFoldsIntoEveryConvolutionOfCnnAndResnetMini() {
        for (Network net : new Network[] {Cnns.cnn(), Cnns.resnetMini()}) {
            Graph folded = assertFoldedEqualsUnfolded(net, 2);
            assertEquals(0, count(folded, Op.BATCH_NORM), net.name());
        }
    }

    @Test void inceptionReductionsBeforeA3x3StayAndAreCorrect() {
        // a linear 1x1 reduction (no ReLU) before a 3x3, beside a 1x1 branch: nothing folds
        Network net = Network.sequential("inception_linear", 8, 6, 6);
        var x = net.output();
        var reduced = net.from(x).conv2d(4, 1).conv2d(8, 3, Conv2d.with().padding(1)).relu().output();
        var direct = net.from(x).conv2d(8, 1).relu().output();
        net.concat(reduced, direct);
        Graph folded = assertFoldedEqualsUnfolded(net, 2);
        assertEquals(3, count(folded, Op.CONV2D), folded.toString());
        assertEquals(3, convKernels(folded));
        Graph inception = assertFoldedEqualsUnfolded(Cnns.inceptionMini(), 2);
        assertEquals(count(Cnns.inceptionMini().inference(2), Op.CONV2D), count(inception, Op.CONV2D));
    }

    /**
     * The folded weights are the CPU executable's prologue: computed on the first run and again only
     * after a parameter or state was handed out for writing, never from stale parameters.
     */
    @Test void foldedWeightsAreComputedOncePerParameterChange() {
        Network net = Cnns.cnn();
        Graph lowered = net.inference(2);
        Graph unfolded = Pipelines.inference().without("fold-linear").run(lowered);
        Graph folded = Pipelines.inference().run(lowered);
        Map<String, float[]> in = CpuCnnTrainingTest.inputs(unfolded, 21, 10);
        try (CpuExecutable ex = new CpuBackend(2).compile(folded, null)) {
            assertTrue(ex.plan().contains("(prologue)"), ex.plan());
            in.forEach((k, v) -> ex.buffer(k).copyFrom(v, 0));
            for (int run = 0; run < 3; run++) ex.run();
            assertEquals(1, ex.prologueRuns(), "three runs with the same parameters");
            Map<String, double[]> ref = Interpreter.run(unfolded, CpuCnnTrainingTest.widened(in)).outputs();
            ref.forEach((k, v) -> CpuCnnTrainingTest.compare("cnn folded, first parameters, output " + k, v, ex.buffer(k).toArray(), TOL));

            // a new batch-norm scale and variance and a new first-layer weight: the next run folds them again
            for (String name : new String[] {"batchnorm2.weight", "batchnorm2.running_var", "conv2d1.weight"}) {
                float[] v = in.get(name).clone();
                for (int i = 0; i < v.length; i++) v[i] = v[i] * 1.5f + 0.05f * (i % 7); // stays positive for the variance
                in.put(name, v);
                ex.buffer(name).copyFrom(v, 0);
            }
            ex.run();
            ex.run();
            assertEquals(2, ex.prologueRuns(), "one more prologue after the parameters changed");
            Map<String, double[]> changed = Interpreter.run(unfolded, CpuCnnTrainingTest.widened(in)).outputs();
            changed.forEach((k, v) -> CpuCnnTrainingTest.compare("cnn folded, changed parameters, output " + k, v, ex.buffer(k).toArray(), TOL));
        }
    }
}
