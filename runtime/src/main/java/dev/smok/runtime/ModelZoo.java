package dev.smok.runtime;

import dev.smok.frontend.Network;
import dev.smok.frontend.models.Perceptrons;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Built-in models by name, and {@code .jsh} scripts that define a network. */
public final class ModelZoo {
    private ModelZoo() {}

    /** A built-in model and the Adam learning rate it trains well with. */
    private record Entry(Supplier<Network> factory, float adamLr) {}

    private static final Map<String, Entry> MODELS = new LinkedHashMap<>();

    static {
        MODELS.put("logistic", new Entry(Perceptrons::logistic, 0.01f));
        MODELS.put("mlp", new Entry(Perceptrons::mlp, 1e-3f));
    }

    /** The Adam learning rate a built-in model trains well with (1e-3 for scripts). */
    public static float adamLearningRate(String spec) {
        Entry e = MODELS.get(spec);
        return e == null ? 1e-3f : e.adamLr();
    }

    /** Names of the built-in models. */
    public static java.util.Set<String> names() { return MODELS.keySet(); }

    /** A built-in model by name, or the network defined by a {@code .jsh} script at that path. */
    public static Network load(String spec) {
        Entry e = MODELS.get(spec);
        if (e != null) return e.factory().get();
        if (spec.endsWith(".jsh")) {
            Path p = Path.of(spec);
            if (!Files.isRegularFile(p)) throw new IllegalArgumentException("script " + spec + " does not exist");
            return Scripts.network(p);
        }
        throw new IllegalArgumentException("unknown model '" + spec + "': use one of " + String.join(", ", MODELS.keySet())
                + ", or a .jsh script that defines a variable 'network'");
    }
}
