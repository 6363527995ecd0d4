package dev.smok.frontend.models;

import dev.smok.frontend.Conv2d;
import dev.smok.frontend.Network;
import dev.smok.frontend.Network.Port;

/**
 * Built-in convolutional networks and the two branching blocks they are made of. Every model
 * takes 1×28×28 images (MNIST, Fashion-MNIST) and ends in a 10-way softmax, which training
 * folds into the cross-entropy loss.
 */
public final class Cnns {
    private Cnns() {}

    private static Conv2d.Options same() { return Conv2d.with().padding(1); }

    /**
     * LeNet-5 as usually trained on MNIST: conv 6@5×5 (padding 2), ReLU, max-pool 2, conv 16@5×5,
     * ReLU, max-pool 2, dense 120, 84, 10. Exactly 61,706 parameters.
     */
    public static Network lenet5() {
        return Network.sequential("lenet5", 1, 28, 28)
                .conv2d(6, 5, Conv2d.with().padding(2)).relu().maxPool(2)
                .conv2d(16, 5).relu().maxPool(2)
                .flatten()
                .dense(120).relu()
                .dense(84).relu()
                .dense(10).softmax();
    }

    /**
     * A small conv-BN-ReLU network for Fashion-MNIST: two stages of two 3×3 convolutions (32,
     * then 64 filters; no conv bias, batch norm supplies it), each stage ending in a 2×2
     * max-pool, then dropout, dense 128 and dense 10. About 18M MACs per image.
     */
    public static Network cnn() {
        Network net = Network.sequential("cnn", 1, 28, 28);
        for (int filters : new int[] {32, 64}) {
            net.conv2d(filters, 3, same().bias(false)).batchNorm().relu()
               .conv2d(filters, 3, same().bias(false)).batchNorm().relu()
               .maxPool(2);
        }
        return net.dropout(0.25).flatten()
                .dense(128).relu().dropout(0.25)
                .dense(10).softmax();
    }

    /**
     * A ResNet basic block on the current output: conv-BN-ReLU-conv-BN, plus the input (through a
     * 1×1 strided conv-BN when the channels or stride change), then ReLU.
     */
    public static Network residualBlock(Network net, int filters, int stride) {
        Port x = net.output();
        net.conv2d(filters, 3, same().stride(stride).bias(false)).batchNorm().relu()
           .conv2d(filters, 3, same().bias(false)).batchNorm();
        Port body = net.output();
        Port shortcut = x;
        if (stride != 1 || x.shape().dim(0) != filters) {
            shortcut = net.from(x).conv2d(filters, 1, Conv2d.with().stride(stride).bias(false)).batchNorm().output();
        }
        net.add(body, shortcut);
        return net.relu();
    }

    /**
     * A GoogLeNet inception block on the current output: four parallel branches — 1×1; 1×1
     * reduction then 3×3; 1×1 reduction then 5×5; 3×3 max-pool then 1×1 projection — each
     * with ReLU, concatenated along channels.
     */
    public static Network inceptionBlock(Network net, int c1, int r3, int c3, int r5, int c5, int pool) {
        Port x = net.output();
        Port b1 = net.from(x).conv2d(c1, 1).relu().output();
        Port b3 = net.from(x).conv2d(r3, 1).relu().conv2d(c3, 3, Conv2d.with().padding(1)).relu().output();
        Port b5 = net.from(x).conv2d(r5, 1).relu().conv2d(c5, 5, Conv2d.with().padding(2)).relu().output();
        Port bp = net.from(x).maxPool(3, 1, 1).conv2d(pool, 1).relu().output();
        net.concat(b1, b3, b5, bp);
        return net;
    }

    /** A small residual network: stem, three basic blocks (16, 32, 64 filters), global pooling. */
    public static Network resnetMini() {
        Network net = Network.sequential("resnet_mini", 1, 28, 28)
                .conv2d(16, 3, same().bias(false)).batchNorm().relu();
        residualBlock(net, 16, 1);
        residualBlock(net, 32, 2);
        residualBlock(net, 64, 2);
        return net.globalAvgPool().dense(10).softmax();
    }

    /** A small inception network: stem, two inception blocks around a pooling layer, global pooling. */
    public static Network inceptionMini() {
        Network net = Network.sequential("inception_mini", 1, 28, 28)
                .conv2d(32, 3, same()).relu().maxPool(2);
        inceptionBlock(net, 16, 16, 24, 4, 8, 8);
        net.maxPool(3, 2, 1);
        inceptionBlock(net, 32, 24, 48, 8, 16, 16);
        return net.globalAvgPool().dense(10).softmax();
    }
}
