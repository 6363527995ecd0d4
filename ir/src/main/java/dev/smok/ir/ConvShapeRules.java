package dev.smok.ir;

import java.util.List;

/**
 * Shape rules of the convolutional ops (NCHW images). Attributes are pairs [h, w]:
 * {@code kernel}, {@code stride}, {@code padding}, {@code dilation}; conv2d also has
 * {@code groups}. Gradient helpers carry the forward input's spatial size as
 * {@code input_size} (or the kernel size as {@code kernel}) because a strided window cannot
 * recover it from the output.
 */
final class ConvShapeRules {
    private ConvShapeRules() {}

    private static Shape image(Op op, List<Value> in, int i) {
        Shape s = in.get(i).shape();
        if (s.rank() != 4) throw ShapeRules.mismatch(op, in, "expects an NCHW image as input " + i);
        return s;
    }

    private static int out(Op op, List<Value> in, int size, int k, int s, int p, int d, String axis) {
        if (k <= 0 || s <= 0 || p < 0 || d <= 0) {
            throw ShapeRules.mismatch(op, in, "kernel, stride and dilation must be positive and padding non-negative");
        }
        int o = ConvArithmetic.outSize(size, k, s, p, d);
        if (o <= 0) {
            throw ShapeRules.mismatch(op, in, "the " + axis + " window of " + k + " taps (dilation " + d
                    + ") does not fit " + size + " + 2x" + p + " padding");
        }
        return o;
    }

    /** conv2d(x [N,C,H,W], w [O, C/groups, kh, kw]) -> [N, O, Ho, Wo]. */
    static Shape conv2d(Op op, List<Value> in, Attrs a) {
        Shape x = image(op, in, 0), w = image(op, in, 1);
        int groups = a.i("groups", 1);
        int[] st = ConvArithmetic.pair(a, "stride", 1), pad = ConvArithmetic.pair(a, "padding", 0);
        int[] dil = ConvArithmetic.pair(a, "dilation", 1);
        if (groups <= 0 || x.dim(1) % groups != 0 || w.dim(0) % groups != 0) {
            throw ShapeRules.mismatch(op, in, "groups=" + groups + " must divide the input and output channels");
        }
        if (w.dim(1) * groups != x.dim(1)) {
            throw ShapeRules.mismatch(op, in, "weight expects " + w.dim(1) * groups + " input channels, image has " + x.dim(1));
        }
        return Shape.of(x.dim(0), w.dim(0),
                out(op, in, x.dim(2), w.dim(2), st[0], pad[0], dil[0], "vertical"),
                out(op, in, x.dim(3), w.dim(3), st[1], pad[1], dil[1], "horizontal"));
    }

    /** conv2d_input_grad(g [N,O,Ho,Wo], w [O,C/groups,kh,kw]) {input_size=[H,W]} -> [N,C,H,W]. */
    static Shape conv2dInputGrad(Op op, List<Value> in, Attrs a) {
        Shape g = image(op, in, 0), w = image(op, in, 1);
        int[] hw = ConvArithmetic.pair(a, "input_size", 1);
        Shape x = Shape.of(g.dim(0), w.dim(1) * a.i("groups", 1), hw[0], hw[1]);
        checkGradient(op, in, a, x, w, g);
        return x;
    }

    /** conv2d_weight_grad(x [N,C,H,W], g [N,O,Ho,Wo]) {kernel=[kh,kw]} -> [O, C/groups, kh, kw]. */
    static Shape conv2dWeightGrad(Op op, List<Value> in, Attrs a) {
        Shape x = image(op, in, 0), g = image(op, in, 1);
        int groups = a.i("groups", 1);
        int[] k = ConvArithmetic.pair(a, "kernel", 1);
        if (x.dim(1) % groups != 0) throw ShapeRules.mismatch(op, in, "groups must divide the input channels");
        Shape w = Shape.of(g.dim(1), x.dim(1) / groups, k[0], k[1]);
        checkGradient(op, in, a, x, w, g);
        return w;
    }

    private static void checkGradient(Op op, List<Value> in, Attrs a, Shape x, Shape w, Shape g) {
        GraphBuilder probe = new GraphBuilder("probe");
        Shape y = Op.CONV2D.inferShape(List.of(probe.input("x", x), probe.input("w", w)), a);
        if (!y.equals(g)) throw ShapeRules.mismatch(op, in, "the output gradient must have the convolution's output shape " + y.pretty());
    }

    /**
     * max_pool / avg_pool(x [N,C,H,W]) {kernel, stride (default kernel), padding, ceil_mode
     * (default false)} -> [N,C,Ho,Wo]; ceil_mode rounds the output size up
     * ({@link ConvArithmetic#poolOutSize}).
     */
    static Shape pool(Op op, List<Value> in, Attrs a) {
        Shape x = image(op, in, 0);
        int[] k = ConvArithmetic.pair(a, "kernel", 1), st = ConvArithmetic.poolStride(a);
        int[] pad = ConvArithmetic.pair(a, "padding", 0);
        if (pad[0] * 2 > k[0] || pad[1] * 2 > k[1]) {
            throw ShapeRules.mismatch(op, in, "padding must be at most half the kernel (a window would see only padding)");
        }
        boolean ceil = ConvArithmetic.ceilMode(a);
        return Shape.of(x.dim(0), x.dim(1),
                poolOut(op, in, x.dim(2), k[0], st[0], pad[0], ceil, "vertical"),
                poolOut(op, in, x.dim(3), k[1], st[1], pad[1], ceil, "horizontal"));
    }

    private static int poolOut(Op op, List<Value> in, int size, int k, int s, int p, boolean ceil, String axis) {
        int o = out(op, in, size, k, s, p, 1, axis); // checks the arguments and that the window fits
        return ceil ? ConvArithmetic.poolOutSize(size, k, s, p, true) : o;
    }

    /** avg_pool_grad(g [N,C,Ho,Wo]) {input_size=[H,W], ...pool attrs} -> [N,C,H,W]. */
    static Shape avgPoolGrad(Op op, List<Value> in, Attrs a) {
        Shape g = image(op, in, 0);
        int[] hw = ConvArithmetic.pair(a, "input_size", 1);
        return Shape.of(g.dim(0), g.dim(1), hw[0], hw[1]);
    }

    /** max_pool_grad(x, g) -> x's shape; g must have the pool's output shape. */
    static Shape maxPoolGrad(Op op, List<Value> in, Attrs a) {
        Shape y = pool(op, in.subList(0, 1), a);
        if (!y.equals(in.get(1).shape())) throw ShapeRules.mismatch(op, in, "the output gradient must have the pool's output shape");
        return in.get(0).shape();
    }

    /** global_avg_pool(x [N,C,H,W]) -> [N,C] (Keras' GlobalAveragePooling2D; flat, ready for dense). */
    static Shape globalPool(Op op, List<Value> in, Attrs a) {
        Shape x = image(op, in, 0);
        return Shape.of(x.dim(0), x.dim(1));
    }

    /** concat(x0, x1, ...) {axis (default 1)}: all dimensions but the axis must agree. */
    static Shape concat(Op op, List<Value> in, Attrs a) {
        if (in.isEmpty()) throw new IrException("concat needs at least one input");
        Shape s0 = in.get(0).shape();
        int axis = s0.normalizeAxes(new int[] {a.i("axis", 1)})[0];
        int total = 0;
        for (Value v : in) {
            Shape s = v.shape();
            if (s.rank() != s0.rank()) throw ShapeRules.mismatch(op, in, "inputs must have the same rank");
            for (int d = 0; d < s.rank(); d++) {
                if (d != axis && s.dim(d) != s0.dim(d)) throw ShapeRules.mismatch(op, in, "inputs differ outside axis " + axis);
            }
            total += s.dim(axis);
        }
        return s0.with(axis, total);
    }

    /** dropout(x, step [1]) -> x's shape. */
    static Shape dropout(Op op, List<Value> in, Attrs a) {
        if (!in.get(1).shape().equals(Shape.of(1))) throw ShapeRules.mismatch(op, in, "the step counter must have shape [1]");
        float p = a.f("p");
        if (!(p >= 0 && p < 1)) throw ShapeRules.mismatch(op, in, "drop probability " + p + " must be in [0, 1)");
        return in.get(0).shape();
    }

    /** batch_norm(x, gamma, beta[, mean, var]): one entry per channel (axis 1) in every other input. */
    static Shape batchNorm(Op op, List<Value> in, Attrs a) {
        Shape x = in.get(0).shape();
        if (x.rank() < 2) throw ShapeRules.mismatch(op, in, "expects [N,C,...]");
        for (int i = 1; i < in.size(); i++) {
            if (!in.get(i).shape().equals(Shape.of(x.dim(1)))) throw ShapeRules.mismatch(op, in, "per-channel inputs must have shape [C]");
        }
        return x;
    }

    /** batch_norm_input_grad(x, gamma, g) -> x's shape. */
    static Shape batchNormInputGrad(Op op, List<Value> in, Attrs a) {
        batchNorm(op, in.subList(0, 2), a);
        if (!in.get(2).shape().equals(in.get(0).shape())) throw ShapeRules.mismatch(op, in, "gradient must have x's shape");
        return in.get(0).shape();
    }

    /** batch_norm_gamma_grad(x, g) -> [C]. */
    static Shape batchNormGammaGrad(Op op, List<Value> in, Attrs a) {
        Shape x = in.get(0).shape();
        if (x.rank() < 2 || !in.get(1).shape().equals(x)) throw ShapeRules.mismatch(op, in, "expects x [N,C,...] and a gradient of its shape");
        return Shape.of(x.dim(1));
    }

    /** lrn(x [N,C,...]) {size, alpha, beta, k}. */
    static Shape lrn(Op op, List<Value> in, Attrs a) {
        Shape x = in.get(0).shape();
        if (x.rank() < 2 || a.i("size") <= 0) throw ShapeRules.mismatch(op, in, "expects [N,C,...] and a positive size");
        return x;
    }

    /** lrn_grad(x, g) -> x's shape. */
    static Shape lrnGrad(Op op, List<Value> in, Attrs a) {
        if (!in.get(0).shape().equals(in.get(1).shape())) throw ShapeRules.mismatch(op, in, "gradient must have x's shape");
        return in.get(0).shape();
    }
}
