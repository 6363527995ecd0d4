package dev.smok.runtime;

/**
 * How the learning rate changes from one epoch to the next; {@link Trainer#fit} applies it at
 * the start of every epoch through {@link Model#setLearningRate}. The rate is a constant of the
 * compiled training step, so each change compiles the step again (a second or two, parameters and
 * optimizer state kept); schedules therefore move per epoch, not per step.
 */
public sealed interface LearningRateSchedule {
    /** The rate for {@code epoch} (1-based) of {@code epochs}, given the optimizer's {@code base} rate. */
    float rate(float base, int epoch, int epochs);

    /** The base rate in every epoch. */
    record Constant() implements LearningRateSchedule {
        @Override public float rate(float base, int epoch, int epochs) { return base; }
        @Override public String toString() { return "constant"; }
    }

    /**
     * Cosine annealing to zero over the run, stepped once per epoch: base·½(1 + cos(π·(epoch−1)/epochs)),
     * as PyTorch's {@code CosineAnnealingLR(T_max=epochs)} stepped after each epoch. For 3 epochs:
     * 1, 0.75 and 0.25 times the base rate.
     */
    record Cosine() implements LearningRateSchedule {
        @Override public float rate(float base, int epoch, int epochs) {
            return (float) (base * 0.5 * (1 + Math.cos(Math.PI * (epoch - 1) / epochs)));
        }
        @Override public String toString() { return "cosine"; }
    }

    static LearningRateSchedule constant() { return new Constant(); }
    static LearningRateSchedule cosine() { return new Cosine(); }

    /** By CLI name: constant or cosine. */
    static LearningRateSchedule named(String name) {
        return switch (name) {
            case "constant" -> constant();
            case "cosine" -> cosine();
            default -> throw new IllegalArgumentException("unknown learning-rate schedule '" + name + "' (expected constant or cosine)");
        };
    }
}
