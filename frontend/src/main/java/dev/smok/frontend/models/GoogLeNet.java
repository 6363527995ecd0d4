package dev.smok.frontend.models;

import dev.smok.frontend.Conv2d;
import dev.smok.frontend.Network;
import dev.smok.frontend.Network.Port;

import java.util.List;

/**
 * GoogLeNet (Inception v1): Szegedy et al., "Going Deeper with Convolutions" (CVPR 2015),
 * table 1, written layer for layer as torchvision's {@code googlenet} without the auxiliary
 * classifiers ({@code aux_logits=False}): 6,624,904 parameters for 1000 classes.
 *
 * <pre>
 * layer          output (224)   #1×1  #3×3red  #3×3  #"5×5"red  #"5×5"  pool proj
 * conv1          64×112×112     7×7/2
 * maxpool1       64×56×56       3×3/2
 * conv2, conv3   192×56×56      1×1 64, then 3×3 192
 * maxpool2       192×28×28      3×3/2
 * inception3a    256×28×28      64     96       128   16         32      32
 * inception3b    480×28×28      128    128      192   32         96      64
 * maxpool3       480×14×14      3×3/2
 * inception4a    512×14×14      192    96       208   16         48      64
 * inception4b    512×14×14      160    112      224   24         64      64
 * inception4c    512×14×14      128    128      256   24         64      64
 * inception4d    528×14×14      112    144      288   32         64      64
 * inception4e    832×14×14      256    160      320   32         128     128
 * maxpool4       832×7×7        2×2/2
 * inception5a    832×7×7        256    160      320   32         128     128
 * inception5b    1024×7×7       384    192      384   48         128     128
 * avgpool, dropout 0.2, fc (classes)
 * </pre>
 *
 * As in torchvision, every convolution is a {@code BasicConv2d}: convolution without bias,
 * batch norm with eps 0.001, ReLU (the paper predates batch norm); and the third branch of each
 * inception block, the paper's 5×5, is a 3×3 convolution with padding 1 — a known quirk of
 * torchvision's definition (its {@code Inception.branch3}) that we copy so parameter counts and
 * checkpoints match exactly. Layers carry torchvision's module names
 * ({@code inception4a.branch2.1.conv}, {@code inception4a.branch2.1.bn}, {@code fc}).
 *
 * <p>Pooling is torchvision's: every max-pool rounds its output size up ({@code ceil_mode=True});
 * the stride-2 ones are 3×3/2 without padding (112 → 56 → 28 → 14; the last window of each row
 * covers two pixels) and maxpool4 is 2×2/2 (14 → 7); the inception pool branches are 3×3/1 with
 * padding 1. The input is not re-normalized ({@code transform_input=False}, torchvision's
 * default without pretrained weights).
 *
 * <p>Small inputs ({@link ZooOptions#smallInput()}, e.g. 1×28×28): conv1 is 3×3, stride 1,
 * padding 1, and maxpool1 and maxpool2 are left out, so inception3a sees 28×28 as it does for
 * 224 input and the network from inception3a on is unchanged (28 → 14 → 7).
 */
public final class GoogLeNet {
    private GoogLeNet() {}

    /** The BN eps of torchvision's {@code BasicConv2d}. */
    static final double BN_EPS = 1e-3;

    /** GoogLeNet without auxiliary classifiers, for these options. */
    public static Network googlenet(ZooOptions o) {
        o.requireKnownSkips("googlenet", List.of());
        Network net = Network.sequential("googlenet", o.channels(), o.height(), o.width());
        if (o.smallInput()) {
            basicConv(net, "conv1", 64, 3, 1, 1);
        } else {
            basicConv(net, "conv1", 64, 7, 2, 3);
            net.maxPool(3, 2, 0).ceilMode(true).name("maxpool1");
        }
        basicConv(net, "conv2", 64, 1, 1, 0);
        basicConv(net, "conv3", 192, 3, 1, 1);
        if (!o.smallInput()) net.maxPool(3, 2, 0).ceilMode(true).name("maxpool2");
        inception(net, "inception3a", 64, 96, 128, 16, 32, 32);
        inception(net, "inception3b", 128, 128, 192, 32, 96, 64);
        net.maxPool(3, 2, 0).ceilMode(true).name("maxpool3");
        inception(net, "inception4a", 192, 96, 208, 16, 48, 64);
        inception(net, "inception4b", 160, 112, 224, 24, 64, 64);
        inception(net, "inception4c", 128, 128, 256, 24, 64, 64);
        inception(net, "inception4d", 112, 144, 288, 32, 64, 64);
        inception(net, "inception4e", 256, 160, 320, 32, 128, 128);
        net.maxPool(2, 2, 0).ceilMode(true).name("maxpool4");
        inception(net, "inception5a", 256, 160, 320, 32, 128, 128);
        inception(net, "inception5b", 384, 192, 384, 48, 128, 128);
        return net.globalAvgPool().name("avgpool").dropout(0.2).name("dropout").dense(o.classes()).name("fc").softmax();
    }

    /** torchvision's {@code BasicConv2d}: conv (no bias) named {@code NAME.conv}, BN {@code NAME.bn}, ReLU. */
    static Network basicConv(Network net, String name, int filters, int kernel, int stride, int padding) {
        return net.conv2d(filters, kernel, Conv2d.with().stride(stride).padding(padding).bias(false)).name(name + ".conv")
                .batchNorm(0.1, BN_EPS).name(name + ".bn").relu().name(name + ".relu");
    }

    /**
     * torchvision's {@code Inception} block on the current output: branch1 1×1; branch2 1×1
     * then 3×3; branch3 1×1 then 3×3 (the paper's 5×5, see the class comment); branch4 3×3/1
     * max-pool then 1×1; concatenated along channels into {@code c1 + c3 + c5 + pool} channels.
     */
    public static Network inception(Network net, String name, int c1, int r3, int c3, int r5, int c5, int pool) {
        Port x = net.output();
        Port b1 = basicConv(net.from(x), name + ".branch1", c1, 1, 1, 0).output();
        basicConv(net.from(x), name + ".branch2.0", r3, 1, 1, 0);
        Port b2 = basicConv(net, name + ".branch2.1", c3, 3, 1, 1).output();
        basicConv(net.from(x), name + ".branch3.0", r5, 1, 1, 0);
        Port b3 = basicConv(net, name + ".branch3.1", c5, 3, 1, 1).output();
        net.from(x).maxPool(3, 1, 1).ceilMode(true).name(name + ".branch4.0");
        Port b4 = basicConv(net, name + ".branch4.1", pool, 1, 1, 0).output();
        net.concat(b1, b2, b3, b4);
        return net.name(name);
    }
}
