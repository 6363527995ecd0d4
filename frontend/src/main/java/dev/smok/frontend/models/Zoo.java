package dev.smok.frontend.models;

import dev.smok.frontend.Network;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The ILSVRC model zoo by name: {@code alexnet}, {@code zfnet}, {@code vgg11}, {@code vgg16},
 * {@code vgg19}, {@code googlenet}, {@code resnet18}, {@code resnet34}, {@code resnet50},
 * {@code resnet101}, {@code resnet152}. Each is built for a {@link ZooOptions} (ImageNet's
 * 1000 classes and 3×224×224 input by default) and ends in a softmax over the classes.
 *
 * <h2>Parameters and multiply-accumulates</h2>
 * Parameter counts equal torchvision's for the same model (batch norm counts its weight and
 * bias; running statistics are states, not parameters). MACs ({@link Network#macs()}) count the
 * multiply-accumulates of the weight layers only, per sample: a convolution gives
 * out_channels·H_out·W_out · (in_channels/groups)·kh·kw, a dense layer inputs·units; biases,
 * batch norm (foldable into the convolution before it), activations, pooling, LRN, residual
 * additions and concatenation count 0 — the convention of torchvision's and fvcore's tables
 * ("ResNet-50: 4.1 GMACs"; exactly 4,089,184,256 here and there).
 */
public final class Zoo {
    private Zoo() {}

    private static final Map<String, Function<ZooOptions, Network>> MODELS = new LinkedHashMap<>();

    static {
        MODELS.put("alexnet", AlexNet::alexnet);
        MODELS.put("zfnet", ZfNet::zfnet);
        MODELS.put("vgg11", Vgg::vgg11);
        MODELS.put("vgg16", Vgg::vgg16);
        MODELS.put("vgg19", Vgg::vgg19);
        MODELS.put("googlenet", GoogLeNet::googlenet);
        MODELS.put("resnet18", ResNet::resnet18);
        MODELS.put("resnet34", ResNet::resnet34);
        MODELS.put("resnet50", ResNet::resnet50);
        MODELS.put("resnet101", ResNet::resnet101);
        MODELS.put("resnet152", ResNet::resnet152);
    }

    /** The zoo's model names, in the order above. */
    public static Set<String> names() { return MODELS.keySet(); }

    /** True when {@code name} is a zoo model. */
    public static boolean contains(String name) { return MODELS.containsKey(name); }

    /**
     * The zoo model {@code name} built for {@code options}.
     *
     * @throws IllegalArgumentException for an unknown name (listing the known ones)
     * @throws dev.smok.frontend.NetworkException when the options do not fit the model (e.g. an
     *     input too small for its pooling layers)
     */
    public static Network build(String name, ZooOptions options) {
        Function<ZooOptions, Network> f = MODELS.get(name);
        if (f == null) throw new IllegalArgumentException("unknown zoo model '" + name + "': use one of " + String.join(", ", MODELS.keySet()));
        return f.apply(options);
    }

    /** The zoo model {@code name} for ImageNet (1000 classes, 3×224×224). */
    public static Network build(String name) { return build(name, ZooOptions.imagenet()); }
}
