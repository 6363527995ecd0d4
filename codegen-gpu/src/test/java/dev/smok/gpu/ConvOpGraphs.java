package dev.smok.gpu;

import dev.smok.ir.Attrs;
import dev.smok.ir.GraphBuilder;
import dev.smok.ir.Op;
import dev.smok.ir.Shape;
import dev.smok.ir.Value;

import java.util.ArrayList;
import java.util.List;

/**
 * Per-op graphs of the convolutional ops (see {@link OpGraphs}): each op at ragged image sizes,
 * with stride, padding, dilation and groups, narrow and wide channel counts (the narrow and
 * square GEMM tilings), and a weight gradient long enough to be split over work-groups.
 */
final class ConvOpGraphs {
    private ConvOpGraphs() {}

    /** One convolution case: image [n,c,h,w], weight [o,c/groups,k,k], and its attributes. */
    private record Conv(int n, int c, int h, int w, int o, int k, int stride, int pad, int dil, int groups) {
        Shape x() { return Shape.of(n, c, h, w); }
        Shape weight() { return Shape.of(o, c / groups, k, k); }
        Attrs attrs() {
            return Attrs.of("stride", new int[] {stride, stride}, "padding", new int[] {pad, pad},
                    "dilation", new int[] {dil, dil}, "groups", groups);
        }
    }

    private static final Conv[] CONVS = {
        new Conv(2, 1, 12, 12, 6, 5, 1, 2, 1, 1),     // LeNet's first layer, 8-row tiles
        new Conv(2, 3, 9, 7, 5, 3, 2, 1, 1, 1),       // stride 2, ragged
        new Conv(1, 4, 11, 10, 17, 3, 1, 1, 2, 1),    // dilation, 64-row tiles
        new Conv(2, 4, 7, 9, 6, 3, 2, 0, 1, 2),       // groups
        new Conv(3, 6, 14, 14, 16, 5, 1, 0, 1, 1),    // LeNet's second layer, 16-row tiles, split-K weight gradient
    };

    static List<OpGraphs.Case> all() {
        List<OpGraphs.Case> cases = new ArrayList<>();
        cases.add(convs(Op.CONV2D, "op_conv2d", (b, c, k) -> {
            Value y = b.op(Op.CONV2D, c.attrs(), b.input("x" + k, c.x()), b.input("w" + k, c.weight()));
            // every other case with the bias and relu fused into the GEMM's store
            return k % 2 == 0 ? y : b.relu(b.biasAdd(y, b.input("b" + k, Shape.of(c.o()))));
        }));
        cases.add(convs(Op.CONV2D_INPUT_GRAD, "op_conv2d_input_grad", (b, c, k) -> {
            Shape y = outShape(c);
            Attrs a = c.attrs().with("input_size", new int[] {c.h(), c.w()});
            return b.op(Op.CONV2D_INPUT_GRAD, a, b.input("g" + k, y), b.input("w" + k, c.weight()));
        }));
        cases.add(convs(Op.CONV2D_WEIGHT_GRAD, "op_conv2d_weight_grad", (b, c, k) -> {
            Attrs a = c.attrs().with("kernel", new int[] {c.k(), c.k()});
            return b.op(Op.CONV2D_WEIGHT_GRAD, a, b.input("x" + k, c.x()), b.input("g" + k, outShape(c)));
        }));
        Attrs[] pools = {
            Attrs.of("kernel", new int[] {2, 2}),
            Attrs.of("kernel", new int[] {3, 3}, "stride", new int[] {2, 2}, "padding", new int[] {1, 1}),
            Attrs.of("kernel", new int[] {3, 2}, "stride", new int[] {1, 2}, "padding", new int[] {1, 0}, "count_include_pad", false),
        };
        Shape[] images = {Shape.of(2, 3, 8, 8), Shape.of(2, 3, 7, 9), Shape.of(1, 2, 5, 7)};
        for (Op op : List.of(Op.MAX_POOL, Op.AVG_POOL)) {
            cases.add(pools(op, pools, images, (b, a, s, k) -> b.op(op, a, b.input("x" + k, s))));
        }
        cases.add(pools(Op.MAX_POOL_GRAD, pools, images, (b, a, s, k) -> {
            Value x = b.input("x" + k, s);
            // ties as after a relu: the gradient goes to the first maximum of each window
            Value xr = k == 0 ? b.relu(x) : x;
            return b.op(Op.MAX_POOL_GRAD, a, xr, b.input("g" + k, poolShape(a, s)));
        }));
        cases.add(pools(Op.AVG_POOL_GRAD, pools, images, (b, a, s, k) -> {
            return b.op(Op.AVG_POOL_GRAD, a.with("input_size", new int[] {s.dim(2), s.dim(3)}), b.input("g" + k, poolShape(a, s)));
        }));
        Shape[] bnShapes = {Shape.of(3, 5, 4, 7), Shape.of(7, 9), Shape.of(2, 3, 17, 19)};
        Attrs eps = Attrs.of("eps", 1e-5f);
        cases.add(norms(Op.BATCH_NORM, bnShapes, (b, s, k) -> b.op(Op.BATCH_NORM, eps, b.input("x" + k, s), perChannel(b, "gamma", k, s),
                perChannel(b, "beta", k, s), perChannel(b, "mean", k, s), perChannel(b, "pos_var", k, s))));
        cases.add(norms(Op.BATCH_NORM_TRAIN, bnShapes, (b, s, k) -> b.op(Op.BATCH_NORM_TRAIN, eps, b.input("x" + k, s),
                perChannel(b, "gamma", k, s), perChannel(b, "beta", k, s))));
        cases.add(norms(Op.BATCH_NORM_INPUT_GRAD, bnShapes, (b, s, k) -> b.op(Op.BATCH_NORM_INPUT_GRAD, eps, b.input("x" + k, s),
                perChannel(b, "gamma", k, s), b.input("g" + k, s))));
        cases.add(norms(Op.BATCH_NORM_GAMMA_GRAD, bnShapes, (b, s, k) -> b.op(Op.BATCH_NORM_GAMMA_GRAD, eps, b.input("x" + k, s),
                b.input("g" + k, s))));
        Shape[] dropShapes = {Shape.of(2, 3, 5, 7), Shape.of(63), Shape.of(7, 130)};
        cases.add(norms(Op.DROPOUT, dropShapes, (b, s, k) -> b.op(Op.DROPOUT, Attrs.of("p", k == 1 ? 0.5f : 0.25f, "seed", 17 + k),
                b.input("x" + k, s), b.input("step" + k, Shape.of(1)))));
        return cases;
    }

    private static Shape outShape(Conv c) {
        GraphBuilder probe = new GraphBuilder("probe");
        return probe.op(Op.CONV2D, c.attrs(), probe.input("x", c.x()), probe.input("w", c.weight())).shape();
    }

    private static Shape poolShape(Attrs a, Shape x) {
        GraphBuilder probe = new GraphBuilder("probe");
        return probe.op(Op.MAX_POOL, a, probe.input("x", x)).shape();
    }

    private static Value perChannel(GraphBuilder b, String name, int k, Shape s) { return b.input(name + k, Shape.of(s.dim(1))); }

    private interface ConvCase { Value apply(GraphBuilder b, Conv c, int k); }
    private interface PoolCase { Value apply(GraphBuilder b, Attrs a, Shape s, int k); }

    private static OpGraphs.Case convs(Op op, String name, ConvCase f) {
        GraphBuilder b = new GraphBuilder(name);
        for (int k = 0; k < CONVS.length; k++) b.output("o" + k, f.apply(b, CONVS[k], k));
        return new OpGraphs.Case(op, b.build());
    }

    private static OpGraphs.Case pools(Op op, Attrs[] attrs, Shape[] images, PoolCase f) {
        GraphBuilder b = new GraphBuilder("op_" + op.text());
        for (int k = 0; k < attrs.length; k++) b.output("o" + k, f.apply(b, attrs[k], images[k], k));
        return new OpGraphs.Case(op, b.build());
    }

    private static OpGraphs.Case norms(Op op, Shape[] shapes, OpGraphs.ShapeCase f) {
        GraphBuilder b = new GraphBuilder("op_" + op.text());
        for (int k = 0; k < shapes.length; k++) b.output("o" + k, f.apply(b, shapes[k], k));
        return new OpGraphs.Case(op, b.build());
    }
}
