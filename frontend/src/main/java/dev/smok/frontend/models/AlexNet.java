package dev.smok.frontend.models;

import dev.smok.frontend.Conv2d;
import dev.smok.frontend.Network;

import java.util.List;

/**
 * AlexNet: Krizhevsky, Sutskever and Hinton, "ImageNet Classification with Deep Convolutional
 * Neural Networks" (NIPS 2012), in torchvision's variant ({@code torchvision.models.alexnet},
 * after Krizhevsky's "One weird trick", 2014): one tower, 64-192-384-256-256 filters, no local
 * response normalization. 61,100,840 parameters for 1000 classes.
 *
 * <pre>
 * module          layer                             output (224)
 * features.0      conv 11×11, 64, stride 4, pad 2   64×55×55
 * features.2      max-pool 3×3, stride 2            64×27×27
 * features.3      conv 5×5, 192, pad 2              192×27×27
 * features.5      max-pool 3×3, stride 2            192×13×13
 * features.6      conv 3×3, 384, pad 1              384×13×13
 * features.8      conv 3×3, 256, pad 1              256×13×13
 * features.10     conv 3×3, 256, pad 1              256×13×13
 * features.12     max-pool 3×3, stride 2            256×6×6
 * avgpool         adaptive average pool to 6×6      (see below)
 * classifier.1    dropout 0.5, dense 4096           9216 → 4096
 * classifier.4    dropout 0.5, dense 4096
 * classifier.6    dense (classes)
 * </pre>
 *
 * Every convolution and the first two dense layers are followed by ReLU. Layers carry
 * torchvision's module names, so parameters are named as in its state dict.
 *
 * <p>Adaptive average pooling: Smok has no adaptive pool. For 224×224 input the features are
 * already 6×6, where torchvision's pool is the identity, so none is added; where the feature map
 * is a multiple of 6 on each side an average pool with window = stride = side/6 is exactly
 * adaptive pooling; for any other size the classifier's input is whatever the features give
 * (unlike torchvision, which resamples to 6×6). Inputs too small for the three max-pools
 * (MNIST's 28×28) are rejected by the first pooling layer that no longer fits.
 */
public final class AlexNet {
    private AlexNet() {}

    /** torchvision's AlexNet for these options. */
    public static Network alexnet(ZooOptions o) {
        o.requireKnownSkips("alexnet", List.of());
        Network net = Network.sequential("alexnet", o.channels(), o.height(), o.width())
                .conv2d(64, 11, Conv2d.with().stride(4).padding(2)).name("features.0").relu().maxPool(3, 2, 0).name("features.2")
                .conv2d(192, 5, Conv2d.with().padding(2)).name("features.3").relu().maxPool(3, 2, 0).name("features.5")
                .conv2d(384, 3, Conv2d.with().padding(1)).name("features.6").relu()
                .conv2d(256, 3, Conv2d.with().padding(1)).name("features.8").relu()
                .conv2d(256, 3, Conv2d.with().padding(1)).name("features.10").relu().maxPool(3, 2, 0).name("features.12");
        adaptiveAvgPool(net, 6);
        return net.flatten()
                .dropout(0.5).dense(4096).name("classifier.1").relu()
                .dropout(0.5).dense(4096).name("classifier.4").relu()
                .dense(o.classes()).name("classifier.6").softmax();
    }

    /**
     * Adaptive average pooling to {@code side}×{@code side} where it is a fixed pool: nothing when
     * the map already has that size, an average pool of window side/{@code side} where both sides
     * are that multiple; otherwise nothing (the classifier takes the map as it is).
     */
    static Network adaptiveAvgPool(Network net, int side) {
        int h = net.outputShape().dim(1), w = net.outputShape().dim(2);
        if (h == w && h > side && h % side == 0) net.avgPool(h / side).name("avgpool");
        return net;
    }
}
