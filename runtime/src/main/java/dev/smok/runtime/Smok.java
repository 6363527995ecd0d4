package dev.smok.runtime;

import dev.smok.frontend.Network;

/**
 * Smok's entry point for Java programs:
 *
 * <pre>{@code
 * Network net = Network.sequential("mlp", Shape.of(784)).dense(128).relu().dense(10).softmax();
 * try (Model m = Smok.compile(net, new Options().batch(64))) {
 *     History h = Trainer.fit(m, data.train(), data.test(), 3, ProgressBar.forConsole());
 * }
 * }</pre>
 */
public final class Smok {
    private Smok() {}

    /** Prepares {@code network} for training and inference; code is generated on first use. */
    public static Model compile(Network network, Options options) { return new Model(network, options); }

    /** {@link #compile(Network, Options)} with the default options (batch 64, Adam 1e-3, the cpu backend). */
    public static Model compile(Network network) { return compile(network, new Options()); }
}
