package dev.smok.frontend.models;

import dev.smok.frontend.Conv2d;
import dev.smok.frontend.Network;
import dev.smok.frontend.NetworkException;

import java.util.ArrayList;
import java.util.List;

/**
 * VGG: Simonyan and Zisserman, "Very Deep Convolutional Networks for Large-Scale Image
 * Recognition" (ICLR 2015), table 1, configurations A (vgg11), D (vgg16) and E (vgg19), written
 * as torchvision's {@code vgg11}, {@code vgg16}, {@code vgg19} (without batch norm). Parameters
 * for 1000 classes: vgg11 132,863,336; vgg16 138,357,544; vgg19 143,667,240.
 *
 * <pre>
 * config  A (vgg11)        D (vgg16)             E (vgg19)              output (224)
 *         conv3-64         conv3-64 ×2           conv3-64 ×2            64×224×224
 *         maxpool                                                       64×112×112
 *         conv3-128        conv3-128 ×2          conv3-128 ×2           128×112×112
 *         maxpool                                                       128×56×56
 *         conv3-256 ×2     conv3-256 ×3          conv3-256 ×4           256×56×56
 *         maxpool                                                       256×28×28
 *         conv3-512 ×2     conv3-512 ×3          conv3-512 ×4           512×28×28
 *         maxpool                                                       512×14×14
 *         conv3-512 ×2     conv3-512 ×3          conv3-512 ×4           512×14×14
 *         maxpool                                                       512×7×7
 *         FC-4096, FC-4096, FC-(classes)
 * </pre>
 *
 * Every conv3 is 3×3, padding 1, with bias, then ReLU; every maxpool 2×2, stride 2. The
 * classifier is dense 4096, ReLU, dropout 0.5, dense 4096, ReLU, dropout 0.5, dense (classes),
 * in torchvision's order. Layers carry torchvision's module names ({@code features.0},
 * {@code features.2}, …, {@code classifier.0}, {@code classifier.3}, {@code classifier.6}).
 *
 * <p>Adaptive average pooling to 7×7: as for {@link AlexNet}, for 224×224 input the features
 * are already 7×7 and no pool is added; other sizes use an exact fixed pool where the side is a
 * multiple of 7, else the classifier takes the features as they are (32×32 input: 512×1×1).
 *
 * <p>{@link #build} also makes VGG-style plain networks of any configuration, with batch norm
 * (as torchvision's {@code vgg*_bn}) and a global-pool head; {@link ZooOptions#skip} may name a
 * convolution ({@code features.3}) whose input and output shapes agree, which is then replaced
 * by the identity (with its batch norm and ReLU).
 */
public final class Vgg {
    private Vgg() {}

    /** A max-pool in a configuration. */
    public static final int M = -1;

    static final int[] A = {64, M, 128, M, 256, 256, M, 512, 512, M, 512, 512, M};
    static final int[] D = {64, 64, M, 128, 128, M, 256, 256, 256, M, 512, 512, 512, M, 512, 512, 512, M};
    static final int[] E = {64, 64, M, 128, 128, M, 256, 256, 256, 256, M, 512, 512, 512, 512, M, 512, 512, 512, 512, M};

    /** Which classifier ends the network. */
    public enum Head {
        /** dense 4096, ReLU, dropout, dense 4096, ReLU, dropout, dense (classes): the paper's. */
        VGG,
        /** global average pool, dense (classes) named {@code fc}: for small data. */
        GLOBAL_POOL
    }

    public static Network vgg11(ZooOptions o) { return build("vgg11", A, false, Head.VGG, o); }
    public static Network vgg16(ZooOptions o) { return build("vgg16", D, false, Head.VGG, o); }
    public static Network vgg19(ZooOptions o) { return build("vgg19", E, false, Head.VGG, o); }

    /**
     * The convolutions of {@link #build}'s network that {@link ZooOptions#skip} may name: those
     * that keep their channels ({@code features.N}, in order), for an input of {@code channels}.
     */
    public static List<String> deletableLayers(int[] config, boolean batchNorm, int channels) {
        List<String> names = new ArrayList<>();
        int index = 0, c = channels;
        for (int filters : config) {
            if (filters == M) { index++; continue; }
            if (filters == c) names.add("features." + index);
            c = filters;
            index += batchNorm ? 3 : 2;
        }
        return names;
    }

    /**
     * A VGG-style network: for each entry of {@code config}, a 3×3 convolution with that many
     * filters (padding 1, bias; then batch norm if {@code batchNorm}; then ReLU) or, for
     * {@link #M}, a 2×2 max-pool; then the {@code head}. Module indices count as torchvision's
     * {@code features} sequence does (conv, [BN,] ReLU, pool each take one).
     */
    public static Network build(String name, int[] config, boolean batchNorm, Head head, ZooOptions o) {
        Network net = Network.sequential(name, o.channels(), o.height(), o.width());
        List<String> deletable = new ArrayList<>();
        int index = 0;
        for (int filters : config) {
            if (filters == M) {
                net.maxPool(2).name("features." + index++);
                continue;
            }
            String conv = "features." + index;
            index += batchNorm ? 3 : 2;
            boolean sameShape = net.outputShape().dim(0) == filters;
            if (sameShape) deletable.add(conv);
            if (o.skip().contains(conv)) {
                if (!sameShape) {
                    throw new NetworkException(name + " cannot leave out '" + conv + "': it turns " + net.outputShape().dim(0)
                            + " channels into " + filters + ", so the identity does not fit; leave out a convolution that keeps its channels");
                }
                continue;
            }
            net.conv2d(filters, 3, Conv2d.with().padding(1)).name(conv);
            if (batchNorm) net.batchNorm().name("features." + (index - 2));
            net.relu().name("features." + (index - 1));
        }
        o.requireKnownSkips(name, deletable);
        if (head == Head.GLOBAL_POOL) return net.globalAvgPool().name("avgpool").dense(o.classes()).name("fc").softmax();
        AlexNet.adaptiveAvgPool(net, 7);
        return net.flatten()
                .dense(4096).name("classifier.0").relu().dropout(0.5)
                .dense(4096).name("classifier.3").relu().dropout(0.5)
                .dense(o.classes()).name("classifier.6").softmax();
    }
}
