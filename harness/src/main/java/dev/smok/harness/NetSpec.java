/*
 * NetSpec: the networks the harness benchmarks, described independently of Smok so every peer
 * (DJL, ONNX Runtime, DL4J) can build the same thing. Parameters use PyTorch's names and layouts
 * (dense [out, in], conv [out, in, kh, kw]), which are also Smok's, so one weight map feeds all.
 */
package dev.smok.harness;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A sequential network as a list of layers over one input shape [channels, height, width]
 * (a dense-only network has channels = 1). Immutable. The output is softmax probabilities;
 * training uses softmax cross-entropy, averaged over the batch, and plain SGD.
 */
public record NetSpec(String name, int[] inputShape, List<Layer> layers) {

    /** A layer; parameterized layers name their parameters {@code NAME.weight} and {@code NAME.bias}. */
    public sealed interface Layer permits Dense, Conv, MaxPool, Relu, Flatten, Softmax {}
    /** y = x·Wᵀ + b with W [out, in]. */
    public record Dense(String name, int in, int out) implements Layer {}
    /** 2-D convolution, stride 1, symmetric zero padding, W [out, in, k, k]. */
    public record Conv(String name, int in, int out, int kernel, int pad) implements Layer {}
    /** Max pooling with a square window and stride equal to the window. */
    public record MaxPool(int size) implements Layer {}
    public record Relu() implements Layer {}
    /** [C, H, W] to C·H·W in row-major (channel-major) order, as PyTorch and Smok flatten. */
    public record Flatten() implements Layer {}
    /** Softmax over the features (the last layer). */
    public record Softmax() implements Layer {}

    /** MLP 784-512-512-10: Smok's {@code Perceptrons.mlp()}. */
    public static NetSpec mlp() {
        return new NetSpec("mlp", new int[] {1, 28, 28}, List.of(new Flatten(),
                new Dense("fc1", 784, 512), new Relu(), new Dense("fc2", 512, 512), new Relu(),
                new Dense("fc3", 512, 10), new Softmax()));
    }

    /**
     * LeNet-5 for 1×28×28: conv 5×5 (pad 2) 6 → relu → max-pool 2 → conv 5×5 16 → relu →
     * max-pool 2 → flatten 400 → 120 → relu → 84 → relu → 10 → softmax. Layer names are those
     * Smok's {@code Cnns.lenet5()} gets by default (conv2d1, conv2d2, dense1..3).
     */
    public static NetSpec lenet5() {
        return new NetSpec("lenet5", new int[] {1, 28, 28}, List.of(
                new Conv("conv2d1", 1, 6, 5, 2), new Relu(), new MaxPool(2),
                new Conv("conv2d2", 6, 16, 5, 0), new Relu(), new MaxPool(2), new Flatten(),
                new Dense("dense1", 400, 120), new Relu(), new Dense("dense2", 120, 84), new Relu(),
                new Dense("dense3", 84, 10), new Softmax()));
    }

    /** Names of the built-in specs. */
    public static java.util.Set<String> names() { return java.util.Set.of("mlp", "lenet5"); }

    /** The built-in spec by name ({@code mlp}, {@code lenet5}). */
    public static NetSpec named(String name) {
        return switch (name) {
            case "mlp" -> mlp();
            case "lenet5" -> lenet5();
            default -> throw new IllegalArgumentException("unknown network '" + name + "' (expected mlp or lenet5)");
        };
    }

    /** Values per sample at the input. */
    public int inputSize() { return inputShape[0] * inputShape[1] * inputShape[2]; }

    /** Number of classes at the output. */
    public int classes() {
        for (int i = layers.size() - 1; i >= 0; i--) if (layers.get(i) instanceof Dense d) return d.out();
        throw new IllegalStateException("network '" + name + "' has no dense layer");
    }

    /** Parameter shapes by name, in declaration order (weight before bias). */
    public Map<String, int[]> parameterShapes() {
        Map<String, int[]> m = new LinkedHashMap<>();
        for (Layer l : layers) {
            switch (l) {
                case Dense d -> { m.put(d.name() + ".weight", new int[] {d.out(), d.in()}); m.put(d.name() + ".bias", new int[] {d.out()}); }
                case Conv c -> { m.put(c.name() + ".weight", new int[] {c.out(), c.in(), c.kernel(), c.kernel()}); m.put(c.name() + ".bias", new int[] {c.out()}); }
                default -> { }
            }
        }
        return m;
    }

    /** Multiply-accumulates of one sample's forward pass. */
    public long macs() {
        long macs = 0;
        int c = inputShape[0], h = inputShape[1], w = inputShape[2];
        for (Layer l : layers) {
            switch (l) {
                case Dense d -> macs += (long) d.in() * d.out();
                case Conv cv -> {
                    h = h + 2 * cv.pad() - cv.kernel() + 1;
                    w = w + 2 * cv.pad() - cv.kernel() + 1;
                    c = cv.out();
                    macs += (long) c * h * w * cv.in() * cv.kernel() * cv.kernel();
                }
                case MaxPool p -> { h /= p.size(); w /= p.size(); }
                default -> { }
            }
        }
        return macs;
    }

    /** Glorot-uniform weights and zero biases from {@code seed}: used when Smok cannot supply the network. */
    public Map<String, float[]> initialWeights(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, float[]> m = new LinkedHashMap<>();
        parameterShapes().forEach((name, shape) -> {
            int n = 1;
            for (int d : shape) n *= d;
            float[] v = new float[n];
            if (name.endsWith(".weight")) {
                int receptive = n / (shape[0] * shape[1]);
                double limit = Math.sqrt(6.0 / ((shape[0] + shape[1]) * receptive));
                for (int i = 0; i < n; i++) v[i] = (float) ((r.nextDouble() * 2 - 1) * limit);
            }
            m.put(name, v);
        });
        return m;
    }

    /** The layer names with parameters, in order. */
    public List<String> parameterLayers() {
        List<String> names = new ArrayList<>();
        for (Layer l : layers) {
            if (l instanceof Dense d) names.add(d.name());
            if (l instanceof Conv c) names.add(c.name());
        }
        return names;
    }
}
