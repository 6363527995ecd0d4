package dev.smok.tests;

import static org.junit.jupiter.api.Assertions.fail;

import dev.smok.ir.Graph;
import dev.smok.ir.Input;
import dev.smok.ir.Role;
import dev.smok.ir.interp.Interpreter;
import dev.smok.optimizer.Autodiff;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * Autodiff's gradients against central finite differences, both in the float64 interpreter
 * (the optimizer module's GradCheck, for graphs built by the frontend). h = 1e-6: truncation
 * error O(h²), rounding about 1e-16/h relative, so 1e-6 relative plus 1e-8 absolute is a wide
 * margin while a wrong derivative is off by O(1).
 */
final class GradientCheck {
    private GradientCheck() {}

    static final double H = 1e-6, RTOL = 1e-6, ATOL = 1e-8;

    /** Normal random values (scaled by {@code scale}) for every input of {@code g}. */
    static Map<String, double[]> randomInputs(Graph g, long seed, double scale) {
        Random r = new Random(seed);
        Map<String, double[]> m = new HashMap<>();
        for (Input in : g.inputs()) {
            double[] v = new double[in.shape().size()];
            for (int i = 0; i < v.length; i++) v[i] = scale * r.nextGaussian();
            m.put(in.name(), v);
        }
        return m;
    }

    /** Checks at most {@code maxPerParam} elements of every parameter of {@code forward} (output {@code loss}). */
    static void check(Graph forward, Map<String, double[]> inputs, int maxPerParam) {
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
                    fail(String.format("%s: d loss / d %s[%d]: autodiff %.10g, finite differences %.10g",
                            forward.name(), p.name(), i, analytic[i], numeric));
                }
            }
        }
    }

    static double loss(Graph g, Map<String, double[]> inputs) {
        return Interpreter.run(g, inputs).outputs().get(Autodiff.LOSS)[0];
    }
}
