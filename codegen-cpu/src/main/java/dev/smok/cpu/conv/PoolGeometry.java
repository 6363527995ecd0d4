package dev.smok.cpu.conv;

/**
 * The static shape of one 2-D pooling (NCHW): input [n, c, h, w], windows kh×kw moved by
 * strideH×strideW over the input padded by padH×padW (each at most half the window), output
 * [n, c, outH, outW] with outH = floor((h + 2·padH − kh) / strideH) + 1 (likewise outW).
 * {@code countIncludePad} (average pooling only): divide by kh·kw everywhere (PyTorch's
 * default) rather than by the number of in-image taps.
 */
public record PoolGeometry(int n, int c, int h, int w, int kh, int kw, int strideH, int strideW, int padH, int padW,
                           boolean countIncludePad) {
    public PoolGeometry {
        if (n <= 0 || c <= 0 || h <= 0 || w <= 0 || kh <= 0 || kw <= 0 || strideH <= 0 || strideW <= 0
                || padH < 0 || padW < 0 || 2 * padH > kh || 2 * padW > kw) {
            throw new IllegalArgumentException("bad pooling geometry " + this);
        }
        if (ConvGeometry.outSize(h, kh, strideH, padH, 1) <= 0 || ConvGeometry.outSize(w, kw, strideW, padW, 1) <= 0) {
            throw new IllegalArgumentException("the window does not fit the padded image: " + this);
        }
    }

    /** Square windows of k with stride s and padding p, counting padding in averages. */
    public static PoolGeometry square(int n, int c, int hw, int k, int s, int p) {
        return new PoolGeometry(n, c, hw, hw, k, k, s, s, p, p, true);
    }

    public int outH() { return ConvGeometry.outSize(h, kh, strideH, padH, 1); }
    public int outW() { return ConvGeometry.outSize(w, kw, strideW, padW, 1); }
    public int inputSize() { return n * c * h * w; }
    public int outputSize() { return n * c * outH() * outW(); }
    int paddedRow() { return w + 2 * padW; }
    int paddedPlane() { return (h + 2 * padH) * paddedRow(); }
}
