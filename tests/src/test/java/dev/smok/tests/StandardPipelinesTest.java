package dev.smok.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.smok.frontend.Network;
import dev.smok.frontend.models.Autoencoders;
import dev.smok.frontend.models.Perceptrons;
import dev.smok.ir.DType;
import dev.smok.ir.Graph;
import dev.smok.ir.Input;
import dev.smok.ir.interp.Interpreter;
import dev.smok.optimizer.Autodiff;
import dev.smok.optimizer.DeadCodeElimination;
import dev.smok.optimizer.OptimizerSpec;
import dev.smok.optimizer.Pipeline;
import dev.smok.optimizer.Pipelines;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The standard pipelines on real networks: the optimized training step and inference graph
 * compute what the unoptimized ones compute (interpreter, float64), and the pipelines print
 * and edit as lists; the {@code compile} command reports ops, kernels and arena bytes per pass.
 */
class StandardPipelinesTest {
    static List<Network> networks() {
        return List.of(Perceptrons.lectureExample(true), Perceptrons.logistic(), Autoencoders.autoencoder(true),
                Network.sequential("small", 1, 28, 28).flatten().dense(16).relu().dense(10).softmax());
    }

    static Map<String, double[]> inputs(Graph g, long seed) {
        Random r = new Random(seed);
        Map<String, double[]> m = new HashMap<>();
        for (Input in : g.inputs()) {
            double[] v = new double[in.shape().size()];
            for (int i = 0; i < v.length; i++) v[i] = in.value().dtype() == DType.I32 ? r.nextInt(10) : r.nextGaussian() * 0.5;
            if (in.name().endsWith("@v") || in.name().contains("var")) for (int i = 0; i < v.length; i++) v[i] = Math.abs(v[i]) + 0.1;
            if (in.name().equals(Autodiff.STEP)) v[0] = 2;
            m.put(in.name(), v);
        }
        return m;
    }

    static void assertSame(Graph a, Graph b, String what) { assertSame(a, b, what, 1e-9); }

    /** {@code rtol}: relative, with an absolute floor of rtol for values below 1. */
    static void assertSame(Graph a, Graph b, String what, double rtol) {
        Map<String, double[]> in = inputs(a, 3);
        Interpreter.Result ra = Interpreter.run(a, in), rb = Interpreter.run(b, in);
        assertEquals(ra.outputs().keySet(), rb.outputs().keySet(), what);
        assertEquals(ra.updates().keySet(), rb.updates().keySet(), what);
        for (var pair : List.of(List.of(ra.outputs(), rb.outputs()), List.of(ra.updates(), rb.updates()))) {
            for (var e : pair.get(0).entrySet()) {
                double[] x = e.getValue(), y = pair.get(1).get(e.getKey());
                for (int i = 0; i < x.length; i++) {
                    if (Math.abs(x[i] - y[i]) > rtol * Math.max(1, Math.abs(x[i]))) {
                        fail(what + ": " + e.getKey() + "[" + i + "] unoptimized " + x[i] + " optimized " + y[i]);
                    }
                }
            }
        }
    }

    @Test void optimizedTrainingStepsAndInferenceEqualUnoptimized() {
        for (Network net : networks()) {
            for (OptimizerSpec opt : List.of(OptimizerSpec.sgd(0.1f), OptimizerSpec.adam(1e-3f))) {
                Graph forward = net.training(3, net.defaultLoss());
                Graph plain = Pipeline.of(new Autodiff(opt, true), new DeadCodeElimination()).run(forward);
                Graph optimized = Pipelines.training(opt, true).run(forward);
                assertSame(plain, optimized, net.name() + " training with " + opt);
                assertTrue(optimized.nodes().size() <= plain.nodes().size(), net.name());
            }
            Graph inf = net.inference(3);
            assertSame(inf, Pipelines.inference().run(inf), net.name() + " inference");
        }
        // the autoencoder's flatten and its reconstruction target are the same reshape of x: CSE keeps one
        Graph forward = Autoencoders.autoencoder().training(3, Autoencoders.autoencoder().defaultLoss());
        long reshapes = Pipelines.training(OptimizerSpec.sgd(0.1f)).run(forward).nodes().stream()
                .filter(n -> n.op() == dev.smok.ir.Op.RESHAPE).count();
        assertEquals(1, reshapes);
    }

    /** Convolutions, pooling, batch norm, dropout, branches and recurrent scans from the model zoo. */
    @Test void zooModelsOptimizeToTheSameNumbers() {
        for (String name : List.of("lenet5", "cnn", "resnet-mini", "inception-mini", "rnn", "lstm")) {
            Network net = dev.smok.runtime.ModelZoo.load(name);
            OptimizerSpec opt = OptimizerSpec.adam(1e-3f);
            Graph forward = net.training(2, net.defaultLoss());
            Graph plain = Pipeline.of(new Autodiff(opt, true), new DeadCodeElimination()).run(forward);
            // batch norm's running statistics are scaled twice (1/(n-1), then momentum): scale-scale folds the two
            // factors into one float32 attribute, a relative change of about 1e-8 in those updates
            assertSame(plain, Pipelines.training(opt, true).run(forward), name + " training", 1e-6);
            Graph inf = net.inference(2);
            assertSame(inf, Pipelines.inference().run(inf), name + " inference", 1e-6);
        }
    }

    @Test void pipelinesPrintAndEdit() {
        assertEquals("autodiff -> fold-constants -> simplify -> cse -> dce", Pipelines.training(OptimizerSpec.sgd(0.1f)).toString());
        assertEquals("fold-linear -> fold-constants -> dce", Pipelines.inference().without("cse", "simplify").toString());
        String d = Pipelines.inference().describe();
        assertEquals(5, d.lines().count(), d);
        assertTrue(d.startsWith("fold-linear      fold batch norm into the conv before it"), d);
        assertTrue(d.contains("\nfold-constants   evaluate nodes whose inputs are all constants\n"), d);
    }

    @Test void modelOptionsTurnPassesOff() {
        var opts = new dev.smok.runtime.Options().backend("interpreter").disablePasses(List.of("cse", "simplify"));
        try (var m = dev.smok.runtime.Smok.compile(Perceptrons.logistic(), opts)) {
            assertEquals(List.of("autodiff", "fold-constants", "dce"), m.trainingPipeline().names());
            assertEquals(List.of("fold-linear", "fold-constants", "dce"), m.inferencePipeline().names());
        }
        var bad = new dev.smok.runtime.Options().backend("interpreter").disablePasses(List.of("fusion"));
        try (var m = dev.smok.runtime.Smok.compile(Perceptrons.logistic(), bad)) {
            var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, m::trainingPipeline);
            assertTrue(e.getMessage().startsWith("no pass named 'fusion' to turn off"), e.getMessage());
        }
    }

    @Test void compileDumpWritesEveryPassKernelsAndMemory(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        DataAndCliTest.Run r = DataAndCliTest.cli("compile", "logistic", "--training", "--batch", "4", "--dump", dir.toString());
        assertEquals(0, r.code(), r.err());
        var files = java.nio.file.Files.list(dir.resolve("train")).map(p -> p.getFileName().toString()).sorted().toList();
        assertEquals(List.of("00-lowered.ir", "01-autodiff.ir", "02-fold-constants.ir", "03-simplify.ir", "04-cse.ir", "05-dce.ir",
                "kernels.txt", "memory.txt"), files);
        assertTrue(java.nio.file.Files.readString(dir.resolve("train/kernels.txt")).contains("kernel 1: matmul+bias_add+sigmoid"));
        assertTrue(java.nio.file.Files.readString(dir.resolve("train/memory.txt")).contains("arena "));
    }

    @Test void compileCommandReportsEveryPass() {
        DataAndCliTest.Run r = DataAndCliTest.cli("compile", "autoencoder", "--training", "--batch", "8");
        assertEquals(0, r.code(), r.err());
        for (String s : new String[] {"autodiff -> fold-constants -> simplify -> cse -> dce", "lowered", "cse ", "dce ",
            "matmul+bias_add+sigmoid", "arena "}) {
            assertTrue(r.out().contains(s), s + " in\n" + r.out());
        }
        r = DataAndCliTest.cli("compile", "mlp", "--passes=-cse,-simplify");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("(inference, batch 64): fold-linear -> fold-constants -> dce"), r.out());
        r = DataAndCliTest.cli("compile", "mlp", "--passes=-cs");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("no pass named 'cs'"), r.err());
    }
}
