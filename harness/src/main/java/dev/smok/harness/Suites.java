/*
 * Suites: the named lists of workloads that `./smok bench SUITE` runs.
 */
package dev.smok.harness;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Named workload lists. {@code all} is the full suite; {@code quick} is a smoke run. */
public final class Suites {
    private Suites() {}

    private static final Map<String, List<Workload>> SUITES = new LinkedHashMap<>();

    static {
        List<Workload> sgemm = List.of(Workload.sgemm(64, 784, 512), Workload.sgemm(1024, 1024, 1024), Workload.sgemm(256, 4096, 4096));
        List<Workload> mlp = List.of(Workload.train("mlp", 64), Workload.infer("mlp", 1), Workload.infer("mlp", 256));
        List<Workload> lenet = List.of(Workload.train("lenet5", 64), Workload.infer("lenet5", 1), Workload.infer("lenet5", 256));
        SUITES.put("all", concat(sgemm, mlp, lenet));
        SUITES.put("sgemm", sgemm);
        SUITES.put("mlp", mlp);
        SUITES.put("lenet5", lenet);
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
        for (Workload w : SUITES.get("all")) if (w.id().equals(name)) return List.of(w);
        throw new IllegalArgumentException("unknown suite or workload '" + name + "' (suites: " + String.join(", ", SUITES.keySet())
                + "; workloads: " + String.join(", ", SUITES.get("all").stream().map(Workload::id).toList()) + ")");
    }
}
