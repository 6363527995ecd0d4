package dev.smok.frontend.models;

import dev.smok.frontend.Conv2d;
import dev.smok.frontend.Network;

import java.util.List;

/**
 * ZFNet: Zeiler and Fergus, "Visualizing and Understanding Convolutional Networks" (2013,
 * arXiv:1311.2901; ECCV 2014), figure 3 and table 1 (its "our model"). torchvision has no ZFNet;
 * this follows the paper. 62,357,608 parameters for 1000 classes.
 *
 * <pre>
 * layer    paper (figure 3)                                   here                               output (224)
 * conv1    96 filters 7×7, stride 2                            pad 1, ReLU                        96×110×110
 *          3×3 max pool, stride 2; contrast norm.              pool pad 1, LRN 5                  96×55×55
 * conv2    256 filters 5×5, stride 2                           pad 0, ReLU                        256×26×26
 *          3×3 max pool, stride 2; contrast norm.              pool pad 1, LRN 5                  256×13×13
 * conv3    384 filters 3×3, stride 1                           pad 1, ReLU                        384×13×13
 * conv4    384 filters 3×3, stride 1                           pad 1, ReLU                        384×13×13
 * conv5    256 filters 3×3, stride 1                           pad 1, ReLU                        256×13×13
 *          3×3 max pool, stride 2                              pool pad 0                         256×6×6
 * fc6      4096 units                                          dropout 0.5, dense, ReLU           4096
 * fc7      4096 units                                          dropout 0.5, dense, ReLU           4096
 * fc8      C-way softmax                                       dense (classes), softmax           classes
 * </pre>
 *
 * The paper gives the map sizes but not the paddings; the paddings above are the ones that
 * reproduce its sizes (110, 55, 26, 13, 13, 13, 6) from a 224×224 input. "Contrast
 * normalization across feature maps" is AlexNet's local response normalization (size 5,
 * alpha 1e-4, beta 0.75, k 2). Every convolution and dense layer has a bias. Inputs too small
 * for the three max-pools are rejected by the first pooling layer that no longer fits.
 */
public final class ZfNet {
    private ZfNet() {}

    /** ZFNet for these options. */
    public static Network zfnet(ZooOptions o) {
        o.requireKnownSkips("zfnet", List.of());
        Network net = Network.sequential("zfnet", o.channels(), o.height(), o.width())
                .conv2d(96, 7, Conv2d.with().stride(2).padding(1)).name("conv1").relu().maxPool(3, 2, 1).lrn(5, 1e-4, 0.75, 2)
                .conv2d(256, 5, Conv2d.with().stride(2)).name("conv2").relu().maxPool(3, 2, 1).lrn(5, 1e-4, 0.75, 2)
                .conv2d(384, 3, Conv2d.with().padding(1)).name("conv3").relu()
                .conv2d(384, 3, Conv2d.with().padding(1)).name("conv4").relu()
                .conv2d(256, 3, Conv2d.with().padding(1)).name("conv5").relu().maxPool(3, 2, 0);
        return net.flatten()
                .dropout(0.5).dense(4096).name("fc6").relu()
                .dropout(0.5).dense(4096).name("fc7").relu()
                .dense(o.classes()).name("fc8").softmax();
    }
}
