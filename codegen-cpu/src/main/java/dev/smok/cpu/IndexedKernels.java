package dev.smok.cpu;

/**
 * Reductions over axis sets that are not contiguous, driven by an index map computed once at
 * compile time (map[i] is the output element that input element i folds into). Used only where the
 * shape has no faster vectorized form; an instance is shared by the generated code as a constant.
 * (Transposes are strided copies, {@link LayoutKernels.Transpose}, with no map.)
 */
public final class IndexedKernels {
    /** What an instance computes. */
    enum Kind { REDUCE_SUM, REDUCE_MEAN, REDUCE_MAX, REDUCE_MAX_GRAD }

    private final Kind kind;
    private final int[] map;
    private final int in, out, aux1, aux2, outSize;

    /**
     * @param aux1 y (the reduced maxima) for REDUCE_MAX_GRAD
     * @param aux2 g (the incoming gradient) for REDUCE_MAX_GRAD
     */
    IndexedKernels(Kind kind, int[] map, int in, int out, int aux1, int aux2, int outSize) {
        this.kind = kind; this.map = map; this.in = in; this.out = out; this.aux1 = aux1; this.aux2 = aux2; this.outSize = outSize;
    }

    /** Runs the kernel over {@code a}. */
    public void run(float[] a) {
        int[] mp = map;
        switch (kind) {
            case REDUCE_SUM, REDUCE_MEAN -> {
                java.util.Arrays.fill(a, out, out + outSize, 0f);
                for (int i = 0; i < mp.length; i++) a[out + mp[i]] += a[in + i];
                if (kind == Kind.REDUCE_MEAN) {
                    float s = (float) outSize / mp.length;
                    for (int o = 0; o < outSize; o++) a[out + o] *= s;
                }
            }
            case REDUCE_MAX -> {
                java.util.Arrays.fill(a, out, out + outSize, Float.NEGATIVE_INFINITY);
                for (int i = 0; i < mp.length; i++) a[out + mp[i]] = Math.max(a[out + mp[i]], a[in + i]);
            }
            case REDUCE_MAX_GRAD -> {
                for (int i = 0; i < mp.length; i++) a[out + i] = a[in + i] == a[aux1 + mp[i]] ? a[aux2 + mp[i]] : 0f;
            }
        }
    }

    /** For each input element of {@code dims}, the flat index of the output element after reducing {@code reduced} axes. */
    static int[] reduceMap(int[] dims, boolean[] reduced) {
        int size = 1;
        for (int d : dims) size *= d;
        int[] map = new int[size];
        for (int i = 0; i < size; i++) {
            int rem = i, idx = 0, stride = 1;
            for (int d = dims.length - 1; d >= 0; d--) {
                int coord = rem % dims[d];
                rem /= dims[d];
                if (!reduced[d]) { idx += coord * stride; stride *= dims[d]; }
            }
            map[i] = idx;
        }
        return map;
    }
}
