package dev.smok.frontend.models;

import dev.smok.frontend.Conv2d;
import dev.smok.frontend.Network;
import dev.smok.frontend.Network.Port;
import dev.smok.frontend.NetworkException;

import java.util.ArrayList;
import java.util.List;

/**
 * Residual networks: He, Zhang, Ren and Sun, "Deep Residual Learning for Image Recognition"
 * (CVPR 2016), table 1, written layer for layer as torchvision's {@code resnet18} …
 * {@code resnet152} (torchvision.models.resnet, "v1.5": a bottleneck block strides in its 3×3
 * convolution, not in its first 1×1).
 *
 * <pre>
 * layer      output (224)  resnet18        resnet34        resnet50/101/152
 * conv1      64×112×112    7×7, 64, stride 2 (no bias), BN, ReLU
 *            64×56×56      3×3 max-pool, stride 2, padding 1
 * layer1     56×56         [3×3,64; 3×3,64]×2   ×3       [1×1,64; 3×3,64; 1×1,256]×3
 * layer2     28×28         [3×3,128]×2 ×2       ×4       [1×1,128; 3×3,128; 1×1,512]×4 / ×4 / ×8
 * layer3     14×14         [3×3,256]×2 ×2       ×6       [1×1,256; 3×3,256; 1×1,1024]×6 / ×23 / ×36
 * layer4     7×7           [3×3,512]×2 ×2       ×3       [1×1,512; 3×3,512; 1×1,2048]×3
 * avgpool, fc             global average pool, dense (classes)
 * </pre>
 *
 * Every convolution is bias-free and followed by batch norm (eps 1e-5, momentum 0.1). A block
 * whose stride or width changes gets a projection shortcut (1×1 strided conv + BN,
 * torchvision's {@code downsample}), the rest identity shortcuts. Layers carry torchvision's
 * module names ({@code conv1}, {@code bn1}, {@code layer2.0.conv1}, {@code layer2.0.downsample.0},
 * {@code fc}), so parameters and batch-norm statistics have the names of torchvision's state
 * dict. Parameters: resnet18 11,689,512; resnet34 21,797,672; resnet50 25,557,032; resnet101
 * 44,549,160; resnet152 60,192,808 (1000 classes).
 *
 * <p>Small inputs ({@link ZooOptions#smallInput()}, e.g. MNIST's 1×28×28) get the CIFAR stem of
 * the paper's section 4.2: conv1 is 3×3, stride 1, padding 1, and there is no max-pool, so
 * layer1 runs at the input resolution (28×28 → 28, 14, 7, 4).
 *
 * <p>{@link ZooOptions#skip} may name blocks ({@code layer3.1}): a left-out block is replaced by
 * its shortcut — the identity, or ReLU(projection) where the block has a projection, which is
 * what the block computes when its residual branch gives zero.
 */
public final class ResNet {
    private ResNet() {}

    /** The two residual blocks of the paper's figure 5. */
    public enum Block {
        /** Two 3×3 convolutions (resnet18, resnet34); widens its input 1×. */
        BASIC(1),
        /** 1×1 reduce, 3×3, 1×1 expand (resnet50 and deeper); widens its input 4×. */
        BOTTLENECK(4);

        final int expansion;

        Block(int expansion) { this.expansion = expansion; }
    }

    private static final int[] WIDTHS = {64, 128, 256, 512};

    public static Network resnet18(ZooOptions o) { return build("resnet18", Block.BASIC, new int[] {2, 2, 2, 2}, WIDTHS, o); }
    public static Network resnet34(ZooOptions o) { return build("resnet34", Block.BASIC, new int[] {3, 4, 6, 3}, WIDTHS, o); }
    public static Network resnet50(ZooOptions o) { return build("resnet50", Block.BOTTLENECK, new int[] {3, 4, 6, 3}, WIDTHS, o); }
    public static Network resnet101(ZooOptions o) { return build("resnet101", Block.BOTTLENECK, new int[] {3, 4, 23, 3}, WIDTHS, o); }
    public static Network resnet152(ZooOptions o) { return build("resnet152", Block.BOTTLENECK, new int[] {3, 8, 36, 3}, WIDTHS, o); }

    /**
     * A residual network with {@code depths[i]} blocks of width {@code widths[i]} in stage
     * {@code i + 1} (named {@code layer1}, {@code layer2}, …); every stage after the first halves
     * the resolution in its first block. The stem has {@code widths[0]} filters.
     */
    public static Network build(String name, Block block, int[] depths, int[] widths, ZooOptions o) {
        if (depths.length == 0 || depths.length != widths.length) {
            throw new NetworkException(name + " needs one depth per stage width, got " + depths.length + " depths and " + widths.length + " widths");
        }
        Network net = Network.sequential(name, o.channels(), o.height(), o.width());
        if (o.smallInput()) {
            net.conv2d(widths[0], 3, Conv2d.with().padding(1).bias(false)).name("conv1").batchNorm().name("bn1").relu();
        } else {
            net.conv2d(widths[0], 7, Conv2d.with().stride(2).padding(3).bias(false)).name("conv1").batchNorm().name("bn1").relu()
               .maxPool(3, 2, 1);
        }
        List<String> blocks = new ArrayList<>();
        for (int stage = 0; stage < depths.length; stage++) {
            for (int i = 0; i < depths[stage]; i++) {
                String prefix = "layer" + (stage + 1) + "." + i;
                blocks.add(prefix);
                int stride = stage > 0 && i == 0 ? 2 : 1;
                boolean skipped = o.skip().contains(prefix);
                if (block == Block.BASIC) basicBlock(net, prefix, widths[stage], stride, skipped);
                else bottleneckBlock(net, prefix, widths[stage], stride, skipped);
            }
        }
        o.requireKnownSkips(name, blocks);
        return net.globalAvgPool().name("avgpool").dense(o.classes()).name("fc").softmax();
    }

    /** The names of the blocks of a network with these stage depths ({@code layer1.0}, …), the names {@link ZooOptions#skip} takes. */
    public static List<String> blockNames(int[] depths) {
        List<String> names = new ArrayList<>();
        for (int stage = 0; stage < depths.length; stage++) for (int i = 0; i < depths[stage]; i++) names.add("layer" + (stage + 1) + "." + i);
        return names;
    }

    /**
     * torchvision's {@code BasicBlock} on the current output: conv 3×3 (stride) – BN – ReLU –
     * conv 3×3 – BN, plus the shortcut, then ReLU. Layers are named {@code PREFIX.conv1},
     * {@code PREFIX.bn1}, {@code PREFIX.conv2}, {@code PREFIX.bn2}, {@code PREFIX.downsample.0/1}.
     */
    public static Network basicBlock(Network net, String prefix, int width, int stride, boolean skipped) {
        Port x = net.output();
        if (skipped) return leftOut(net, x, shortcut(net, x, prefix, width, stride), prefix);
        net.from(x)
           .conv2d(width, 3, Conv2d.with().stride(stride).padding(1).bias(false)).name(prefix + ".conv1")
           .batchNorm().name(prefix + ".bn1").relu().name(prefix + ".relu1")
           .conv2d(width, 3, Conv2d.with().padding(1).bias(false)).name(prefix + ".conv2")
           .batchNorm().name(prefix + ".bn2");
        Port body = net.output();
        return join(net, body, shortcut(net, x, prefix, width, stride), prefix);
    }

    /**
     * torchvision's {@code Bottleneck} on the current output: conv 1×1 (width) – BN – ReLU –
     * conv 3×3 (stride) – BN – ReLU – conv 1×1 (4·width) – BN, plus the shortcut, then ReLU.
     */
    public static Network bottleneckBlock(Network net, String prefix, int width, int stride, boolean skipped) {
        Port x = net.output();
        int out = width * Block.BOTTLENECK.expansion;
        if (skipped) return leftOut(net, x, shortcut(net, x, prefix, out, stride), prefix);
        net.from(x)
           .conv2d(width, 1, Conv2d.with().bias(false)).name(prefix + ".conv1")
           .batchNorm().name(prefix + ".bn1").relu().name(prefix + ".relu1")
           .conv2d(width, 3, Conv2d.with().stride(stride).padding(1).bias(false)).name(prefix + ".conv2")
           .batchNorm().name(prefix + ".bn2").relu().name(prefix + ".relu2")
           .conv2d(out, 1, Conv2d.with().bias(false)).name(prefix + ".conv3")
           .batchNorm().name(prefix + ".bn3");
        Port body = net.output();
        return join(net, body, shortcut(net, x, prefix, out, stride), prefix);
    }

    /** The identity, or the projection (1×1 strided conv + BN) when the stride or channels change. */
    private static Port shortcut(Network net, Port x, String prefix, int out, int stride) {
        if (stride == 1 && x.shape().dim(0) == out) return x;
        return net.from(x).conv2d(out, 1, Conv2d.with().stride(stride).bias(false)).name(prefix + ".downsample.0")
                .batchNorm().name(prefix + ".downsample.1").output();
    }

    private static Network join(Network net, Port body, Port shortcut, String prefix) {
        net.add(body, shortcut);
        return net.name(prefix + ".add").relu().name(prefix + ".relu");
    }

    /** A left-out block: its input unchanged, or ReLU of its projection. */
    private static Network leftOut(Network net, Port x, Port shortcut, String prefix) {
        if (shortcut == x) return net.from(x);
        return net.from(shortcut).relu().name(prefix + ".relu");
    }
}
