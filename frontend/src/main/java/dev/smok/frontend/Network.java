package dev.smok.frontend;

import dev.smok.ir.DType;
import dev.smok.ir.Graph;
import dev.smok.ir.GraphBuilder;
import dev.smok.ir.Op;
import dev.smok.ir.Attrs;
import dev.smok.ir.Role;
import dev.smok.ir.Shape;
import dev.smok.ir.Tensor;
import dev.smok.ir.Value;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A network written in the builder DSL, read like the lecture's diagrams:
 *
 * <pre>{@code
 * Network net = Network.sequential("mlp", Shape.of(784))
 *     .dense(512).relu()
 *     .dense(512).relu()
 *     .dense(10).softmax();
 * System.out.println(net.summary());
 * }</pre>
 *
 * Internally a network is a DAG of {@link Port}s (a layer applied to the ports it reads), so the
 * sequential methods and a functional form ({@link #apply}) build the same thing. Shapes are
 * checked as each layer is added, so a mistake is reported at the line that makes it. Options
 * such as {@link #name}, {@link #bias} and {@link #init} apply to the layer added last.
 * Shapes in the DSL are per sample; lowering adds the batch dimension.
 */
public final class Network {
    /** A layer's output in the network's DAG; the network input is the port with a null layer. */
    public record Port(Layer layer, List<Port> inputs, Shape shape) {
        public String name() { return layer == null ? "input" : layer.name(); }
        @Override public boolean equals(Object o) { return this == o; }
        @Override public int hashCode() { return System.identityHashCode(this); }
    }

    private final String name;
    private final Port input;
    private final List<Port> ports = new ArrayList<>();
    private final Map<String, Integer> typeCounts = new HashMap<>();
    private Port last;
    private Loss loss;
    private long seed = 1;
    private int ctcLabels;

    private Network(String name, Shape inputShape) {
        this.name = name;
        this.input = new Port(null, List.of(), inputShape);
        this.last = input;
    }

    /** A new network whose samples have shape {@code input} (e.g. 784, or 1x28x28 for images). */
    public static Network sequential(String name, Shape input) { return new Network(name, input); }

    public static Network sequential(String name, int... inputDims) { return new Network(name, Shape.of(inputDims)); }

    public String name() { return name; }
    public Shape inputShape() { return input.shape(); }
    public Shape outputShape() { return last.shape(); }
    public Port input() { return input; }
    /** The port whose value is the network's output (the layer added last, or the one set by {@link #output}). */
    public Port output() { return last; }
    /** All layer ports in the order they were added. */
    public List<Port> layers() { return List.copyOf(ports); }
    public long seed() { return seed; }

    // ---- building ----------------------------------------------------------------------------

    /** Applies {@code layer} to the current output. */
    public Network add(Layer layer) {
        last = apply(layer, last);
        return this;
    }

    /** Functional form: applies {@code layer} to the given ports and returns its output port. */
    public Port apply(Layer layer, Port... in) {
        if (layer.name == null) {
            String t = layer.type().toLowerCase();
            layer.name = t + typeCounts.merge(t, 1, Integer::sum);
        }
        List<Shape> shapes = new ArrayList<>();
        List<String> from = new ArrayList<>();
        for (Port p : in) { shapes.add(p.shape()); from.add(p.name()); }
        Port p = new Port(layer, List.of(in), layer.outputShape(shapes, from));
        ports.add(p);
        last = p;
        return p;
    }

    /** Makes {@code p} the network's output (functional form). */
    public Network output(Port p) { last = p; return this; }

    public Network dense(int units) { return add(new Dense(units)); }
    public Network relu() { return add(new Activation(Activation.Kind.RELU)); }
    public Network sigmoid() { return add(new Activation(Activation.Kind.SIGMOID)); }
    public Network tanh() { return add(new Activation(Activation.Kind.TANH)); }
    public Network softmax() { return add(new Activation(Activation.Kind.SOFTMAX)); }
    public Network identity() { return add(new Activation(Activation.Kind.IDENTITY)); }
    public Network flatten() { return add(new Flatten()); }

    // ---- convolutional layers (samples are C×H×W) ----------------------------------------------

    /** Square {@code kernel}×{@code kernel} convolution with stride 1, no padding, with bias. */
    public Network conv2d(int filters, int kernel) { return add(new Conv2d(filters, kernel)); }

    /** Convolution with options: {@code conv2d(64, 3, Conv2d.with().padding(1).stride(2))}. */
    public Network conv2d(int filters, int kernel, Conv2d.Options options) {
        return add(new Conv2d(filters, kernel, kernel, options));
    }

    /** Max pooling with stride equal to the window. */
    public Network maxPool(int kernel) { return maxPool(kernel, kernel, 0); }
    public Network maxPool(int kernel, int stride, int padding) { return add(new Pool2d(Pool2d.Kind.MAX, kernel, stride, padding)); }

    /**
     * Makes the pooling layer added last round its output size up (PyTorch's
     * {@code ceil_mode=True}): {@code maxPool(3, 2, 0).ceilMode(true)} takes 112×112 to 56×56.
     */
    public Network ceilMode(boolean on) {
        if (!(lastLayer("ceilMode") instanceof Pool2d p)) {
            throw new NetworkException("ceilMode(...) must follow a pooling layer (maxPool or avgPool), not '" + last.name() + "'");
        }
        p.ceilMode = on;
        return reshapeLast();
    }

    /** Average pooling with stride equal to the window. */
    public Network avgPool(int kernel) { return avgPool(kernel, kernel, 0); }
    public Network avgPool(int kernel, int stride, int padding) { return add(new Pool2d(Pool2d.Kind.AVG, kernel, stride, padding)); }

    /** Mean of each channel: C×H×W → C. */
    public Network globalAvgPool() { return add(new GlobalAvgPool()); }

    /** Dropout with drop probability {@code p} (training graphs only). */
    public Network dropout(double p) { return add(new Dropout((float) p)); }

    /** Batch normalization with PyTorch's defaults (momentum 0.1, eps 1e-5). */
    public Network batchNorm() { return add(new BatchNorm()); }
    public Network batchNorm(double momentum, double eps) { return add(new BatchNorm((float) momentum, (float) eps)); }

    /** Local response normalization (PyTorch defaults alpha 1e-4, beta 0.75, k 1). */
    public Network lrn(int size) { return lrn(size, 1e-4, 0.75, 1); }
    public Network lrn(int size, double alpha, double beta, double k) {
        return add(new Lrn(size, (float) alpha, (float) beta, (float) k));
    }

    // ---- branches (functional form) ---------------------------------------------------------------

    /**
     * Continues building from {@code p}: the sequential methods that follow read it, so a branch
     * is {@code net.from(x).conv2d(64, 1).relu().output()}.
     */
    public Network from(Port p) { last = p; return this; }

    /** A residual connection: the elementwise sum of two equal-shaped ports; becomes the current output. */
    public Port add(Port a, Port b) { return apply(new Merge(Merge.Kind.ADD), a, b); }

    /** Stacks branches along the channel axis (inception); becomes the current output. */
    public Port concat(Port... branches) { return apply(new Merge(Merge.Kind.CONCAT), branches); }
    /** Reads each sample as a sequence [steps, features]; an image C×H×W is H rows of C·W values. */
    public Network sequence() { return add(new SequenceView()); }

    /** A simple recurrent layer h_t = tanh(W_in·x_t + W_rec·h_{t-1} + b) of {@code units} units. */
    public Network rnn(int units) { return add(new RecurrentLayer(RecurrentCell.RNN, units)); }

    /** An LSTM layer of {@code units} units. */
    public Network lstm(int units) { return add(new RecurrentLayer(RecurrentCell.LSTM, units)); }

    /** A GRU layer of {@code units} units. */
    public Network gru(int units) { return add(new RecurrentLayer(RecurrentCell.GRU, units)); }

    /** Makes the recurrent layer added last output every step's hidden state ([T, H]) instead of the last. */
    public Network returnSequences(boolean on) {
        recurrentOption("returnSequences").returnSequences = on;
        return reshapeLast();
    }

    /** Makes the recurrent layer added last read the sequence in both directions and concatenate them. */
    public Network bidirectional(boolean on) {
        recurrentOption("bidirectional").bidirectional = on;
        return reshapeLast();
    }

    private RecurrentLayer recurrentOption(String option) {
        if (!(lastLayer(option) instanceof RecurrentLayer r)) {
            throw new NetworkException(option + "(...) must follow a recurrent layer (rnn, lstm or gru), not '" + last.name() + "'");
        }
        return r;
    }

    /** Recomputes the output shape of the layer added last after an option changed it. */
    private Network reshapeLast() {
        Port p = last;
        List<Shape> shapes = inShapes(p);
        List<String> from = p.inputs().stream().map(Port::name).toList();
        Port q = new Port(p.layer(), p.inputs(), p.layer().outputShape(shapes, from));
        ports.set(ports.indexOf(p), q);
        last = q;
        return this;
    }

    /**
     * A dense layer tied to the dense layer named {@code encoder}: as many units as the
     * encoder has inputs, reading the encoder's weight transposed (own bias, shared weight).
     * Same as {@code dense(inputsOfEncoder).tiedTo(encoder)}.
     */
    public Network denseTied(String encoder) {
        Dense e = denseNamed(encoder, "denseTied");
        return dense(portOf(e).inputs().get(0).shape().dim(0)).tiedTo(encoder);
    }

    /**
     * Ties the dense layer added last to the earlier dense layer named {@code encoder}: the
     * decoder computes y = x·W + b with the encoder's weight W [units_e, inputs_e], so its own
     * input size must be units_e and its units inputs_e. The weight is one parameter read
     * twice (counted once by {@link #paramCount()}); each layer keeps its own bias.
     */
    public Network tiedTo(String encoder) {
        if (!(lastLayer("tiedTo") instanceof Dense d)) {
            throw new NetworkException("tiedTo(\"" + encoder + "\") must follow a dense layer, not " + last.layer().type().toLowerCase()
                    + " '" + last.name() + "'");
        }
        Dense e = denseNamed(encoder, "tiedTo");
        if (e == d) throw d.error("cannot be tied to itself");
        if (e.tiedTo != null) throw d.error("cannot be tied to '" + encoder + "', which is itself tied to '" + e.tiedTo.name + "'");
        int eIn = portOf(e).inputs().get(0).shape().dim(0), eUnits = e.units;
        int dIn = last.inputs().get(0).shape().dim(0);
        if (dIn != eUnits || d.units != eIn) {
            throw d.error("cannot be tied to '" + encoder + "': it maps " + dIn + " to " + d.units + " values but the transpose of '"
                    + encoder + "' maps " + eUnits + " to " + eIn + "; use dense(" + eIn + ") after a layer of " + eUnits + " values");
        }
        d.tiedTo = e;
        return this;
    }

    private Dense denseNamed(String layerName, String option) {
        for (Port p : ports) {
            if (p.layer().name().equals(layerName)) {
                if (p.layer() instanceof Dense d) return d;
                throw new NetworkException(option + "(\"" + layerName + "\"): layer '" + layerName + "' is a "
                        + p.layer().type().toLowerCase() + ", not a dense layer");
            }
        }
        throw new NetworkException(option + "(\"" + layerName + "\"): network '" + name + "' has no layer named '" + layerName + "'");
    }

    private Port portOf(Layer l) {
        for (Port p : ports) if (p.layer() == l) return p;
        throw new IllegalStateException("layer " + l.name() + " is not in network " + name);
    }

    /** Renames the layer added last (its parameters become {@code NAME.weight}, {@code NAME.bias}). */
    public Network name(String layerName) {
        Layer l = lastLayer("name");
        for (Port p : ports) {
            if (p.layer() != l && p.layer().name().equals(layerName)) {
                throw new NetworkException("network '" + name + "' already has a layer named '" + layerName + "'");
            }
        }
        l.name = layerName;
        return this;
    }

    /** Turns the bias of the layer added last on or off. */
    public Network bias(boolean on) { lastLayer("bias").setBias(on); return this; }

    /** Sets the weight initializer of the layer added last. */
    public Network init(Init init) { lastLayer("init").setInit(init); return this; }

    /** The training objective; without one, {@link #defaultLoss()} decides. */
    public Network loss(Loss l) { loss = l; return this; }

    /** Adds a dense layer applied to every frame of a sequence ([steps, features] → [steps, units]). */
    public Network frameDense(int units) { return add(new FrameDense(units)); }

    /** Trains with the CTC loss against label rows of at most {@code maxLabels} classes (padded with -1). */
    public Network ctc(int maxLabels) {
        if (maxLabels <= 0) throw new NetworkException("ctc(...) needs a positive label length, got " + maxLabels);
        loss = Loss.CTC;
        ctcLabels = maxLabels;
        return this;
    }

    /** The label row length of a CTC network (0 for other losses). */
    public int ctcLabels() { return ctcLabels; }

    /** Seed for initializers that have no seed of their own. */
    public Network seed(long s) { seed = s; return this; }

    private Layer lastLayer(String option) {
        if (last.layer() == null) throw new NetworkException(option + "(...) must follow a layer");
        return last.layer();
    }

    // ---- facts ---------------------------------------------------------------------------------

    /** Cross-entropy after softmax, binary cross-entropy after sigmoid, else mean squared error. */
    public Loss defaultLoss() {
        if (loss != null) return loss;
        if (last.layer() instanceof Activation a) {
            if (a.kind() == Activation.Kind.SOFTMAX) return Loss.CROSS_ENTROPY;
            if (a.kind() == Activation.Kind.SIGMOID && last.shape().rank() == 1 && last.shape().dim(0) > 1) {
                return Loss.BINARY_CROSS_ENTROPY;
            }
        }
        return Loss.MSE;
    }

    private static List<Shape> inShapes(Port p) { return p.inputs().stream().map(Port::shape).toList(); }

    /** Every parameter, once (a tied parameter is listed where it is declared). */
    public List<ParamSpec> params() {
        Map<String, ParamSpec> m = new LinkedHashMap<>();
        for (Port p : ports) {
            for (ParamSpec s : p.layer().params(inShapes(p))) {
                if (s.sharedWith() == null && m.put(s.name(), s) != null) {
                    throw new NetworkException("two layers declare a parameter named '" + s.name() + "'; rename one layer");
                }
            }
        }
        return List.copyOf(m.values());
    }

    /** Every state (running statistics, step counters), once. */
    public List<ParamSpec> states() {
        Map<String, ParamSpec> m = new LinkedHashMap<>();
        for (Port p : ports) for (ParamSpec s : p.layer().states(inShapes(p))) m.put(s.name(), s);
        return List.copyOf(m.values());
    }

    /** Number of trainable values (shared weights counted once). */
    public long paramCount() { return params().stream().mapToLong(s -> s.shape().size()).sum(); }

    /** Multiply-accumulates for one sample's forward pass. */
    public long macs() {
        long n = 0;
        for (Port p : ports) n += p.layer().macs(inShapes(p), p.shape());
        return n;
    }

    /** A Keras-style table: layer (type), output shape, parameters, and the totals. */
    public String summary() { return Summary.text(this); }

    /** The summary as JSON: {@code {"model":..., "params":N, "macs":N, "layers":[...]}}. */
    public String summaryJson() { return Summary.json(this); }

    // ---- lowering ------------------------------------------------------------------------------

    /** The inference graph for {@code batch} samples: input {@code x}, output {@code y}. */
    public Graph inference(int batch) { return lower(batch, false, null); }

    /**
     * The forward graph for training: inputs {@code x} and {@code labels} (i32 [batch]) or
     * {@code targets}; outputs {@code loss} (scalar) and {@code y} (the logits when a final
     * softmax is folded into the cross-entropy). Autodiff turns it into a training step.
     */
    public Graph training(int batch, Loss lossKind) { return lower(batch, true, lossKind); }

    private Graph lower(int batch, boolean training, Loss lossKind) {
        GraphBuilder b = new GraphBuilder(name + (training ? "_train" : ""));
        Value x = b.input("x", batched(batch, input.shape()));
        Map<String, Value> params = new LinkedHashMap<>();
        for (ParamSpec s : params()) params.put(s.name(), b.input(s.name(), s.shape(), DType.F32, Role.PARAM));
        Map<String, String> shared = new HashMap<>();
        for (Port p : ports) {
            for (ParamSpec s : p.layer().params(inShapes(p))) if (s.sharedWith() != null) shared.put(s.name(), s.sharedWith());
        }
        Lowering ctx = new Lowering(b, params, shared, training).seed(seed);
        Map<Port, Value> vals = new IdentityHashMap<>();
        vals.put(input, x);
        for (Port p : ports) {
            List<Value> ins = p.inputs().stream().map(vals::get).toList();
            vals.put(p, p.layer().lower(ctx, ins));
        }
        Value out = vals.get(last);
        if (!training) {
            b.output("y", out);
            return b.build();
        }
        Value lossValue, y = out;
        switch (lossKind) {
            case CROSS_ENTROPY -> {
                if (last.layer() instanceof Activation a && a.kind() == Activation.Kind.SOFTMAX) y = vals.get(last.inputs().get(0));
                if (y.shape().rank() != 2) {
                    throw new NetworkException("cross-entropy needs a flat output per sample but '" + last.name() + "' gives " + last.shape().pretty());
                }
                Value labels = b.input("labels", Shape.of(batch), DType.I32, Role.INPUT);
                lossValue = b.op(Op.SOFTMAX_XENT, y, labels);
            }
            case BINARY_CROSS_ENTROPY -> {
                Value labels = b.input("labels", Shape.of(batch), DType.I32, Role.INPUT);
                Value oneHot = b.op(Op.ONE_HOT, Attrs.of("classes", out.shape().dim(1)), labels);
                lossValue = b.op(Op.BCE_LOSS, out, oneHot);
            }
            case CTC -> {
                if (last.layer() instanceof Activation a && a.kind() == Activation.Kind.SOFTMAX) y = vals.get(last.inputs().get(0));
                if (y.shape().rank() != 3 || ctcLabels == 0) {
                    throw new NetworkException("the CTC loss needs per-frame scores [steps, classes] and ctc(maxLabels); '"
                            + last.name() + "' gives " + last.shape().pretty());
                }
                Value labels = b.input("labels", Shape.of(batch, ctcLabels), DType.I32, Role.INPUT);
                lossValue = b.op(Op.CTC_LOSS, y, labels);
            }
            case MSE -> lossValue = b.op(Op.MSE_LOSS, out, b.input("targets", out.shape()));
            case RECONSTRUCTION -> {
                if (out.shape().size() != x.shape().size()) {
                    throw new NetworkException("reconstruction loss needs an output of the input's size, but '" + last.name()
                            + "' gives " + last.shape().pretty() + " for input " + input.shape().pretty());
                }
                Value target = out.shape().equals(x.shape()) ? x : b.reshape(x, out.shape());
                lossValue = b.op(Op.MSE_LOSS, out, target);
            }
            default -> throw new IllegalStateException();
        }
        b.output("loss", lossValue);
        b.output("y", y);
        return b.build();
    }

    static Shape batched(int batch, Shape s) {
        int[] d = new int[s.rank() + 1];
        d[0] = batch;
        System.arraycopy(s.dims(), 0, d, 1, s.rank());
        return Shape.of(d);
    }

    /** Initial values of every state (running variances start at one, the rest at zero). */
    public Map<String, Tensor> initialStates() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (ParamSpec s : states()) {
            float[] data = new float[s.shape().size()];
            s.init().fill(data, s.fanIn(), s.fanOut(), s.init().random(seed, s.name()));
            m.put(s.name(), new Tensor(s.shape(), data, 0));
        }
        return m;
    }

    /** Initial values of every parameter, from the initializers and seeds. */
    public Map<String, Tensor> initialParameters() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (ParamSpec s : params()) {
            float[] data = new float[s.shape().size()];
            s.init().fill(data, s.fanIn(), s.fanOut(), s.init().random(seed, s.name()));
            m.put(s.name(), new Tensor(s.shape(), data, 0));
        }
        return m;
    }
}
