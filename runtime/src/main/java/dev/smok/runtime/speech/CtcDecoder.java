package dev.smok.runtime.speech;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns per-frame class scores into label sequences. Class 0 is the CTC blank. Greedy decoding
 * takes each frame's best class, merges repeats and drops blanks. Prefix beam search (Hannun et
 * al. 2014, without a language model) keeps the {@code width} most probable label prefixes,
 * tracking for each the probability of ending in a blank and in a non-blank, so that paths that
 * collapse to the same prefix are summed rather than competing.
 */
public final class CtcDecoder {
    private CtcDecoder() {}

    /** Greedy decoding of log-probabilities or logits [frames][classes] (row-major). */
    public static int[] greedy(float[] scores, int frames, int classes) {
        List<Integer> out = new ArrayList<>();
        int prev = -1;
        for (int t = 0; t < frames; t++) {
            int best = 0;
            for (int k = 1; k < classes; k++) if (scores[t * classes + k] > scores[t * classes + best]) best = k;
            if (best != 0 && best != prev) out.add(best);
            prev = best;
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private record Beam(double blank, double nonBlank) {
        double total() { return logAdd(blank, nonBlank); }
    }

    /** Prefix beam search over logits [frames][classes] (softmax is applied per frame). */
    public static int[] beam(float[] logits, int frames, int classes, int width) {
        double ninf = Double.NEGATIVE_INFINITY;
        Map<List<Integer>, Beam> beams = new HashMap<>();
        beams.put(List.of(), new Beam(0, ninf));
        double[] logp = new double[classes];
        for (int t = 0; t < frames; t++) {
            double max = ninf, sum = 0;
            for (int k = 0; k < classes; k++) max = Math.max(max, logits[t * classes + k]);
            for (int k = 0; k < classes; k++) sum += Math.exp(logits[t * classes + k] - max);
            for (int k = 0; k < classes; k++) logp[k] = logits[t * classes + k] - max - Math.log(sum);
            Map<List<Integer>, Beam> next = new HashMap<>();
            for (var e : beams.entrySet()) {
                List<Integer> prefix = e.getKey();
                Beam b = e.getValue();
                // stay on the same prefix: emit a blank, or repeat the last label
                add(next, prefix, b.total() + logp[0], ninf);
                if (!prefix.isEmpty()) {
                    int last = prefix.get(prefix.size() - 1);
                    add(next, prefix, ninf, b.nonBlank() + logp[last]);
                }
                for (int k = 1; k < classes; k++) {
                    List<Integer> ext = new ArrayList<>(prefix);
                    ext.add(k);
                    boolean repeat = !prefix.isEmpty() && prefix.get(prefix.size() - 1) == k;
                    // a repeated label only extends the prefix after a blank
                    add(next, List.copyOf(ext), ninf, (repeat ? b.blank() : b.total()) + logp[k]);
                }
            }
            Map<List<Integer>, Beam> top = new HashMap<>();
            next.entrySet().stream().sorted(Comparator.comparingDouble((Map.Entry<List<Integer>, Beam> x) -> -x.getValue().total()))
                    .limit(width).forEach(x -> top.put(x.getKey(), x.getValue()));
            beams = top;
        }
        return beams.entrySet().stream().max(Comparator.comparingDouble(x -> x.getValue().total())).orElseThrow()
                .getKey().stream().mapToInt(Integer::intValue).toArray();
    }

    private static void add(Map<List<Integer>, Beam> m, List<Integer> prefix, double blank, double nonBlank) {
        m.merge(prefix, new Beam(blank, nonBlank), (a, b) -> new Beam(logAdd(a.blank(), b.blank()), logAdd(a.nonBlank(), b.nonBlank())));
    }

    static double logAdd(double a, double b) {
        if (a == Double.NEGATIVE_INFINITY) return b;
        if (b == Double.NEGATIVE_INFINITY) return a;
        double m = Math.max(a, b);
        return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
    }
}
