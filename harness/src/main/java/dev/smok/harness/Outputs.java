/*
 * Outputs: named result arrays of one system, and the agreement check that compares them with
 * the reference before anything is timed.
 */
package dev.smok.harness;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named float arrays. A reference entry may be sampled: {@link #sampled} holds values only at
 * given flat indices (sgemm's reference is computed in double precision at a few hundred
 * positions). Agreement is per entry: max |got − ref| ≤ tolerance · max |ref| (the error is
 * relative to the entry's scale, so a wrong gradient cannot hide behind small values).
 */
public final class Outputs {
    private final Map<String, float[]> values = new LinkedHashMap<>();
    private final Map<String, int[]> indices = new LinkedHashMap<>();

    public Outputs put(String name, float[] v) { values.put(name, v); return this; }

    /** An entry known only at {@code idx}: {@code v[i]} is the value at flat index {@code idx[i]}. */
    public Outputs sampled(String name, int[] idx, float[] v) {
        if (idx.length != v.length) throw new IllegalArgumentException("indices and values differ in length");
        values.put(name, v);
        indices.put(name, idx);
        return this;
    }

    public Map<String, float[]> values() { return values; }
    public float[] get(String name) { return values.get(name); }

    /** The result of comparing a system's outputs with the reference. */
    public record Agreement(boolean agrees, double worstRelativeError, String detail) {}

    /** Compares {@code got} with this reference entry by entry; a missing entry or a length mismatch disagrees. */
    public Agreement compare(Outputs got, double tolerance) {
        double worst = 0;
        String worstName = "";
        for (var e : values.entrySet()) {
            String name = e.getKey();
            float[] ref = e.getValue();
            float[] g = got.values.get(name);
            if (g == null) return new Agreement(false, Double.POSITIVE_INFINITY, "no output '" + name + "'");
            int[] idx = indices.get(name);
            if (idx == null && g.length != ref.length) {
                return new Agreement(false, Double.POSITIVE_INFINITY, "'" + name + "' has " + g.length + " values, expected " + ref.length);
            }
            double scale = 0, err = 0;
            for (float r : ref) scale = Math.max(scale, Math.abs(r));
            for (int i = 0; i < ref.length; i++) {
                int j = idx == null ? i : idx[i];
                if (j >= g.length) return new Agreement(false, Double.POSITIVE_INFINITY, "'" + name + "' has only " + g.length + " values");
                double d = Math.abs((double) g[j] - ref[i]);
                if (Double.isNaN(d)) d = Double.POSITIVE_INFINITY;
                err = Math.max(err, d);
            }
            double rel = err / Math.max(scale, 1e-30);
            if (rel > worst || worstName.isEmpty()) { worst = Math.max(worst, rel); worstName = name; }
        }
        boolean ok = worst <= tolerance;
        return new Agreement(ok, worst, String.format("worst '%s': max|diff|/max|ref| = %.2e (tolerance %.0e)", worstName, worst, tolerance));
    }

    /** Training outputs from the loss after one step and the parameters before and after it. */
    public static Outputs trainingStep(float loss, Map<String, float[]> before, Map<String, float[]> after) {
        Outputs o = new Outputs().put("loss", new float[] {loss});
        for (var e : before.entrySet()) {
            float[] a = after.get(e.getKey());
            if (a == null) throw new IllegalArgumentException("no parameter '" + e.getKey() + "' after the step");
            float[] d = new float[a.length];
            for (int i = 0; i < d.length; i++) d[i] = a[i] - e.getValue()[i];
            o.put("delta/" + e.getKey(), d);
        }
        return o;
    }
}
