package dev.smok.optimizer;

/**
 * The parameter update rule that {@link Autodiff} appends to a training graph. Learning rates
 * are per step; all hyper-parameters are compile-time constants of the graph.
 */
public sealed interface OptimizerSpec {
    float lr();

    /** Plain SGD: p -= lr * (g + weightDecay * p). */
    record Sgd(float lr, float weightDecay) implements OptimizerSpec {}

    /** SGD with (heavy-ball) momentum: v = momentum * v + g; p -= lr * v. */
    record Momentum(float lr, float momentum) implements OptimizerSpec {}

    /** Adam (Kingma & Ba) with bias correction. */
    record Adam(float lr, float beta1, float beta2, float eps) implements OptimizerSpec {}

    static OptimizerSpec sgd(float lr) { return new Sgd(lr, 0f); }
    static OptimizerSpec momentum(float lr) { return new Momentum(lr, 0.9f); }
    static OptimizerSpec adam(float lr) { return new Adam(lr, 0.9f, 0.999f, 1e-8f); }

    /** By CLI name: sgd, momentum or adam. */
    static OptimizerSpec named(String name, float lr) {
        return switch (name) {
            case "sgd" -> sgd(lr);
            case "momentum" -> momentum(lr);
            case "adam" -> adam(lr);
            default -> throw new IllegalArgumentException("unknown optimizer '" + name + "' (expected sgd, momentum or adam)");
        };
    }
}
