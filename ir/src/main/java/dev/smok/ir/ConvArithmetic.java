package dev.smok.ir;

/**
 * Sliding-window arithmetic shared by convolution and pooling: output sizes and the attribute
 * defaults. A window of {@code kernel} taps spaced {@code dilation} apart slides over an input
 * padded by {@code pad} on both sides in steps of {@code stride}; the output has
 * floor((in + 2·pad − dilation·(kernel − 1) − 1) / stride) + 1 positions (PyTorch's rule,
 * ceil_mode=False).
 *
 * <p>Pooling may round up instead ({@code ceil_mode=true}, PyTorch's and Caffe's rule): the last
 * window may hang over the bottom/right edge, as long as it starts inside the image or its
 * left/top padding. Taps beyond the image are skipped (max) or count as zero (average).
 */
public final class ConvArithmetic {
    private ConvArithmetic() {}

    /** Output positions along one axis; zero or negative when the window does not fit. */
    public static int outSize(int in, int kernel, int stride, int pad, int dilation) {
        int span = dilation * (kernel - 1) + 1;
        int room = in + 2 * pad - span;
        return room < 0 ? 0 : room / stride + 1;
    }

    /**
     * Output positions of a pooling window along one axis: {@link #outSize} when {@code ceil} is
     * false; otherwise ceil((in + 2·pad − kernel) / stride) + 1, less one when that last window
     * would start at or past in + pad (entirely in the right padding). Zero when the window does not fit.
     */
    public static int poolOutSize(int in, int kernel, int stride, int pad, boolean ceil) {
        int room = in + 2 * pad - kernel;
        if (room < 0) return 0;
        if (!ceil) return room / stride + 1;
        int out = (room + stride - 1) / stride + 1;
        return (out - 1) * stride >= in + pad ? out - 1 : out;
    }

    /**
     * Taps of a pooling window that lie inside the padded input along one axis: the window
     * starting at {@code start} (may be negative), cut at in + pad. Average pooling with
     * count_include_pad divides by the product of both axes' counts (PyTorch's divisor): the full
     * window except where a ceil-mode window hangs past the padding.
     */
    public static int paddedTaps(int start, int kernel, int in, int pad) {
        return Math.min(start + kernel, in + pad) - start;
    }

    /** The pooling attribute {@code ceil_mode} (default false). */
    public static boolean ceilMode(Attrs a) { return a.b("ceil_mode", false); }

    /** The attribute {@code name} as a pair [h, w]; a missing attribute gives [dflt, dflt]. */
    public static int[] pair(Attrs a, String name, int dflt) {
        int[] v = a.ints(name, new int[] {dflt, dflt});
        if (v.length != 2) throw new IrException("attribute '" + name + "' must be a pair [h,w], got " + v.length + " values");
        return v;
    }

    /** Pooling stride: the attribute, or the kernel when absent (PyTorch's default). */
    public static int[] poolStride(Attrs a) {
        int[] k = pair(a, "kernel", 1);
        return a.has("stride") ? pair(a, "stride", 1) : k;
    }
}
