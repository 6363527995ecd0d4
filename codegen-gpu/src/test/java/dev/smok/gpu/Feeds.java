package dev.smok.gpu;

import dev.smok.ir.Executable;
import dev.smok.ir.Graph;
import dev.smok.ir.Input;
import dev.smok.ir.Role;
import dev.smok.ir.Tensor;

import java.util.Random;

/** Test data by input name (see {@link OpGraphs}; Adam slots {@code m_*}, {@code v_*}, {@code adam_t} start at 0) and the float comparison used by all tests. */
final class Feeds {
    private Feeds() {}

    /*
     * Tolerances, |gpu - interpreter| <= ATOL + RTOL * |interpreter|. The interpreter computes in
     * float64 and rounds once; a device computes in float32, with exp/log of a few ulp (OpenCL) or
     * ex2/lg2.approx (PTX) and reassociated sums (GEMM tiles, tree reductions). Parameters and
     * optimizer states after several training steps accumulate those differences, hence a looser
     * relative bound.
     */
    static final double OP_ATOL = 2e-5, OP_RTOL = 2e-4;
    static final double LOSS_ATOL = 1e-5, LOSS_RTOL = 1e-4;
    static final double STATE_ATOL = 2e-5, STATE_RTOL = 5e-4;

    static float[] data(Input in, Random r) {
        String n = in.name();
        float[] d = new float[in.shape().size()];
        if (n.startsWith("ctc")) return ctcLabels(in, r);
        for (int i = 0; i < d.length; i++) {
            if (n.startsWith("m_") || n.startsWith("v_") || n.equals("adam_t")) d[i] = 0; // optimizer slots start at zero
            else if (n.startsWith("lab")) d[i] = r.nextInt(Integer.parseInt(n.substring(3, n.indexOf('_'))));
            else if (n.startsWith("pos")) d[i] = 0.05f + 2 * r.nextFloat();
            else if (n.startsWith("prob")) d[i] = 0.02f + 0.96f * r.nextFloat();
            else if (n.startsWith("step")) d[i] = 3;
            else d[i] = 2 * r.nextFloat() - 1;
        }
        return d;
    }

    /** CTC labels [N,L] in 1..C-1 (C from the name {@code ctcC_*}), each row -1 after a random length 0..L. */
    private static float[] ctcLabels(Input in, Random r) {
        int classes = Integer.parseInt(in.name().substring(3, in.name().indexOf('_')));
        int rows = in.shape().dim(0), maxLen = in.shape().dim(1);
        float[] d = new float[rows * maxLen];
        for (int row = 0; row < rows; row++) {
            int len = r.nextInt(maxLen + 1);
            for (int j = 0; j < maxLen; j++) d[row * maxLen + j] = j < len ? 1 + r.nextInt(classes - 1) : -1;
        }
        return d;
    }

    /** Writes the same random data into every input, parameter and state of all executables. */
    static void fillAll(Graph g, long seed, Executable... exes) {
        Random r = new Random(seed);
        for (Input in : g.inputs()) {
            float[] d = data(in, r);
            for (Executable e : exes) e.buffer(in.name()).copyFrom(d, 0);
        }
    }

    /**
     * Fills both executables alike (seed 42), then runs {@code steps} steps, each after the first
     * on fresh data inputs drawn from {@code dataSeed}, and asserts after every step that the
     * outputs ({@link #OP_ATOL}, {@link #OP_RTOL}) and every parameter and state
     * ({@link #STATE_ATOL}, {@link #STATE_RTOL}) of {@code device} equal {@code reference}'s.
     */
    static void assertStepsMatch(Graph g, Executable device, Executable reference, int steps, long dataSeed) {
        fillAll(g, 42, device, reference);
        Random r = new Random(dataSeed);
        for (int s = 0; s < steps; s++) {
            if (s > 0) {
                for (Input in : g.inputs(Role.INPUT)) {
                    float[] d = data(in, r);
                    device.buffer(in.name()).copyFrom(d, 0);
                    reference.buffer(in.name()).copyFrom(d, 0);
                }
            }
            device.run();
            reference.run();
            for (String out : g.outputs().keySet()) {
                assertClose(g.name() + " output " + out + " step " + s, reference.buffer(out), device.buffer(out), OP_ATOL, OP_RTOL);
            }
            for (Input in : g.inputs()) {
                if (in.role() != Role.INPUT) {
                    assertClose(in.name() + " after step " + s, reference.buffer(in.name()), device.buffer(in.name()), STATE_ATOL, STATE_RTOL);
                }
            }
        }
    }

    /**
     * Throws an AssertionError (a test failure) unless |actual - expected| <= atol + rtol * |expected|
     * everywhere. Plain Java, so {@link GpuSelfCheck} runs without JUnit.
     */
    static void assertClose(String what, Tensor expected, Tensor actual, double atol, double rtol) {
        if (!expected.shape().equals(actual.shape())) throw new AssertionError(what + ": shape " + actual.shape() + " != " + expected.shape());
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.size(); i++) {
            double e = expected.get(i), a = actual.get(i);
            double excess = Math.abs(a - e) - (atol + rtol * Math.abs(e));
            if (!(excess <= worst) && !(Double.isNaN(e) && Double.isNaN(a))) { worst = Double.isNaN(excess) ? Double.POSITIVE_INFINITY : excess; at = i; }
        }
        if (at >= 0) {
            throw new AssertionError(what + " differs at flat index " + at + " of " + expected.shape().pretty() + ": expected "
                    + expected.get(at) + ", got " + actual.get(at) + " (atol " + atol + ", rtol " + rtol + ")");
        }
    }
}
