package dev.smok.ir;

import static dev.smok.ir.FusionKind.*;

import java.util.List;

/**
 * Every operation Smok knows, in one place. Each op has its IR name, its arity (-1: variadic),
 * its {@link FusionKind}, its shape rule ({@link ShapeRules}) and its derivative rule
 * ({@link Derivatives}; ops used only by backward passes or updates have none).
 * Semantics are defined by the reference interpreter.
 */
public enum Op {
    // ---- sources
    CONSTANT("constant", 0, ELEMENTWISE, ShapeRules::fromShapeAttr, Derivatives::none),

    // ---- elementwise unary
    IDENTITY("identity", 1, ELEMENTWISE, ShapeRules::same, Derivatives::identity),
    NEG("neg", 1, ELEMENTWISE, ShapeRules::same, Derivatives::neg),
    EXP("exp", 1, ELEMENTWISE, ShapeRules::same, Derivatives::exp),
    LOG("log", 1, ELEMENTWISE, ShapeRules::same, Derivatives::log),
    SQRT("sqrt", 1, ELEMENTWISE, ShapeRules::same, Derivatives::sqrt),
    /** alpha * x + beta. */
    SCALE("scale", 1, ELEMENTWISE, ShapeRules::same, Derivatives::scale),
    SIGMOID("sigmoid", 1, ELEMENTWISE, ShapeRules::same, Derivatives::sigmoid),
    TANH("tanh", 1, ELEMENTWISE, ShapeRules::same, Derivatives::tanh),
    RELU("relu", 1, ELEMENTWISE, ShapeRules::same, Derivatives::relu),

    // ---- elementwise binary with numpy broadcasting
    ADD("add", 2, BROADCAST, ShapeRules::broadcast, Derivatives::add),
    SUB("sub", 2, BROADCAST, ShapeRules::broadcast, Derivatives::sub),
    MUL("mul", 2, BROADCAST, ShapeRules::broadcast, Derivatives::mul),
    DIV("div", 2, BROADCAST, ShapeRules::broadcast, Derivatives::div),
    /** x + b where b has one entry per index of axis 1 (features of [N,F], channels of NCHW). */
    BIAS_ADD("bias_add", 2, BROADCAST, ShapeRules::biasAdd, Derivatives::biasAdd),
    BROADCAST_TO("broadcast_to", 1, BROADCAST, ShapeRules::broadcastTo, Derivatives::broadcastTo),

    // ---- producers
    /** 2-D matrix product of op(a)·op(b), op transposing when trans_a / trans_b are set. */
    MATMUL("matmul", 2, OUT_ELEMENTWISE_FUSABLE, ShapeRules::matmul, Derivatives::matmul),

    // ---- reductions and normalizations
    SOFTMAX("softmax", 1, REDUCTION, ShapeRules::same, Derivatives::softmax),
    LOG_SOFTMAX("log_softmax", 1, REDUCTION, ShapeRules::same, Derivatives::logSoftmax),
    REDUCE_SUM("reduce_sum", 1, REDUCTION, ShapeRules::reduce, Derivatives::reduceSum),
    REDUCE_MEAN("reduce_mean", 1, REDUCTION, ShapeRules::reduce, Derivatives::reduceMean),
    REDUCE_MAX("reduce_max", 1, REDUCTION, ShapeRules::reduce, Derivatives::reduceMax),

    // ---- layout
    RESHAPE("reshape", 1, INJECTIVE, ShapeRules::reshape, Derivatives::reshape),
    TRANSPOSE("transpose", 1, INJECTIVE, ShapeRules::transpose, Derivatives::transpose),
    /** Integer labels [N] to one-hot rows [N, classes]. */
    ONE_HOT("one_hot", 1, INJECTIVE, ShapeRules::oneHot, Derivatives::none),
    /** The entries start .. start+size-1 of one axis (attrs axis, start, size). */
    SLICE("slice", 1, INJECTIVE, Slicing::sliceShape, Slicing::sliceVjp),
    /** Zero padding along one axis to length dim, x placed at start (attrs axis, start, dim); undoes slice. */
    PAD("pad", 1, INJECTIVE, Slicing::padShape, Slicing::padVjp),

    // ---- losses (mean over the batch, scalar result)
    MSE_LOSS("mse_loss", 2, REDUCTION, ShapeRules::loss, Derivatives::mseLoss),
    BCE_LOSS("bce_loss", 2, REDUCTION, ShapeRules::loss, Derivatives::bceLoss),
    /** Softmax cross-entropy of logits [N,C] against integer labels [N]. */
    SOFTMAX_XENT("softmax_xent", 2, REDUCTION, ShapeRules::softmaxXent, Derivatives::softmaxXent),

    // ---- convolutional networks (NCHW; attrs are [h,w] pairs, see ConvShapeRules)
    /** x [N,C,H,W] ⋆ w [O,C/groups,kh,kw] {stride, padding, dilation, groups}; bias is a separate bias_add. */
    CONV2D("conv2d", 2, OUT_ELEMENTWISE_FUSABLE, ConvShapeRules::conv2d, ConvDerivatives::conv2d),
    /** Maximum over each window {kernel, stride (default kernel), padding}; padding never wins. */
    MAX_POOL("max_pool", 1, REDUCTION, ConvShapeRules::pool, ConvDerivatives::maxPool),
    /** Mean over each window; count_include_pad (default true, as PyTorch) divides by kh·kw even at borders. */
    AVG_POOL("avg_pool", 1, REDUCTION, ConvShapeRules::pool, ConvDerivatives::avgPool),
    /** Mean over H and W: [N,C,H,W] -> [N,C]. */
    GLOBAL_AVG_POOL("global_avg_pool", 1, REDUCTION, ConvShapeRules::globalPool, ConvDerivatives::globalAvgPool),
    /** Concatenation along {axis} (default 1, channels); variadic. */
    CONCAT("concat", -1, INJECTIVE, ConvShapeRules::concat, ConvDerivatives::concat),
    /**
     * (x, step [1]) {p, seed}: x·mask/(1−p) with the mask of {@link DropoutMask} for this seed and
     * step; training graphs only (inference graphs omit it), the step counter is a state.
     */
    DROPOUT("dropout", 2, ELEMENTWISE, ConvShapeRules::dropout, ConvDerivatives::dropout),
    /** Inference (x, gamma, beta, running_mean, running_var) {eps}: γ(x−mean)/√(var+ε)+β per channel (axis 1). */
    BATCH_NORM("batch_norm", 5, BROADCAST, ConvShapeRules::batchNorm, ConvDerivatives::batchNorm),
    /** Training (x, gamma, beta) {eps}: normalizes with the batch's mean and biased variance per channel. */
    BATCH_NORM_TRAIN("batch_norm_train", 3, REDUCTION, ConvShapeRules::batchNorm, ConvDerivatives::batchNormTrain),
    /** Local response normalization across channels {size, alpha, beta, k} (PyTorch's LocalResponseNorm). */
    LRN("lrn", 1, REDUCTION, ConvShapeRules::lrn, ConvDerivatives::lrn),

    // ---- backward helpers (appear only in training graphs)
    /** (g, w) {conv attrs, input_size}: gradient of conv2d with respect to its input (a transposed convolution). */
    CONV2D_INPUT_GRAD("conv2d_input_grad", 2, OUT_ELEMENTWISE_FUSABLE, ConvShapeRules::conv2dInputGrad, Derivatives::none),
    /** (x, g) {conv attrs, kernel}: gradient of conv2d with respect to its weight. */
    CONV2D_WEIGHT_GRAD("conv2d_weight_grad", 2, REDUCTION, ConvShapeRules::conv2dWeightGrad, Derivatives::none),
    /** (x, g): g routed to the first maximum of each window (row-major order), summed where windows overlap. */
    MAX_POOL_GRAD("max_pool_grad", 2, REDUCTION, ConvShapeRules::maxPoolGrad, Derivatives::none),
    /** (g) {pool attrs, input_size}: each window's g spread evenly over it. */
    AVG_POOL_GRAD("avg_pool_grad", 1, REDUCTION, ConvShapeRules::avgPoolGrad, Derivatives::none),
    /** (x, gamma, g) {eps}: dx of batch_norm_train. */
    BATCH_NORM_INPUT_GRAD("batch_norm_input_grad", 3, REDUCTION, ConvShapeRules::batchNormInputGrad, Derivatives::none),
    /** (x, g) {eps}: Σ g·x̂ per channel, the gradient of batch_norm_train's gamma. */
    BATCH_NORM_GAMMA_GRAD("batch_norm_gamma_grad", 2, REDUCTION, ConvShapeRules::batchNormGammaGrad, Derivatives::none),
    /** (x, g) {lrn attrs}: dx of lrn. */
    LRN_GRAD("lrn_grad", 2, REDUCTION, ConvShapeRules::lrnGrad, Derivatives::none),
    RELU_GRAD("relu_grad", 2, ELEMENTWISE, ShapeRules::second, Derivatives::none),
    SIGMOID_GRAD("sigmoid_grad", 2, ELEMENTWISE, ShapeRules::second, Derivatives::none),
    TANH_GRAD("tanh_grad", 2, ELEMENTWISE, ShapeRules::second, Derivatives::none),
    SOFTMAX_GRAD("softmax_grad", 2, REDUCTION, ShapeRules::second, Derivatives::none),
    LOG_SOFTMAX_GRAD("log_softmax_grad", 2, REDUCTION, ShapeRules::second, Derivatives::none),
    /** (x, y=reduce_max(x), g): g routed to the maxima of x. */
    REDUCE_MAX_GRAD("reduce_max_grad", 3, REDUCTION, ShapeRules::first, Derivatives::none),
    /** (pred, target, g): gradient of mse_loss with respect to pred, scaled by scalar g. */
    MSE_GRAD("mse_grad", 3, BROADCAST, ShapeRules::first, Derivatives::none),
    BCE_GRAD("bce_grad", 3, BROADCAST, ShapeRules::first, Derivatives::none),
    SOFTMAX_XENT_GRAD("softmax_xent_grad", 3, REDUCTION, ShapeRules::first, Derivatives::none),

    // ---- optimizer updates (elementwise over a parameter)
    /** p - lr * (g + weight_decay * p). */
    SGD_UPDATE("sgd_update", 2, ELEMENTWISE, ShapeRules::first, Derivatives::none),
    /** momentum * v + g. */
    MOMENTUM_VELOCITY("momentum_velocity", 2, ELEMENTWISE, ShapeRules::first, Derivatives::none),
    /** beta * m + (1 - beta) * g. */
    ADAM_MOMENT("adam_moment", 2, ELEMENTWISE, ShapeRules::first, Derivatives::none),
    /** beta * v + (1 - beta) * g^2. */
    ADAM_VELOCITY("adam_velocity", 2, ELEMENTWISE, ShapeRules::first, Derivatives::none),
    /** (p, m, v, step): p - lr * m_hat / (sqrt(v_hat) + eps), bias-corrected with step t >= 1. */
    ADAM_UPDATE("adam_update", 4, BROADCAST, ShapeRules::first, Derivatives::none),

    // ---- sequence losses
    /**
     * Connectionist temporal classification (Graves et al. 2006): logits [N,T,C] (softmax over C,
     * class 0 is the blank) against integer labels [N,L], each row padded with -1 after its last
     * label. Mean over the batch of -log p(labels | input); an impossible alignment contributes 0
     * (PyTorch's zero_infinity).
     */
    CTC_LOSS("ctc_loss", 2, REDUCTION, ShapeRules::ctc, Derivatives::ctc),
    /** (logits, labels, g): gradient of ctc_loss with respect to the logits. */
    CTC_GRAD("ctc_grad", 3, REDUCTION, ShapeRules::first, Derivatives::none),

    // ---- control flow
    /**
     * A loop over time steps whose body is a graph (attribute body): sequences sliced along axis
     * 0, carries threaded from step to step, loop invariants. See {@link Scan} for the semantics.
     */
    SCAN("scan", -1, OPAQUE, Scan::shape, ScanGradient::vjp);

    /** Output shape from input values and attributes; throws {@link IrException} on a mismatch. */
    @FunctionalInterface
    public interface ShapeRule { Shape infer(Op op, List<Value> in, Attrs a); }

    /**
     * Vector-Jacobian product: given node {@code n} (whose values live in {@code b}) and the
     * gradient {@code g} of the loss with respect to its output, add nodes to {@code b} that
     * compute the gradient for each input (null where an input is not differentiable).
     */
    @FunctionalInterface
    public interface DerivativeRule { Value[] vjp(GraphBuilder b, Node n, Value g); }

    private final String text;
    private final int arity;
    private final FusionKind kind;
    private final ShapeRule shapeRule;
    private final DerivativeRule derivative;

    Op(String text, int arity, FusionKind kind, ShapeRule shapeRule, DerivativeRule derivative) {
        this.text = text;
        this.arity = arity;
        this.kind = kind;
        this.shapeRule = shapeRule;
        this.derivative = derivative;
    }

    public String text() { return text; }
    public int arity() { return arity; }
    public FusionKind kind() { return kind; }

    public Shape inferShape(List<Value> in, Attrs a) { return shapeRule.infer(this, in, a); }

    public Value[] vjp(GraphBuilder b, Node n, Value g) { return derivative.vjp(b, n, g); }

    /** The op with this IR name. */
    public static Op parse(String text) {
        for (Op op : values()) if (op.text.equals(text)) return op;
        throw new IrException("unknown op '" + text + "'");
    }
}
