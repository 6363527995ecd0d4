package dev.smok.ir.interp;

import dev.smok.ir.Attrs;
import dev.smok.ir.Graph;
import dev.smok.ir.Input;
import dev.smok.ir.IrException;
import dev.smok.ir.Node;
import dev.smok.ir.Shape;
import dev.smok.ir.Value;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The reference interpreter: executes a graph node by node in plain Java, in float64, with
 * clarity over speed. It defines what every op means and is the oracle every backend is tested
 * against (float64 also makes it a precise base for finite-difference gradient checks).
 */
public final class Interpreter {
    private Interpreter() {}

    /** Outputs and updates of one run. */
    public record Result(Map<String, double[]> outputs, Map<String, double[]> updates) {}

    /**
     * Runs {@code g} once. {@code inputs} holds every graph input (data, params and states) by
     * name, row-major, with the input's element count.
     */
    public static Result run(Graph g, Map<String, double[]> inputs) {
        Map<Value, double[]> env = new IdentityHashMap<>();
        for (Input in : g.inputs()) {
            double[] v = inputs.get(in.name());
            if (v == null) throw new IllegalArgumentException("missing input '" + in.name() + "'");
            if (v.length != in.shape().size()) {
                throw new IllegalArgumentException("input '" + in.name() + "' has " + v.length + " values, shape " + in.shape().pretty() + " needs " + in.shape().size());
            }
            env.put(in.value(), v);
        }
        for (Node n : g.nodes()) env.put(n.out(), eval(n, env));
        Map<String, double[]> outs = new LinkedHashMap<>();
        g.outputs().forEach((k, v) -> outs.put(k, env.get(v)));
        Map<String, double[]> ups = new LinkedHashMap<>();
        g.updates().forEach((k, v) -> ups.put(k, env.get(v)));
        return new Result(outs, ups);
    }

    static double[] eval(Node n, Map<Value, double[]> env) {
        double[][] in = new double[n.inputs().size()][];
        for (int i = 0; i < in.length; i++) in[i] = env.get(n.in(i));
        Attrs a = n.attrs();
        Shape os = n.out().shape();
        int size = os.size();
        return switch (n.op()) {
            case CONSTANT -> { double[] r = new double[size]; java.util.Arrays.fill(r, a.f("value")); yield r; }
            case IDENTITY -> in[0].clone();
            case NEG -> map(in[0], x -> -x);
            case EXP -> map(in[0], Math::exp);
            case LOG -> map(in[0], Math::log);
            case SQRT -> map(in[0], Math::sqrt);
            case SCALE -> { double al = a.f("alpha"), be = a.f("beta", 0f); yield map(in[0], x -> al * x + be); }
            case SIGMOID -> map(in[0], x -> 1 / (1 + Math.exp(-x)));
            case TANH -> map(in[0], Math::tanh);
            case RELU -> map(in[0], x -> x > 0 ? x : 0);
            case ADD -> Kernels.broadcast(n, in[0], in[1], Double::sum);
            case SUB -> Kernels.broadcast(n, in[0], in[1], (x, y) -> x - y);
            case MUL -> Kernels.broadcast(n, in[0], in[1], (x, y) -> x * y);
            case DIV -> Kernels.broadcast(n, in[0], in[1], (x, y) -> x / y);
            case BROADCAST_TO -> Kernels.broadcast(n, in[0], new double[] {0}, Double::sum);
            case BIAS_ADD -> Kernels.biasAdd(os, in[0], in[1]);
            case MATMUL -> Kernels.matmul(n, in[0], in[1]);
            case SOFTMAX -> Kernels.softmax(os, in[0], false);
            case LOG_SOFTMAX -> Kernels.softmax(os, in[0], true);
            case REDUCE_SUM -> Kernels.reduce(n, in[0], 0);
            case REDUCE_MEAN -> Kernels.reduce(n, in[0], 1);
            case REDUCE_MAX -> Kernels.reduce(n, in[0], 2);
            case RESHAPE -> in[0].clone();
            case TRANSPOSE -> Kernels.transpose(n, in[0]);
            case ONE_HOT -> Kernels.oneHot(os, in[0]);
            case MSE_LOSS -> new double[] {Kernels.mse(in[0], in[1])};
            case BCE_LOSS -> new double[] {Kernels.bce(in[0], in[1])};
            case SOFTMAX_XENT -> new double[] {Kernels.softmaxXent(n.in(0).shape(), in[0], in[1])};
            case RELU_GRAD -> zip(in[0], in[1], (y, g) -> y > 0 ? g : 0);
            case SIGMOID_GRAD -> zip(in[0], in[1], (y, g) -> g * y * (1 - y));
            case TANH_GRAD -> zip(in[0], in[1], (y, g) -> g * (1 - y * y));
            case SOFTMAX_GRAD -> Kernels.softmaxGrad(os, in[0], in[1], false);
            case LOG_SOFTMAX_GRAD -> Kernels.softmaxGrad(os, in[0], in[1], true);
            case REDUCE_MAX_GRAD -> Kernels.reduceMaxGrad(n, in[0], in[1], in[2]);
            case MSE_GRAD -> { double s = 2 * in[2][0] / size; yield zip(in[0], in[1], (p, t) -> s * (p - t)); }
            case BCE_GRAD -> { double s = in[2][0] / size; yield zip(in[0], in[1], (p, t) -> {
                double q = Kernels.clampProbability(p);
                return s * (q - t) / (q * (1 - q));
            }); }
            case SOFTMAX_XENT_GRAD -> Kernels.softmaxXentGrad(os, in[0], in[1], in[2][0]);
            case SGD_UPDATE -> { double lr = a.f("lr"), wd = a.f("weight_decay", 0f);
                yield zip(in[0], in[1], (p, g) -> p - lr * (g + wd * p)); }
            case MOMENTUM_VELOCITY -> { double mu = a.f("momentum"); yield zip(in[0], in[1], (v, g) -> mu * v + g); }
            case ADAM_MOMENT -> { double b = a.f("beta"); yield zip(in[0], in[1], (m, g) -> b * m + (1 - b) * g); }
            case ADAM_VELOCITY -> { double b = a.f("beta"); yield zip(in[0], in[1], (v, g) -> b * v + (1 - b) * g * g); }
            case ADAM_UPDATE -> Kernels.adam(a, in[0], in[1], in[2], in[3][0]);
            case CTC_LOSS -> new double[] {Ctc.loss(n.in(0).shape(), in[0], n.in(1).shape(), in[1], null, 0)};
            case CTC_GRAD -> {
                double[] grad = new double[size];
                Ctc.loss(n.in(0).shape(), in[0], n.in(1).shape(), in[1], grad, in[2][0]);
                yield grad;
            }
            case CONV2D -> ConvKernels.conv2d(n, in[0], in[1]);
            case CONV2D_INPUT_GRAD -> ConvKernels.conv2dInputGrad(n, in[0], in[1]);
            case CONV2D_WEIGHT_GRAD -> ConvKernels.conv2dWeightGrad(n, in[0], in[1]);
            case MAX_POOL -> ConvKernels.maxPool(n, in[0]);
            case MAX_POOL_GRAD -> ConvKernels.maxPoolGrad(n, in[0], in[1]);
            case AVG_POOL -> ConvKernels.avgPool(n, in[0]);
            case AVG_POOL_GRAD -> ConvKernels.avgPoolGrad(n, in[0]);
            case GLOBAL_AVG_POOL -> ConvKernels.globalAvgPool(n, in[0]);
            case CONCAT -> ConvKernels.concat(n, in);
            case DROPOUT -> NormKernels.dropout(n, in[0], in[1][0]);
            case BATCH_NORM -> NormKernels.batchNorm(n, in[0], in[1], in[2], in[3], in[4]);
            case BATCH_NORM_TRAIN -> NormKernels.batchNormTrain(n, in[0], in[1], in[2]);
            case BATCH_NORM_INPUT_GRAD -> NormKernels.batchNormInputGrad(n, in[0], in[1], in[2]);
            case BATCH_NORM_GAMMA_GRAD -> NormKernels.batchNormGammaGrad(n, in[0], in[1]);
            case LRN -> NormKernels.lrn(n, in[0]);
            case LRN_GRAD -> NormKernels.lrnGrad(n, in[0], in[1]);
            case SLICE -> ScanKernel.slice(n, in[0]);
            case PAD -> ScanKernel.pad(n, in[0]);
            case SCAN -> ScanKernel.scan(n, in);
            default -> throw new IrException("the interpreter has no kernel for " + n.op().text());
        };
    }

    private static double[] map(double[] x, java.util.function.DoubleUnaryOperator f) {
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) r[i] = f.applyAsDouble(x[i]);
        return r;
    }

    private static double[] zip(double[] x, double[] y, java.util.function.DoubleBinaryOperator f) {
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) r[i] = f.applyAsDouble(x[i], y[i]);
        return r;
    }
}
