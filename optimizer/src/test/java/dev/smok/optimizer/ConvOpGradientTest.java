package dev.smok.optimizer;

import static dev.smok.optimizer.OpGradientTest.check;

import dev.smok.ir.Attrs;
import dev.smok.ir.Graph;
import dev.smok.ir.GraphBuilder;
import dev.smok.ir.Op;
import dev.smok.ir.Shape;
import dev.smok.ir.Value;

import org.junit.jupiter.api.Test;

/**
 * Gradient checks of the convolutional ops against finite differences, on the awkward shapes
 * that break index arithmetic: stride 2 with padding, kernels larger than the stride, channel
 * counts that are not multiples of 16, batch 1, groups, dilation and non-square windows.
 */
class ConvOpGradientTest {
    private static Attrs conv(int[] stride, int[] pad, int[] dil, int groups) {
        return Attrs.of("stride", stride, "padding", pad, "dilation", dil, "groups", groups);
    }

    private static int[] p(int h, int w) { return new int[] {h, w}; }

    @Test void conv2d() {
        Object[][] cases = {
            // x shape, w shape, attrs
            {Shape.of(2, 3, 7, 6), Shape.of(4, 3, 3, 3), conv(p(2, 2), p(1, 1), p(1, 1), 1)},   // stride 2 + padding
            {Shape.of(1, 2, 9, 8), Shape.of(3, 2, 5, 5), conv(p(2, 2), p(2, 2), p(1, 1), 1)},   // kernel > stride, batch 1
            {Shape.of(2, 17, 4, 5), Shape.of(5, 17, 3, 2), conv(p(1, 2), p(1, 0), p(1, 1), 1)}, // 17 channels, 3x2 kernel
            {Shape.of(1, 4, 7, 7), Shape.of(6, 2, 3, 3), conv(p(1, 1), p(2, 2), p(2, 2), 2)},   // groups 2, dilation 2
            {Shape.of(2, 6, 5, 5), Shape.of(6, 1, 3, 3), conv(p(2, 1), p(1, 1), p(1, 1), 6)},   // depthwise
            {Shape.of(2, 5, 4, 4), Shape.of(7, 5, 1, 1), conv(p(1, 1), p(0, 0), p(1, 1), 1)},   // 1x1
        };
        for (Object[] c : cases) {
            Attrs a = (Attrs) c[2];
            check("conv2d" + a, (b, ps) -> b.op(Op.CONV2D, a, ps[0], ps[1]), (Shape) c[0], (Shape) c[1]);
        }
    }

    @Test void pools() {
        Attrs[] attrs = {
            Attrs.of("kernel", p(2, 2)),
            Attrs.of("kernel", p(3, 3), "stride", p(2, 2), "padding", p(1, 1)),
            Attrs.of("kernel", p(3, 2), "stride", p(1, 2), "padding", p(1, 0)),
            Attrs.of("kernel", p(3, 3), "stride", p(2, 2), "padding", p(1, 1), "count_include_pad", false),
            // ceil_mode: windows hanging over the right/bottom edge (6 wide: 3 columns, not 2)
            Attrs.of("kernel", p(3, 3), "stride", p(2, 2), "ceil_mode", true),
            Attrs.of("kernel", p(3, 3), "stride", p(2, 2), "padding", p(1, 1), "ceil_mode", true),
            Attrs.of("kernel", p(2, 2), "stride", p(2, 2), "padding", p(1, 1), "ceil_mode", true, "count_include_pad", false),
        };
        for (Attrs a : attrs) {
            check("max_pool" + a, (b, ps) -> b.op(Op.MAX_POOL, a, ps[0]), Shape.of(2, 3, 7, 6));
            check("avg_pool" + a, (b, ps) -> b.op(Op.AVG_POOL, a, ps[0]), Shape.of(1, 17, 5, 5));
        }
        check("global_avg_pool", (b, ps) -> b.op(Op.GLOBAL_AVG_POOL, ps[0]), Shape.of(2, 3, 4, 5));
    }

    @Test void concatAlongChannelsAndOtherAxes() {
        check("concat", (b, ps) -> b.op(Op.CONCAT, ps[0], ps[1], ps[2]), Shape.of(2, 3, 2, 2), Shape.of(2, 1, 2, 2), Shape.of(2, 5, 2, 2));
        check("concat_axis3", (b, ps) -> b.op(Op.CONCAT, Attrs.of("axis", 3), ps[0], ps[1]), Shape.of(2, 3, 2, 2), Shape.of(2, 3, 2, 4));
        check("concat_shared", (b, ps) -> b.op(Op.CONCAT, ps[0], b.relu(ps[0])), Shape.of(1, 2, 3, 3));
    }

    @Test void dropoutIsLinearInItsMask() {
        GraphBuilder b = new GraphBuilder("dropout");
        Value x = b.param("x", Shape.of(3, 7, 2, 2));
        Value step = b.state("step", Shape.of(1));
        Value y = b.op(Op.DROPOUT, Attrs.of("p", 0.3f, "seed", 42), x, step);
        b.output("loss", b.reduceSum(b.mul(y, b.input("w", y.shape())), false, 0, 1, 2, 3));
        Graph g = b.build();
        GradCheck.check(g, GradCheck.randomInputs(g, 5, 3), 100);
    }

    @Test void batchNormTraining() {
        Attrs eps = Attrs.of("eps", 1e-5f);
        check("batch_norm_train", (b, ps) -> b.op(Op.BATCH_NORM_TRAIN, eps, ps[0], ps[1], ps[2]),
                Shape.of(3, 5, 3, 2), Shape.of(5), Shape.of(5));
        check("batch_norm_train_batch1", (b, ps) -> b.op(Op.BATCH_NORM_TRAIN, eps, ps[0], ps[1], ps[2]),
                Shape.of(1, 17, 3, 3), Shape.of(17), Shape.of(17));
        check("batch_norm_train_dense", (b, ps) -> b.op(Op.BATCH_NORM_TRAIN, eps, ps[0], ps[1], ps[2]),
                Shape.of(4, 3), Shape.of(3), Shape.of(3));
        // downstream of a convolution, so the normalized input itself depends on a parameter
        check("conv_bn", (b, ps) -> b.relu(b.op(Op.BATCH_NORM_TRAIN, eps,
                b.op(Op.CONV2D, Attrs.of("padding", p(1, 1)), ps[0], ps[1]), ps[2], ps[3])),
                Shape.of(2, 3, 4, 4), Shape.of(4, 3, 3, 3), Shape.of(4), Shape.of(4));
    }

    @Test void batchNormInference() {
        GraphBuilder b = new GraphBuilder("batch_norm");
        Value x = b.param("x", Shape.of(2, 3, 2, 3));
        Value gamma = b.param("gamma", Shape.of(3)), beta = b.param("beta", Shape.of(3));
        Value mean = b.state("mean", Shape.of(3));
        Value var = b.op(Op.EXP, b.state("log_var", Shape.of(3)));
        Value y = b.op(Op.BATCH_NORM, Attrs.of("eps", 1e-3f), x, gamma, beta, mean, var);
        b.output("loss", b.reduceSum(b.mul(y, b.input("w", y.shape())), false, 0, 1, 2, 3));
        Graph g = b.build();
        GradCheck.check(g, GradCheck.randomInputs(g, 9, 3), 100);
    }

    @Test void localResponseNormalization() {
        for (int size : new int[] {1, 3, 4, 5}) {
            Attrs a = Attrs.of("size", size, "alpha", 0.3f, "beta", 0.75f, "k", 2f);
            check("lrn" + size, (b, ps) -> b.op(Op.LRN, a, ps[0]), Shape.of(2, 7, 2, 3));
        }
    }
}
