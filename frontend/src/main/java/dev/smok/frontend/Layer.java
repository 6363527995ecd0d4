package dev.smok.frontend;

import dev.smok.ir.Shape;
import dev.smok.ir.Value;

import java.util.List;

/**
 * One layer of a network. Shapes here are per sample (without the batch dimension); lowering
 * works on batched IR values. Implementations are small and immutable apart from the options
 * set while the network is being built.
 */
public abstract class Layer {
    String name;

    /** The layer's name, unique in its network (parameters are named {@code NAME.w}, {@code NAME.b}). */
    public String name() { return name; }

    /** The type shown by the summary, e.g. {@code Dense}. */
    public abstract String type();

    /**
     * The per-sample output shape for these inputs.
     *
     * @param from names of the layers that produce the inputs, for error messages
     * @throws NetworkException naming this layer, the shapes and the fix
     */
    public abstract Shape outputShape(List<Shape> in, List<String> from);

    /** Parameters this layer owns, given its input shapes. */
    public List<ParamSpec> params(List<Shape> in) { return List.of(); }

    /**
     * Non-trainable state this layer keeps between runs (running statistics, step counters):
     * graph inputs with {@link dev.smok.ir.Role#STATE}, declared by lowering when a graph reads
     * them and initialized by {@link Network#initialStates()}.
     */
    public List<ParamSpec> states(List<Shape> in) { return List.of(); }

    /**
     * Multiply-accumulates per sample of the forward pass. Only weight layers count, as in
     * torchvision's and fvcore's tables: a convolution gives out_channels·H_out·W_out ·
     * (in_channels/groups)·kh·kw, a dense layer inputs·units; biases, batch norm, activations,
     * pooling, normalization, dropout, residual additions and concatenation give 0 (the default).
     */
    public long macs(List<Shape> in, Shape out) { return 0; }

    /** Adds this layer's ops to the graph being lowered. */
    public abstract Value lower(Lowering ctx, List<Value> in);

    /** Turns the bias on or off (for layers that have one). */
    public void setBias(boolean on) { throw error("has no bias to turn " + (on ? "on" : "off")); }

    /** Sets the weight initializer (for layers that have weights). */
    public void setInit(Init init) { throw error("has no weights to initialize"); }

    protected NetworkException error(String what) {
        return new NetworkException(type().toLowerCase() + " '" + name + "' " + what);
    }
}
