package dev.smok.optimizer;

import static org.junit.jupiter.api.Assertions.fail;

import dev.smok.ir.DType;
import dev.smok.ir.Graph;
import dev.smok.ir.Input;
import dev.smok.ir.Role;
import dev.smok.ir.interp.Interpreter;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * Gradient checking: autodiff's gradients against central finite differences, both computed by
 * the float64 reference interpreter. With h = 1e-6 the truncation error is O(h²) ≈ 1e-12 and the
 * rounding error about 1e-16/h ≈ 1e-10 of the loss's magnitude, so 1e-6 relative (plus 1e-8
 * absolute) leaves a wide margin while a wrong derivative rule is off by O(1).
 */
public final class GradCheck {
    private GradCheck() {}

    static final double H = 1e-6, RTOL = 1e-6, ATOL = 1e-8;

    /** Random values for every input: normal floats, integer labels below {@code classes}. */
    public static Map<String, double[]> randomInputs(Graph g, long seed, int classes) {
        Random r = new Random(seed);
        Map<String, double[]> m = new HashMap<>();
        for (Input in : g.inputs()) {
            double[] v = new double[in.shape().size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = in.value().dtype() == DType.I32 ? r.nextInt(classes) : r.nextGaussian();
            }
            m.put(in.name(), v);
        }
        return m;
    }

    /** Normal random values scaled by {@code scale} for every input (no integer labels). */
    public static Map<String, double[]> scaledNormalInputs(Graph g, long seed, double scale) {
        Random r = new Random(seed);
        Map<String, double[]> m = new HashMap<>();
        for (Input in : g.inputs()) {
            double[] v = new double[in.shape().size()];
            for (int i = 0; i < v.length; i++) v[i] = scale * r.nextGaussian();
            m.put(in.name(), v);
        }
        return m;
    }

    /**
     * Checks every parameter of {@code forward} (a graph with a scalar {@code loss} output),
     * at most {@code maxPerParam} elements each, spread over the tensor.
     */
    public static void check(Graph forward, Map<String, double[]> inputs, int maxPerParam) {
        Graph train = new Autodiff(null, true).run(forward);
        Map<String, double[]> grads = Interpreter.run(train, inputs).outputs();
        for (Input p : forward.inputs(Role.PARAM)) {
            double[] analytic = grads.get(Autodiff.GRAD_PREFIX + p.name());
            if (analytic == null) fail("no gradient for parameter " + p.name());
            double[] x = inputs.get(p.name());
            int step = Math.max(1, x.length / maxPerParam);
            for (int i = 0; i < x.length; i += step) {
                double keep = x[i];
                x[i] = keep + H;
                double up = loss(forward, inputs);
                x[i] = keep - H;
                double down = loss(forward, inputs);
                x[i] = keep;
                double numeric = (up - down) / (2 * H);
                if (Math.abs(numeric - analytic[i]) > ATOL + RTOL * Math.max(Math.abs(numeric), Math.abs(up))) {
                    fail(String.format("%s: d loss / d %s[%d]: autodiff %.10g, finite differences %.10g%n%s",
                            forward.name(), p.name(), i, analytic[i], numeric, train));
                }
            }
        }
    }

    private static double loss(Graph g, Map<String, double[]> inputs) {
        return Interpreter.run(g, inputs).outputs().get(Autodiff.LOSS)[0];
    }
}
