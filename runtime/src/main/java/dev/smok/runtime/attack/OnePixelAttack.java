package dev.smok.runtime.attack;

import java.util.SplittableRandom;

/**
 * The one-pixel attack of Su, Vargas and Sakurai (2019): differential evolution over candidate
 * perturbations (x, y, value) of a single pixel, searching for one that flips a classifier's
 * decision. DE/rand/1 without crossover, as in the paper: each child is a + F·(b − c) for three
 * distinct random members; it replaces its parent when its fitness is better. Untargeted
 * fitness is the true class's probability (lower is better); targeted fitness is the target
 * class's probability (higher is better). A whole population is evaluated as one batch through
 * the compiled model, which is where the speed comes from.
 */
public final class OnePixelAttack {
    /** Class probabilities (or any monotone scores normalized per row) for {@code n} images. */
    @FunctionalInterface
    public interface Classifier {
        float[] probabilities(float[] images, int n);
    }

    /** The outcome for one image. */
    public record Result(boolean success, int x, int y, float value, int predicted, float confidence, int evaluations) {}

    private final Classifier model;
    private final int height, width, classes, population, generations;
    private final float f;
    private long evaluations;

    /**
     * @param population  candidates per generation (the paper uses 400)
     * @param generations at most this many generations (the paper uses 100)
     */
    public OnePixelAttack(Classifier model, int height, int width, int classes, int population, int generations) {
        this.model = model;
        this.height = height;
        this.width = width;
        this.classes = classes;
        this.population = population;
        this.generations = generations;
        this.f = 0.5f;
    }

    /** Candidate evaluations so far (images classified). */
    public long evaluations() { return evaluations; }

    /**
     * Attacks one image ({@code height·width} values in 0..1) of class {@code label}. With
     * {@code target >= 0} the attack succeeds only when the model predicts {@code target}.
     */
    public Result attack(float[] image, int label, int target, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] pop = new float[population][3];
        for (float[] c : pop) {
            c[0] = r.nextInt(width);
            c[1] = r.nextInt(height);
            c[2] = (float) r.nextDouble();
        }
        float[] batch = new float[population * height * width];
        float[] fitness = new float[population];
        int[] predicted = new int[population];
        float[] conf = new float[population];
        int used = 0;
        evaluate(image, pop, batch, fitness, predicted, conf, label, target);
        used += population;
        for (int g = 0; g <= generations; g++) {
            for (int i = 0; i < population; i++) {
                if (succeeded(predicted[i], label, target)) {
                    return new Result(true, (int) pop[i][0], (int) pop[i][1], pop[i][2], predicted[i], conf[i], used);
                }
            }
            if (g == generations) break;
            float[][] kids = new float[population][3];
            for (int i = 0; i < population; i++) {
                int a, b, c;
                do { a = r.nextInt(population); } while (a == i);
                do { b = r.nextInt(population); } while (b == i || b == a);
                do { c = r.nextInt(population); } while (c == i || c == a || c == b);
                kids[i][0] = clamp(Math.round(pop[a][0] + f * (pop[b][0] - pop[c][0])), 0, width - 1);
                kids[i][1] = clamp(Math.round(pop[a][1] + f * (pop[b][1] - pop[c][1])), 0, height - 1);
                kids[i][2] = clamp(pop[a][2] + f * (pop[b][2] - pop[c][2]), 0, 1);
            }
            float[] kidFitness = new float[population];
            int[] kidPred = new int[population];
            float[] kidConf = new float[population];
            evaluate(image, kids, batch, kidFitness, kidPred, kidConf, label, target);
            used += population;
            for (int i = 0; i < population; i++) {
                if (kidFitness[i] <= fitness[i]) {
                    pop[i] = kids[i];
                    fitness[i] = kidFitness[i];
                    predicted[i] = kidPred[i];
                    conf[i] = kidConf[i];
                }
            }
        }
        int best = 0;
        for (int i = 1; i < population; i++) if (fitness[i] < fitness[best]) best = i;
        return new Result(false, (int) pop[best][0], (int) pop[best][1], pop[best][2], predicted[best], conf[best], used);
    }

    private static boolean succeeded(int predicted, int label, int target) {
        return target >= 0 ? predicted == target : predicted != label;
    }

    /** Fitness to minimize: p(label) untargeted, −p(target) targeted. */
    private void evaluate(float[] image, float[][] cands, float[] batch, float[] fitness, int[] predicted, float[] conf,
                          int label, int target) {
        int size = height * width;
        for (int i = 0; i < cands.length; i++) {
            System.arraycopy(image, 0, batch, i * size, size);
            batch[i * size + (int) cands[i][1] * width + (int) cands[i][0]] = cands[i][2];
        }
        float[] p = model.probabilities(batch, cands.length);
        evaluations += cands.length;
        for (int i = 0; i < cands.length; i++) {
            int best = 0;
            for (int k = 1; k < classes; k++) if (p[i * classes + k] > p[i * classes + best]) best = k;
            predicted[i] = best;
            conf[i] = p[i * classes + best];
            fitness[i] = target >= 0 ? -p[i * classes + target] : p[i * classes + label];
        }
    }

    private static float clamp(float v, float lo, float hi) { return Math.max(lo, Math.min(hi, v)); }
}
