package dev.smok.frontend.models;

import dev.smok.frontend.NetworkException;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How to build a model of the zoo ({@link Zoo}): the number of classes, the per-sample input
 * shape C×H×W, and which blocks to leave out.
 *
 * <p>The default, {@link #imagenet()}, is ImageNet's: 1000 classes, 3×224×224. An input smaller
 * than {@link #SMALL_INPUT} pixels on a side (MNIST's 28×28, CIFAR's 32×32) is "small": ResNet
 * and GoogLeNet then use a small stem (see their classes) so the feature maps do not vanish.
 *
 * <p>{@link #skip} names blocks (ResNet: {@code layer2.1}) or layers (VGG: {@code features.12})
 * to replace by their shortcut or by the identity; every other layer keeps its name, so the
 * parameters of a network built with skips are a subset, by name and shape, of the full
 * network's, and trained values can be copied across (Veit et al., 2016, lesion studies).
 * Naming a block the model does not have, or one that cannot be replaced, is an error.
 *
 * @param classes the number of outputs of the final dense layer (positive)
 * @param channels input channels (3 for RGB, 1 for grey)
 * @param height input height in pixels
 * @param width input width in pixels
 * @param skip names of blocks to leave out (empty for the full network)
 */
public record ZooOptions(int classes, int channels, int height, int width, Set<String> skip) {
    /** Inputs with a side under this many pixels get the small stems. */
    public static final int SMALL_INPUT = 64;

    public ZooOptions {
        if (classes <= 0 || channels <= 0 || height <= 0 || width <= 0) {
            throw new NetworkException("a zoo model needs positive classes and input dimensions, got " + classes + " classes and input "
                    + channels + "x" + height + "x" + width);
        }
        skip = Set.copyOf(skip);
    }

    /** ImageNet: 1000 classes, 3×224×224, no skipped blocks. */
    public static ZooOptions imagenet() { return new ZooOptions(1000, 3, 224, 224, Set.of()); }

    /** These options with {@code n} classes. */
    public ZooOptions classes(int n) { return new ZooOptions(n, channels, height, width, skip); }

    /** These options with a C×H×W input. */
    public ZooOptions input(int c, int h, int w) { return new ZooOptions(classes, c, h, w, skip); }

    /**
     * These options with the input given as text, {@code CxHxW} ({@code 1x28x28}) or {@code HxW}
     * (keeping the channels).
     */
    public ZooOptions input(String spec) {
        String[] parts = spec.trim().toLowerCase().split("x");
        try {
            if (parts.length == 3) return input(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
            if (parts.length == 2) return input(channels, Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new NetworkException("input size '" + spec + "' is not CxHxW or HxW, e.g. 1x28x28 or 3x224x224");
    }

    /** These options with the named blocks left out as well. */
    public ZooOptions skip(String... blocks) { return skip(List.of(blocks)); }

    public ZooOptions skip(Collection<String> blocks) {
        Set<String> s = new LinkedHashSet<>(skip);
        s.addAll(blocks);
        return new ZooOptions(classes, channels, height, width, s);
    }

    /** True when a side of the input is under {@link #SMALL_INPUT} pixels. */
    public boolean smallInput() { return height < SMALL_INPUT || width < SMALL_INPUT; }

    /** True for ImageNet's 3×224×224 input, the one the published tables describe. */
    public boolean imagenetInput() { return channels == 3 && height == 224 && width == 224; }

    /** The input as text, e.g. {@code 1x28x28}. */
    public String inputText() { return channels + "x" + height + "x" + width; }

    /**
     * Fails unless every skipped name is one of {@code deletable}, the blocks this model can
     * leave out; the message lists them.
     */
    void requireKnownSkips(String model, Collection<String> deletable) {
        for (String s : skip) {
            if (!deletable.contains(s)) {
                throw new NetworkException(model + " has no block '" + s + "' that can be left out; use one of " + String.join(", ", deletable));
            }
        }
    }
}
