/*
 * WorkloadData: the inputs every system receives for one workload, generated once from a seed,
 * so all systems do the same work on the same numbers.
 */
package dev.smok.harness;

import dev.smok.frontend.Network;
import dev.smok.ir.Graph;
import dev.smok.ir.Tensor;
import dev.smok.runtime.ModelZoo;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Inputs for one workload. For sgemm: {@code a} [m,k] and {@code b} [k,n], row-major. For conv:
 * the image {@code a} [batch, channels, size, size] and the weight {@code b} [filters, channels, 3, 3].
 * For a network: {@code x} [batch, C·H·W], integer {@code labels} stored as floats, the initial
 * {@code weights} by parameter name (PyTorch layout) and the SGD learning rate. When Smok has
 * the network ({@code ModelZoo.load}), its initial parameters are the weights and
 * {@link #smokNetwork()} is it; otherwise the weights come from {@link NetSpec#initialWeights}
 * and {@link #smokUnavailable()} says why. A network without a {@link NetSpec} (the zoo) is
 * described to the peers by Smok's inference {@link #graph()}; its {@code weights} also hold the
 * batch-norm running statistics, and all batch-norm values are random (see {@link #randomizeBatchNorm}).
 * Arrays are shared: systems must not modify them.
 */
public final class WorkloadData {
    /** Learning rate of the SGD training step every system runs. */
    public static final float LEARNING_RATE = 0.01f;

    public final Workload workload;
    public final float[] a, b, x, labels;
    public final Map<String, float[]> weights;
    private final Network smokNetwork;
    private final String smokUnavailable;
    private final Graph graph;
    private float[] graphReference; // the zoo's reference output, computed with the calibration

    private WorkloadData(Workload w, float[] a, float[] b, float[] x, float[] labels, Map<String, float[]> weights,
                         Network smokNetwork, String smokUnavailable) {
        this(w, a, b, x, labels, weights, smokNetwork, smokUnavailable, null);
    }

    private WorkloadData(Workload w, float[] a, float[] b, float[] x, float[] labels, Map<String, float[]> weights,
                         Network smokNetwork, String smokUnavailable, Graph graph) {
        this.workload = w;
        this.a = a;
        this.b = b;
        this.x = x;
        this.labels = labels;
        this.weights = weights;
        this.smokNetwork = smokNetwork;
        this.smokUnavailable = smokUnavailable;
        this.graph = graph;
    }

    /** Generates the inputs of {@code w} from {@code seed}. */
    public static WorkloadData generate(Workload w, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        if (w.kind() == Workload.Kind.SGEMM) {
            return new WorkloadData(w, uniform(r, w.m() * w.k()), uniform(r, w.k() * w.n()), null, null, Map.of(), null, null);
        }
        if (w.kind() == Workload.Kind.CONV) {
            float[] image = uniform(r, w.batch() * w.channels() * w.size() * w.size());
            float[] weight = uniform(r, w.filters() * w.channels() * 9);
            float limit = (float) Math.sqrt(6.0 / (9 * (w.channels() + w.filters()))); // Glorot: outputs of order one
            for (int i = 0; i < weight.length; i++) weight[i] *= limit;
            return new WorkloadData(w, image, weight, null, null, Map.of(), null, null);
        }
        if (!w.hasSpec()) return fromGraph(w, r);
        NetSpec spec = w.spec();
        float[] x = new float[w.batch() * spec.inputSize()];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble(); // pixel-like values in [0, 1)
        float[] labels = new float[w.batch()];
        for (int i = 0; i < labels.length; i++) labels[i] = r.nextInt(spec.classes());
        Network net = null;
        String reason = null;
        Map<String, float[]> weights;
        try {
            net = ModelZoo.load(w.network());
            weights = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : net.initialParameters().entrySet()) weights.put(e.getKey(), e.getValue().toArray());
            String mismatch = mismatch(spec, net);
            if (mismatch != null) {
                reason = "Smok's '" + w.network() + "' differs from the harness spec: " + mismatch;
                net = null;
                weights = spec.initialWeights(seed);
            }
        } catch (RuntimeException e) {
            reason = "Smok has no model '" + w.network() + "' (" + e.getMessage() + ")";
            weights = spec.initialWeights(seed);
        }
        return new WorkloadData(w, null, null, x, labels, weights, net, reason);
    }

    /**
     * A network known only to Smok (the zoo): its inference graph, parameters, random batch-norm
     * scales and shifts, and running statistics calibrated on {@code x} by {@link GraphReference}
     * (whose output is then the reference).
     */
    private static WorkloadData fromGraph(Workload w, SplittableRandom r) {
        Network net = ModelZoo.load(w.network());
        Map<String, float[]> values = new LinkedHashMap<>();
        net.initialParameters().forEach((k, v) -> values.put(k, v.toArray()));
        net.initialStates().forEach((k, v) -> values.put(k, v.toArray()));
        randomizeBatchNorm(values, r);
        float[] x = new float[w.batch() * net.inputShape().size()];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
        int classes = net.outputShape().size();
        float[] labels = new float[w.batch()];
        for (int i = 0; i < labels.length; i++) labels[i] = r.nextInt(classes);
        Graph g = net.inference(w.batch());
        WorkloadData d = new WorkloadData(w, null, null, x, labels, values, net, null, g);
        d.graphReference = GraphReference.calibrateBatchNorm(g, x, values);
        return d;
    }

    /**
     * Batch norm starts as the identity (γ 1, β 0), which would let a peer that swaps or ignores
     * those inputs agree. Every layer with {@code NAME.running_mean} gets γ in [0.5, 1.5] and β in
     * [-0.1, 0.1] (its statistics are calibrated afterwards).
     */
    static void randomizeBatchNorm(Map<String, float[]> values, SplittableRandom r) {
        for (String name : List.copyOf(values.keySet())) {
            if (!name.endsWith(".running_mean")) continue;
            String layer = name.substring(0, name.length() - ".running_mean".length());
            fill(values.get(layer + ".weight"), r, 0.5, 1.5);
            fill(values.get(layer + ".bias"), r, -0.1, 0.1);
        }
    }

    private static void fill(float[] v, SplittableRandom r, double lo, double hi) {
        if (v == null) return;
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextDouble(lo, hi);
    }

    /** Null when {@code net}'s parameters have exactly the spec's names and shapes, else the first difference. */
    static String mismatch(NetSpec spec, Network net) {
        Map<String, int[]> want = spec.parameterShapes();
        Map<String, int[]> got = new LinkedHashMap<>();
        net.params().forEach(p -> got.put(p.name(), p.shape().dims()));
        if (!want.keySet().equals(got.keySet())) return "parameters " + got.keySet() + ", expected " + want.keySet();
        for (var e : want.entrySet()) {
            if (!Arrays.equals(e.getValue(), got.get(e.getKey()))) {
                return e.getKey() + " is " + Arrays.toString(got.get(e.getKey())) + ", expected " + Arrays.toString(e.getValue());
            }
        }
        if (!Arrays.equals(net.inputShape().dims(), spec.inputShape())) return "input " + net.inputShape().pretty();
        return null;
    }

    private static float[] uniform(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextDouble() * 2 - 1);
        return v;
    }

    /** Smok's network for this workload, or null (see {@link #smokUnavailable()}). */
    public Network smokNetwork() { return smokNetwork; }

    /** Why Smok cannot run this network, or null. */
    public String smokUnavailable() { return smokUnavailable; }

    /** {@link GraphReference}'s output {@code y} for {@link #graph()}, or null. */
    public float[] graphReference() { return graphReference; }

    /** Smok's inference graph of a network without a {@link NetSpec} (the zoo), or null. */
    public Graph graph() { return graph; }

    /** The spec of the workload's network. */
    public NetSpec spec() { return workload.spec(); }

    /** Values per sample at the network's input. */
    public int inputSize() { return x.length / workload.batch(); }

    /** The one-hot form of {@link #labels}: [batch, classes]. */
    public float[] oneHotLabels() {
        int classes = spec().classes();
        float[] oh = new float[labels.length * classes];
        for (int i = 0; i < labels.length; i++) oh[i * classes + (int) labels[i]] = 1f;
        return oh;
    }

    /** {@code x} for only the first {@code rows} samples. */
    public float[] xRows(int rows) { return Arrays.copyOf(x, rows * inputSize()); }
}
