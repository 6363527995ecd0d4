package dev.smok.cpu;

import static org.junit.jupiter.api.Assertions.fail;

import dev.smok.ir.DType;
import dev.smok.ir.Graph;
import dev.smok.ir.Input;
import dev.smok.ir.interp.Interpreter;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Test support: runs a graph on the CPU backend and on the reference interpreter with the same
 * inputs and compares every output and update. The tolerance is relative to the magnitude of each
 * reference tensor: max |cpu - ref| <= tol * max(|ref|max, 1e-6).
 */
final class Oracle {
    private Oracle() {}

    /** Random inputs: labels are class indices (dtype i32), other values uniform in [lo, hi). */
    static Map<String, float[]> randomInputs(Graph g, long seed, float lo, float hi, int classes) {
        Random r = new Random(seed);
        Map<String, float[]> m = new LinkedHashMap<>();
        for (Input in : g.inputs()) {
            float[] v = new float[in.shape().size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = in.value().dtype() == DType.I32 ? r.nextInt(classes) : lo + (hi - lo) * r.nextFloat();
            }
            m.put(in.name(), v);
        }
        return m;
    }

    /** Runs both and asserts; returns the cpu executable's max relative error over all results. */
    static double check(Graph g, Map<String, float[]> inputs, double tol, int threads) {
        try (CpuExecutable ex = new CpuBackend(threads).compile(g, null)) {
            return check(ex, inputs, tol);
        }
    }

    static double check(CpuExecutable ex, Map<String, float[]> inputs, double tol) {
        Graph g = ex.graph();
        Map<String, double[]> din = new HashMap<>();
        for (var e : inputs.entrySet()) {
            ex.buffer(e.getKey()).copyFrom(e.getValue(), 0);
            double[] d = new double[e.getValue().length];
            for (int i = 0; i < d.length; i++) d[i] = e.getValue()[i];
            din.put(e.getKey(), d);
        }
        ex.run();
        Interpreter.Result ref = Interpreter.run(g, din);
        double worst = 0;
        for (var e : ref.outputs().entrySet()) worst = Math.max(worst, compare(g.name() + " output " + e.getKey(), e.getValue(), ex.buffer(e.getKey()).toArray(), tol));
        for (var e : ref.updates().entrySet()) worst = Math.max(worst, compare(g.name() + " update " + e.getKey(), e.getValue(), ex.buffer(e.getKey()).toArray(), tol));
        return worst;
    }

    static double compare(String what, double[] ref, float[] got, double tol) {
        double scale = 1e-6;
        for (double v : ref) scale = Math.max(scale, Math.abs(v));
        double worst = 0;
        int at = -1;
        for (int i = 0; i < ref.length; i++) {
            double err = Math.abs(got[i] - ref[i]);
            if (!(err <= worst)) { worst = err; at = i; }
        }
        double rel = worst / scale;
        if (!(rel <= tol)) {
            fail(what + ": relative error " + rel + " > " + tol + " at element " + at + " (cpu " + got[at] + ", interpreter " + ref[at] + ", magnitude " + scale + ")");
        }
        return rel;
    }
}
