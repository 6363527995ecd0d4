package dev.smok.cpu.conv;

/**
 * The static shape of one 2-D convolution (NCHW), as the kernels in this package take it:
 * input x [n, c, h, w], weight [o, c/groups, kh, kw] (PyTorch's layout), output
 * y [n, o, outH, outW] with outH = floor((h + 2·padH − dilationH·(kh − 1) − 1) / strideH) + 1
 * (likewise outW). Generated code builds one per convolution, with constant fields.
 */
public record ConvGeometry(int n, int c, int h, int w, int o, int kh, int kw,
                           int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, int groups) {
    public ConvGeometry {
        if (n <= 0 || c <= 0 || h <= 0 || w <= 0 || o <= 0 || kh <= 0 || kw <= 0 || strideH <= 0 || strideW <= 0
                || padH < 0 || padW < 0 || dilationH <= 0 || dilationW <= 0 || groups <= 0) {
            throw new IllegalArgumentException("bad convolution geometry " + this);
        }
        if (c % groups != 0 || o % groups != 0) throw new IllegalArgumentException("groups must divide the channels: " + this);
        if (outSize(h, kh, strideH, padH, dilationH) <= 0 || outSize(w, kw, strideW, padW, dilationW) <= 0) {
            throw new IllegalArgumentException("the kernel does not fit the padded image: " + this);
        }
    }

    /** A square convolution: kernel k, stride s, padding p, dilation 1, groups 1. */
    public static ConvGeometry square(int n, int c, int hw, int o, int k, int s, int p) {
        return new ConvGeometry(n, c, hw, hw, o, k, k, s, s, p, p, 1, 1, 1);
    }

    static int outSize(int in, int k, int s, int p, int d) {
        int room = in + 2 * p - d * (k - 1) - 1;
        return room < 0 ? 0 : room / s + 1;
    }

    public int outH() { return outSize(h, kh, strideH, padH, dilationH); }
    public int outW() { return outSize(w, kw, strideW, padW, dilationW); }
    /** Input channels per group. */
    public int cg() { return c / groups; }
    /** Output channels per group. */
    public int og() { return o / groups; }
    public int inputSize() { return n * c * h * w; }
    public int outputSize() { return n * o * outH() * outW(); }
    public int weightSize() { return o * cg() * kh * kw; }

    /** Multiply-accumulates of the forward pass (each is 2 FLOPs). */
    public long macs() { return (long) outputSize() * cg() * kh * kw; }

    /** A 1×1, stride-1, unpadded convolution: a GEMM over channels, run without a padded copy. */
    boolean pointwise() { return kh == 1 && kw == 1 && strideH == 1 && strideW == 1 && padH == 0 && padW == 0; }

    @Override public String toString() {
        return "conv n=" + n + " c=" + c + " " + h + "x" + w + " -> o=" + o + " k=" + kh + "x" + kw + " stride=" + strideH + "x" + strideW
                + " pad=" + padH + "x" + padW + " dilation=" + dilationH + "x" + dilationW + " groups=" + groups;
    }
}
