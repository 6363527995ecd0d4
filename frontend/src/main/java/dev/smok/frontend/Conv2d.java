package dev.smok.frontend;

import dev.smok.ir.Attrs;
import dev.smok.ir.ConvArithmetic;
import dev.smok.ir.Op;
import dev.smok.ir.Shape;
import dev.smok.ir.Value;

import java.util.ArrayList;
import java.util.List;

/**
 * 2-D convolution over C×H×W samples: weight [filters, C/groups, kh, kw] (PyTorch's layout),
 * optional bias per filter, lowered to conv2d followed by bias_add. Output size per axis is
 * floor((in + 2·padding − dilation·(kernel − 1) − 1) / stride) + 1.
 *
 * <pre>{@code
 * net.conv2d(64, 3, Conv2d.with().padding(1).stride(2));
 * }</pre>
 */
public final class Conv2d extends Layer {
    /** Convolution options; start with {@link Conv2d#with()}. Defaults: stride 1, padding 0, dilation 1, groups 1, bias on. */
    public static final class Options {
        int strideH = 1, strideW = 1, padH, padW, dilationH = 1, dilationW = 1, groups = 1;
        boolean bias = true;

        public Options stride(int s) { return stride(s, s); }
        public Options stride(int h, int w) { strideH = h; strideW = w; return this; }
        public Options padding(int p) { return padding(p, p); }
        public Options padding(int h, int w) { padH = h; padW = w; return this; }
        public Options dilation(int d) { dilationH = d; dilationW = d; return this; }
        public Options groups(int g) { groups = g; return this; }
        public Options bias(boolean on) { bias = on; return this; }
    }

    /** Fresh options with the defaults. */
    public static Options with() { return new Options(); }

    final int filters, kernelH, kernelW;
    final Options o;
    Init weightInit = Init.he();

    public Conv2d(int filters, int kernelH, int kernelW, Options options) {
        if (filters <= 0 || kernelH <= 0 || kernelW <= 0) {
            throw new NetworkException("conv2d needs positive filters and kernel size, got " + filters + " filters of " + kernelH + "x" + kernelW);
        }
        Options op = options == null ? with() : options;
        if (op.strideH <= 0 || op.strideW <= 0 || op.dilationH <= 0 || op.dilationW <= 0 || op.padH < 0 || op.padW < 0 || op.groups <= 0) {
            throw new NetworkException("conv2d needs positive stride, dilation and groups and non-negative padding");
        }
        this.filters = filters;
        this.kernelH = kernelH;
        this.kernelW = kernelW;
        this.o = op;
    }

    public Conv2d(int filters, int kernel) { this(filters, kernel, kernel, null); }

    @Override public String type() { return "Conv2d"; }
    @Override public void setBias(boolean on) { o.bias = on; }
    @Override public void setInit(Init init) { weightInit = init; }

    @Override public Shape outputShape(List<Shape> in, List<String> from) {
        Shape x = Images.requireImage(this, in.get(0), from.get(0));
        if (x.dim(0) % o.groups != 0 || filters % o.groups != 0) {
            throw error("has groups=" + o.groups + " but '" + from.get(0) + "' gives " + x.dim(0) + " channels and it has "
                    + filters + " filters; groups must divide both");
        }
        int h = ConvArithmetic.outSize(x.dim(1), kernelH, o.strideH, o.padH, o.dilationH);
        int w = ConvArithmetic.outSize(x.dim(2), kernelW, o.strideW, o.padW, o.dilationW);
        if (h <= 0 || w <= 0) {
            throw error("kernel " + kernelH + "x" + kernelW + " (dilation " + o.dilationH + ") does not fit '" + from.get(0) + "' output "
                    + x.pretty() + " with padding " + o.padH + "x" + o.padW + "; add padding or use a smaller kernel");
        }
        return Shape.of(filters, h, w);
    }

    private Shape weightShape(Shape x) { return Shape.of(filters, x.dim(0) / o.groups, kernelH, kernelW); }

    @Override public List<ParamSpec> params(List<Shape> in) {
        Shape w = weightShape(in.get(0));
        int fanIn = w.size(1, 4), fanOut = filters / o.groups * kernelH * kernelW;
        List<ParamSpec> p = new ArrayList<>();
        p.add(new ParamSpec(name + ".weight", w, weightInit, fanIn, fanOut));
        if (o.bias) p.add(new ParamSpec(name + ".bias", Shape.of(filters), Init.zeros(), fanIn, fanOut));
        return p;
    }

    @Override public long macs(List<Shape> in, Shape out) { return (long) out.size() * weightShape(in.get(0)).size(1, 4); }

    Attrs attrs() {
        return Attrs.of("stride", new int[] {o.strideH, o.strideW}, "padding", new int[] {o.padH, o.padW},
                "dilation", new int[] {o.dilationH, o.dilationW}, "groups", o.groups);
    }

    @Override public Value lower(Lowering ctx, List<Value> in) {
        Value y = ctx.b().op(Op.CONV2D, attrs(), in.get(0), ctx.param(name + ".weight"));
        return o.bias ? ctx.b().biasAdd(y, ctx.param(name + ".bias")) : y;
    }
}
