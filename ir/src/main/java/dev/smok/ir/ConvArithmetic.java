package dev.smok.ir;

/**
 * Sliding-window arithmetic shared by convolution and pooling: output sizes and the attribute
 * defaults. A window of {@code kernel} taps spaced {@code dilation} apart slides over an input
 * padded by {@code pad} on both sides in steps of {@code stride}; the output has
 * floor((in + 2·pad − dilation·(kernel − 1) − 1) / stride) + 1 positions (PyTorch's rule,
 * ceil_mode=False).
 */
public final class ConvArithmetic {
    private ConvArithmetic() {}

    /** Output positions along one axis; zero or negative when the window does not fit. */
    public static int outSize(int in, int kernel, int stride, int pad, int dilation) {
        int span = dilation * (kernel - 1) + 1;
        int room = in + 2 * pad - span;
        return room < 0 ? 0 : room / stride + 1;
    }

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
