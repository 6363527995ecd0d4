package dev.smok.frontend;

import dev.smok.ir.Attrs;
import dev.smok.ir.ConvArithmetic;
import dev.smok.ir.Op;
import dev.smok.ir.Shape;
import dev.smok.ir.Value;

import java.util.List;

/**
 * Max or average pooling over square windows of C×H×W samples. The stride defaults to the
 * window; padding is at most half the window. Average pooling divides by the full window even
 * where it overlaps the padding (PyTorch's count_include_pad=True). With {@code ceilMode} the
 * output size rounds up (PyTorch's {@code ceil_mode=True}): a last window that would cover only
 * part of the image still counts, as long as it starts inside the image or its left/top padding.
 */
public final class Pool2d extends Layer {
    /** Which reduction each window computes. */
    public enum Kind { MAX, AVG }

    final Kind kind;
    final int kernel, stride, padding;
    boolean ceilMode;

    public Pool2d(Kind kind, int kernel, int stride, int padding) {
        if (kernel <= 0 || stride <= 0 || padding < 0) {
            throw new NetworkException("pooling needs a positive window and stride and non-negative padding, got " + kernel + "/" + stride + "/" + padding);
        }
        this.kind = kind;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    @Override public String type() { return kind == Kind.MAX ? "MaxPool2d" : "AvgPool2d"; }

    @Override public Shape outputShape(List<Shape> in, List<String> from) {
        Shape x = Images.requireImage(this, in.get(0), from.get(0));
        if (2 * padding > kernel) throw error("has padding " + padding + " larger than half its window " + kernel + "; reduce the padding");
        int h = ConvArithmetic.poolOutSize(x.dim(1), kernel, stride, padding, ceilMode);
        int w = ConvArithmetic.poolOutSize(x.dim(2), kernel, stride, padding, ceilMode);
        if (h <= 0 || w <= 0) {
            throw error("window " + kernel + "x" + kernel + " does not fit '" + from.get(0) + "' output " + x.pretty() + "; use a smaller window or remove an earlier pooling layer");
        }
        return Shape.of(x.dim(0), h, w);
    }

    @Override public long macs(List<Shape> in, Shape out) { return 0; }

    @Override public Value lower(Lowering ctx, List<Value> in) {
        Attrs a = Attrs.of("kernel", new int[] {kernel, kernel}, "stride", new int[] {stride, stride}, "padding", new int[] {padding, padding});
        if (ceilMode) a = a.with("ceil_mode", true);
        return ctx.b().op(kind == Kind.MAX ? Op.MAX_POOL : Op.AVG_POOL, a, in.get(0));
    }
}
