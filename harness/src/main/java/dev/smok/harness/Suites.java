/*
 * Suites: the named lists of workloads that `./smok bench SUITE` runs.
 */
package dev.smok.harness;

import dev.smok.frontend.models.Zoo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named workload lists. {@code all} is the full suite; {@code zoo} is batch-1 inference
 * of every ILSVRC zoo model (long: not part of {@code all}); {@code quick} is a smoke run.
 */
public final class Suites {
    private Suites() {}

    private static final Map<String, List<Workload>> SUITES = new LinkedHashMap<>();

    static {
        List<Workload> sgemm = List.of(Workload.sgemm(64, 784, 512), Workload.sgemm(1024, 1024, 1024), Workload.sgemm(256, 4096, 4096));
        List<Workload> mlp = List.of(Workload.train("mlp", 64), Workload.infer("mlp", 1), Workload.infer("mlp", 256));
        List<Workload> conv = List.of(Workload.conv3x3(32, 64, 56, 64));
        List<Workload> lenet = List.of(Workload.train("lenet5", 64), Workload.infer("lenet5", 1), Workload.infer("lenet5", 256));
        SUITES.put("all", concat(sgemm, conv, mlp, lenet));
        SUITES.put("sgemm", sgemm);
        SUITES.put("conv", conv);
        SUITES.put("mlp", mlp);
        SUITES.put("lenet5", lenet);
        SUITES.put("zoo", Zoo.names().stream().map(name -> Workload.infer(name, 1)).toList());
        SUITES.put("quick", List.of(Workload.sgemm(64, 784, 512), Workload.infer("mlp", 1), Workload.train("mlp", 64)));
    }

    @SafeVarargs
    private static List<Workload> concat(List<Workload>... lists) {
        return java.util.Arrays.stream(lists).flatMap(List::stream).toList();
    }

    public static java.util.Set<String> names() { return SUITES.keySet(); }

    /** The suite by name, or one workload by its id (e.g. {@code mlp-infer-b256}). */
    public static List<Workload> named(String name) {
        List<Workload> s = SUITES.get(name);
        if (s != null) return s;
        for (String suite : List.of("all", "zoo")) for (Workload w : SUITES.get(suite)) if (w.id().equals(name)) return List.of(w);
        throw new IllegalArgumentException("unknown suite or workload '" + name + "' (suites: " + String.join(", ", SUITES.keySet())
                + "; workloads: " + String.join(", ", SUITES.get("all").stream().map(Workload::id).toList())
                + ", or a zoo model's, such as resnet50-infer-b1)");
    }
}
