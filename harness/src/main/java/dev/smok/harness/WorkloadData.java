/*
 * WorkloadData: the inputs every system receives for one workload, generated once from a seed,
 * so all systems do the same work on the same numbers.
 */
package dev.smok.harness;

import dev.smok.frontend.Network;
import dev.smok.ir.Tensor;
import dev.smok.runtime.ModelZoo;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Inputs for one workload. For sgemm: {@code a} [m,k] and {@code b} [k,n], row-major. For a
 * network: {@code x} [batch, C·H·W], integer {@code labels} stored as floats, the initial
 * {@code weights} by parameter name (PyTorch layout) and the SGD learning rate. When Smok has
 * the network ({@code ModelZoo.load}), its initial parameters are the weights and
 * {@link #smokNetwork()} is it; otherwise the weights come from {@link NetSpec#initialWeights}
 * and {@link #smokUnavailable()} says why. Arrays are shared: systems must not modify them.
 */
public final class WorkloadData {
    /** Learning rate of the SGD training step every system runs. */
    public static final float LEARNING_RATE = 0.01f;

    public final Workload workload;
    public final float[] a, b, x, labels;
    public final Map<String, float[]> weights;
    private final Network smokNetwork;
    private final String smokUnavailable;

    private WorkloadData(Workload w, float[] a, float[] b, float[] x, float[] labels, Map<String, float[]> weights,
                         Network smokNetwork, String smokUnavailable) {
        this.workload = w;
        this.a = a;
        this.b = b;
        this.x = x;
        this.labels = labels;
        this.weights = weights;
        this.smokNetwork = smokNetwork;
        this.smokUnavailable = smokUnavailable;
    }

    /** Generates the inputs of {@code w} from {@code seed}. */
    public static WorkloadData generate(Workload w, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        if (w.kind() == Workload.Kind.SGEMM) {
            return new WorkloadData(w, uniform(r, w.m() * w.k()), uniform(r, w.k() * w.n()), null, null, Map.of(), null, null);
        }
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

    /** The spec of the workload's network. */
    public NetSpec spec() { return workload.spec(); }

    /** The one-hot form of {@link #labels}: [batch, classes]. */
    public float[] oneHotLabels() {
        int classes = spec().classes();
        float[] oh = new float[labels.length * classes];
        for (int i = 0; i < labels.length; i++) oh[i * classes + (int) labels[i]] = 1f;
        return oh;
    }

    /** {@code x} for only the first {@code rows} samples. */
    public float[] xRows(int rows) { return Arrays.copyOf(x, rows * spec().inputSize()); }
}
