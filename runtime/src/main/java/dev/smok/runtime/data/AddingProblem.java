package dev.smok.runtime.data;

import dev.smok.ir.Shape;

import java.util.SplittableRandom;

/**
 * The adding problem of Hochreiter and Schmidhuber (1997, experiment 4), the standard test of
 * long-range memory. Each sample is a sequence of T steps of (value, marker): the values are
 * uniform in [0, 1], exactly two markers are 1 (one position in the first half of the sequence,
 * one in the second, as in Le, Jaitly and Hinton 2015), and the target is the sum of the two
 * marked values. A network must carry the first marked value across at least T/2 steps.
 *
 * <p>Samples are [T, 2]; the target of sample i is stored in {@code labels()[i]} (a float, with
 * {@code classes() == 0}). Predicting the mean 1 always gives a mean squared error of
 * Var(u1 + u2) = 2/12 ≈ 0.167; a network that solves the task goes far below that.
 */
public final class AddingProblem {
    private AddingProblem() {}

    /** The MSE of always predicting 1, the baseline to beat. */
    public static final double BASELINE_MSE = 2.0 / 12.0;

    /** {@code count} samples of {@code steps} steps, reproducible from {@code seed}. */
    public static Dataset generate(String name, int count, int steps, long seed) {
        if (steps < 2) throw new DataException("the adding problem needs sequences of at least 2 steps, got " + steps);
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[count * steps * 2];
        float[] targets = new float[count];
        int half = steps / 2;
        for (int i = 0; i < count; i++) {
            int base = i * steps * 2;
            for (int t = 0; t < steps; t++) x[base + 2 * t] = (float) r.nextDouble();
            int first = r.nextInt(half), second = half + r.nextInt(steps - half);
            x[base + 2 * first + 1] = 1;
            x[base + 2 * second + 1] = 1;
            targets[i] = x[base + 2 * first] + x[base + 2 * second];
        }
        return new Dataset(name, Shape.of(steps, 2), x, targets, count, 0);
    }

    /** A training set of {@code trainCount} and a test set of {@code testCount} samples (different seeds). */
    public static Datasets.Split split(int steps, int trainCount, int testCount, long seed) {
        return new Datasets.Split(generate("adding-" + steps + "/train", trainCount, steps, seed),
                generate("adding-" + steps + "/test", testCount, steps, seed + 1));
    }

    /**
     * The data set named {@code adding} (T = 50) or {@code adding:T}: 10,000 training and 1,000
     * test sequences.
     */
    public static Datasets.Split named(String spec) {
        int steps = 50;
        if (spec.startsWith("adding:")) {
            try {
                steps = Integer.parseInt(spec.substring(7));
            } catch (NumberFormatException e) {
                throw new DataException("bad sequence length in '" + spec + "': expected adding:T with an integer T, e.g. adding:50");
            }
        }
        return split(steps, 10_000, 1_000, 1);
    }
}
