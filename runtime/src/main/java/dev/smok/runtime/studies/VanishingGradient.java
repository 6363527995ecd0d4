package dev.smok.runtime.studies;

import dev.smok.frontend.Network;
import dev.smok.frontend.RecurrentCell;
import dev.smok.frontend.RecurrentLayer;
import dev.smok.ir.Graph;
import dev.smok.ir.GraphBuilder;
import dev.smok.ir.Input;
import dev.smok.ir.Node;
import dev.smok.ir.Role;
import dev.smok.ir.Shape;
import dev.smok.ir.Tensor;
import dev.smok.ir.Value;
import dev.smok.ir.interp.Interpreter;
import dev.smok.optimizer.Autodiff;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The vanishing-gradient study: how strongly the last hidden state h_T still depends on the
 * input k steps back, for k = 1 .. T, in a simple RNN and in an LSTM at initialization.
 *
 * <p>For each cell: a layer of H units over a random sequence x_1 .. x_T (uniform in [-1, 1]),
 * with the layer's own initialization (Glorot weights; the LSTM's forget-gate bias 1). The
 * measure is the Frobenius norm of the Jacobian ∂h_T/∂x_{T-k+1} (k = 1 is the last input), the
 * factor by which a gradient arriving at h_T reaches step T-k+1. It is computed exactly with the
 * compiler itself: the layer's inference graph with the input turned into a parameter, the loss
 * e·h_T for each unit vector e, and autodiff (backpropagation through time, one reverse scan);
 * the squared norms of the H input gradients add up to the squared Jacobian norm. Results are
 * averaged over a few random sequences (geometric mean) and written as CSV {@code k,rnn,lstm}.
 * For the simple RNN the norm falls roughly geometrically with k (the product of T Jacobians
 * diag(1 − h²)·W_rec); the LSTM's additive cell path keeps it from collapsing as fast.
 */
public final class VanishingGradient {
    private VanishingGradient() {}

    /** Gradient norms by distance k = 1 .. steps (index k − 1), per cell, in the order given. */
    public record Result(int steps, int units, Map<RecurrentCell, double[]> norms) {
        /** CSV with a header {@code k,rnn,lstm,...}, one row per k. */
        public String csv() {
            StringBuilder b = new StringBuilder("k");
            for (RecurrentCell c : norms.keySet()) b.append(',').append(c.name().toLowerCase());
            b.append('\n');
            for (int k = 1; k <= steps; k++) {
                b.append(k);
                for (double[] n : norms.values()) b.append(',').append(String.format("%.6e", n[k - 1]));
                b.append('\n');
            }
            return b.toString();
        }
    }

    /** Runs the study for the simple RNN and the LSTM. */
    public static Result run(int steps, int units, int features, int sequences, long seed) {
        Map<RecurrentCell, double[]> norms = new LinkedHashMap<>();
        for (RecurrentCell cell : List.of(RecurrentCell.RNN, RecurrentCell.LSTM)) {
            norms.put(cell, jacobianNorms(cell, steps, units, features, sequences, seed));
        }
        return new Result(steps, units, norms);
    }

    /** Geometric mean over {@code sequences} random inputs of ‖∂h_T/∂x_{T-k+1}‖_F for k = 1 .. steps. */
    static double[] jacobianNorms(RecurrentCell cell, int steps, int units, int features, int sequences, long seed) {
        Network net = Network.sequential("vanishing-" + cell.name().toLowerCase(), steps, features)
                .add(new RecurrentLayer(cell, units)).name("cell").seed(seed);
        Graph train = new Autodiff(null, true).run(lossOfLastState(net.inference(1)));
        Map<String, double[]> in = new HashMap<>();
        for (Map.Entry<String, Tensor> p : net.initialParameters().entrySet()) in.put(p.getKey(), toDouble(p.getValue().toArray()));
        SplittableRandom random = new SplittableRandom(seed);
        double[] logSum = new double[steps];
        for (int s = 0; s < sequences; s++) {
            double[] x = new double[steps * features];
            for (int i = 0; i < x.length; i++) x[i] = random.nextDouble() * 2 - 1;
            in.put("x", x);
            double[] squared = new double[steps];
            for (int unit = 0; unit < units; unit++) {
                double[] e = new double[units];
                e[unit] = 1;
                in.put("e", e);
                double[] gx = Interpreter.run(train, in).outputs().get(Autodiff.GRAD_PREFIX + "x");
                for (int t = 0; t < steps; t++) {
                    for (int f = 0; f < features; f++) squared[t] += gx[t * features + f] * gx[t * features + f];
                }
            }
            for (int k = 1; k <= steps; k++) logSum[k - 1] += 0.5 * Math.log(squared[steps - k]);
        }
        double[] norms = new double[steps];
        for (int k = 0; k < steps; k++) norms[k] = Math.exp(logSum[k] / sequences);
        return norms;
    }

    /** {@code inference} with the input x as a parameter and the scalar output loss = Σ e ∗ y. */
    static Graph lossOfLastState(Graph inference) {
        GraphBuilder b = new GraphBuilder(inference.name() + "_jacobian");
        for (Input in : inference.inputs()) b.addInput(in.name().equals("x") ? new Input(in.value(), Role.PARAM) : in);
        for (Node n : inference.nodes()) b.add(n);
        Value y = inference.outputs().get("y");
        Value e = b.input("e", y.shape());
        b.output("loss", b.reduceSum(b.mul(y, e), false, 0, 1));
        return b.build();
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    /** Writes the CSV and a short note next to it; returns the lines printed for the user. */
    public static List<String> write(Result r, Path csv) throws IOException {
        Path parent = csv.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(csv, r.csv());
        List<String> lines = new ArrayList<>();
        lines.add("wrote " + csv + " (k, ‖∂h_T/∂x_{T-k+1}‖ per cell; plot it on a log scale)");
        for (int k : new int[] {1, 2, 5, 10, 20, 50, 100, 200, 500}) {
            if (k > r.steps()) break;
            StringBuilder b = new StringBuilder(String.format("k=%-4d", k));
            r.norms().forEach((c, n) -> b.append(String.format("  %s %.3e", c.name().toLowerCase(), n[k - 1])));
            lines.add(b.toString());
        }
        return lines;
    }

    /** {@code VanishingGradient [steps [units [out.csv]]]}: defaults 100 steps, 32 units, out/vanishing-gradient.csv. */
    public static void main(String[] args) throws IOException {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int units = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        Path out = Path.of(args.length > 2 ? args[2] : "out/vanishing-gradient.csv");
        write(run(steps, units, 1, 3, 1), out).forEach(System.out::println);
    }
}
