/*
 * Dl4jSystem: Deeplearning4j 1.0.0-M2.1 (ND4J native CPU backend) running the same network as a
 * MultiLayerNetwork with the same weights: dense weights transposed into DL4J's [in, out],
 * convolution weights as they are ([out, in, kh, kw], NCHW), SGD with a batch-averaged
 * softmax cross-entropy (MCXENT), float32.
 */
package dev.smok.harness.peers;

import dev.smok.harness.BenchSystem;
import dev.smok.harness.NetSpec;
import dev.smok.harness.Outputs;
import dev.smok.harness.ThreadBudget;
import dev.smok.harness.Workload;
import dev.smok.harness.WorkloadData;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * {@code dl4j}: every workload. ND4J's native build is chosen from the CPU's flags among the
 * classifier jars on the class path (AVX-512, AVX2, generic) unless
 * {@code org.bytedeco.javacpp.platform.extension} is set. An iteration copies its inputs from the
 * Java arrays into new ND4J arrays; inference copies the output back.
 */
public final class Dl4jSystem implements BenchSystem {
    static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";

    static {
        if (System.getProperty(EXTENSION_PROPERTY) == null) {
            String flags = cpuFlags();
            for (String ext : new String[] {"avx512", "avx2"}) {
                boolean cpuHas = flags.contains(ext.equals("avx512") ? " avx512f" : " avx2");
                boolean jarHas = Dl4jSystem.class.getClassLoader().getResource("META-INF/native-image/linux-x86_64-" + ext + "/") != null;
                if (cpuHas && jarHas) { System.setProperty(EXTENSION_PROPERTY, "-" + ext); break; }
            }
        }
    }

    private static String cpuFlags() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) if (l.startsWith("flags")) return l + " ";
        } catch (Exception e) {
            // not Linux: the generic build
        }
        return "";
    }

    @Override public String name() { return "dl4j"; }

    @Override public String describe() {
        try {
            Nd4j.create(1); // loads the backend
            return "Deeplearning4j 1.0.0-M2.1, ND4J " + Nd4j.getBackend().getClass().getSimpleName() + " build linux-x86_64"
                    + System.getProperty(EXTENSION_PROPERTY, "") + ", threads " + ThreadBudget.count() + ", OMP_NUM_THREADS="
                    + System.getenv().getOrDefault("OMP_NUM_THREADS", "unset");
        } catch (RuntimeException | LinkageError e) {
            return "not available: " + e.getMessage();
        }
    }

    @Override public String unsupported(Workload w, WorkloadData d) {
        return d.graph() != null ? "n/a: the zoo's networks are not built for DL4J" : null;
    }

    @Override public Session open(WorkloadData d) {
        Nd4j.getEnvironment().setMaxThreads(ThreadBudget.count());
        Nd4j.getEnvironment().setMaxMasterThreads(ThreadBudget.count());
        Workload w = d.workload;
        if (w.kind() == Workload.Kind.SGEMM) {
            INDArray a = Nd4j.create(d.a, new long[] {w.m(), w.k()}, 'c');
            INDArray b = Nd4j.create(d.b, new long[] {w.k(), w.n()}, 'c');
            INDArray c = Nd4j.create(DataType.FLOAT, w.m(), w.n());
            return new Dl4jSession() {
                @Override public Outputs check() { Nd4j.gemm(a, b, c, false, false, 1.0, 0.0); return new Outputs().put("c", flat(c)); }
                @Override void iteration() { Nd4j.gemm(a, b, c, false, false, 1.0, 0.0); }
            };
        }
        if (w.kind() == Workload.Kind.CONV) {
            INDArray x = Nd4j.create(d.a, new long[] {w.batch(), w.channels(), w.size(), w.size()}, 'c');
            INDArray f = Nd4j.create(d.b, new long[] {w.filters(), w.channels(), 3, 3}, 'c');
            Conv2DConfig config = Conv2DConfig.builder().kH(3).kW(3).sH(1).sW(1).pH(1).pW(1).dH(1).dW(1)
                    .dataFormat("NCHW").weightsFormat(WeightsFormat.OIYX).build();
            return new Dl4jSession() {
                @Override public Outputs check() { return new Outputs().put("y", flat(Nd4j.cnn().conv2d(x, f, config))); }
                @Override void iteration() { Nd4j.cnn().conv2d(x, f, config); }
            };
        }
        NetSpec spec = d.spec();
        MultiLayerNetwork net = build(spec, d.weights);
        int[] in = spec.inputShape();
        boolean conv = spec.layers().stream().anyMatch(l -> l instanceof NetSpec.Conv);
        long[] xShape = conv ? new long[] {w.batch(), in[0], in[1], in[2]} : new long[] {w.batch(), spec.inputSize()};
        if (w.kind() == Workload.Kind.INFER) {
            return new Dl4jSession() {
                float[] infer() { return flat(net.output(Nd4j.create(d.x, xShape, 'c'), false)); }
                @Override public Outputs check() { return new Outputs().put("y", infer()); }
                @Override void iteration() { infer(); }
            };
        }
        float[] oneHot = d.oneHotLabels();
        long[] labelShape = {w.batch(), spec.classes()};
        return new Dl4jSession() {
            double step() {
                net.fit(new DataSet(Nd4j.create(d.x, xShape, 'c'), Nd4j.create(oneHot, labelShape, 'c')));
                return net.score();
            }
            @Override public Outputs check() { return Outputs.trainingStep((float) step(), d.weights, weights(spec, net)); }
            @Override void iteration() { step(); }
        };
    }

    /** The DL4J network of {@code spec} with {@code weights} (PyTorch layout) loaded. */
    static MultiLayerNetwork build(NetSpec spec, Map<String, float[]> weights) {
        var list = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).seed(1)
                .updater(new Sgd(WorkloadData.LEARNING_RATE)).biasInit(0).list();
        List<NetSpec.Layer> ls = spec.layers();
        int index = 0;
        for (int i = 0; i < ls.size(); i++) {
            boolean relu = i + 1 < ls.size() && ls.get(i + 1) instanceof NetSpec.Relu;
            boolean softmax = i + 1 < ls.size() && ls.get(i + 1) instanceof NetSpec.Softmax;
            Activation act = relu ? Activation.RELU : Activation.IDENTITY;
            switch (ls.get(i)) {
                case NetSpec.Dense dl -> list.layer(index++, softmax
                        ? new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(dl.in()).nOut(dl.out()).activation(Activation.SOFTMAX).build()
                        : new DenseLayer.Builder().nIn(dl.in()).nOut(dl.out()).activation(act).build());
                case NetSpec.Conv c -> list.layer(index++, new ConvolutionLayer.Builder(c.kernel(), c.kernel()).nIn(c.in()).nOut(c.out())
                        .stride(1, 1).padding(c.pad(), c.pad()).activation(act).build());
                case NetSpec.MaxPool p -> list.layer(index++, new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                        .kernelSize(p.size(), p.size()).stride(p.size(), p.size()).build());
                default -> { } // relu and softmax are the activations above; flatten is DL4J's preprocessor
            }
        }
        int[] in = spec.inputShape();
        boolean conv = ls.stream().anyMatch(l -> l instanceof NetSpec.Conv);
        list.setInputType(conv ? InputType.convolutional(in[1], in[2], in[0]) : InputType.feedForward(spec.inputSize()));
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        List<String> names = spec.parameterLayers();
        List<Layer> withParams = paramLayers(net);
        for (int i = 0; i < names.size(); i++) {
            Layer l = withParams.get(i);
            String n = names.get(i);
            INDArray wArr = l.getParam("W"), bArr = l.getParam("b");
            float[] wv = weights.get(n + ".weight");
            if (wArr.rank() == 2) wArr.assign(Nd4j.create(wv, new long[] {wArr.size(1), wArr.size(0)}, 'c').transpose());
            else wArr.assign(Nd4j.create(wv, wArr.shape(), 'c'));
            bArr.assign(Nd4j.create(weights.get(n + ".bias"), bArr.shape(), 'c'));
        }
        return net;
    }

    private static List<Layer> paramLayers(MultiLayerNetwork net) {
        List<Layer> out = new ArrayList<>();
        for (Layer l : net.getLayers()) if (l.numParams() > 0) out.add(l);
        return out;
    }

    /** The network's current weights in PyTorch layout. */
    static Map<String, float[]> weights(NetSpec spec, MultiLayerNetwork net) {
        Map<String, float[]> m = new LinkedHashMap<>();
        List<String> names = spec.parameterLayers();
        List<Layer> withParams = paramLayers(net);
        for (int i = 0; i < names.size(); i++) {
            INDArray wArr = withParams.get(i).getParam("W");
            m.put(names.get(i) + ".weight", flat(wArr.rank() == 2 ? wArr.transpose() : wArr));
            m.put(names.get(i) + ".bias", flat(withParams.get(i).getParam("b")));
        }
        return m;
    }

    /** The elements of {@code a} in row-major order, whatever its rank and ordering. */
    static float[] flat(INDArray a) { return a.dup('c').reshape(a.length()).toFloatVector(); }

    private abstract static class Dl4jSession implements Session {
        abstract void iteration();

        @Override public long timeWindow(int iterations) {
            long t0 = System.nanoTime();
            for (int i = 0; i < iterations; i++) iteration();
            return System.nanoTime() - t0;
        }

        @Override public int threads() { return Nd4j.getEnvironment().maxThreads(); }
    }
}
