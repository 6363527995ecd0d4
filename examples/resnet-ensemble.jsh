// Residual networks behave like ensembles of shallow networks (Veit, Wilber and Belongie,
// "Residual Networks Behave Like Ensembles of Relatively Shallow Networks", NIPS 2016, figure 3):
// deleting a single block from a trained ResNet costs little accuracy, deleting a single layer
// from a plain VGG-style network of the same depth destroys it.
//
// Run:  ./smok run examples/resnet-ensemble.jsh
// Knobs (system properties, e.g. JAVA_TOOL_OPTIONS=-Dtrain=2000):
//   train (training images, default 8000), test (test images, default 2000), epochs (default 3), batch (default 64),
//   blocks (residual blocks per stage, default 5), backend (default cpu; "interpreter" is the slow reference), seed (default 1).
//
// How a block is deleted: both networks are built from the zoo's builders with
// ZooOptions.skip(name). A left-out ResNet block becomes its shortcut (the identity, or
// ReLU(projection) for the two blocks that change the resolution); a left-out VGG layer (conv,
// batch norm, ReLU) becomes the identity, which is possible only where it keeps its channels.
// Every other layer keeps its name, so the lesioned network takes the trained values by name:
// lesioned.setParameters(trained.state()) copies the parameters and the batch-norm statistics
// and ignores those of the deleted block. No retraining.

import dev.smok.ir.*;
import dev.smok.frontend.*;
import dev.smok.frontend.models.*;
import dev.smok.optimizer.OptimizerSpec;
import dev.smok.runtime.*;
import dev.smok.runtime.data.*;

int trainImages = Integer.getInteger("train", 8000);
int testImages = Integer.getInteger("test", 2000);
int epochs = Integer.getInteger("epochs", 3);
int batch = Integer.getInteger("batch", 64);
int blocks = Integer.getInteger("blocks", 5);
String backend = System.getProperty("backend", "cpu");
long seed = Long.getLong("seed", 1);

Datasets.Split mnist = Datasets.load("mnist-sample");
Dataset trainSet = mnist.train().head(trainImages);
Dataset testSet = mnist.test().head(testImages);
ZooOptions small = new ZooOptions(10, 1, 28, 28, java.util.Set.of());

// A ResNet for 28x28: 3x3 stem (16), three stages of `blocks` basic blocks (16, 32, 64 filters):
// 5 per stage (the default) is CIFAR's ResNet-32, 31 convolutions on the longest path and 15 blocks;
// Veit et al. used 18 per stage (ResNet-110). With 2 per stage each block is a large part of the
// network and deleting any but the last costs about half the accuracy (docs/zoo/resnet-ensemble-2blocks.log).
int[] depths = {blocks, blocks, blocks};
int[] widths = {16, 32, 64};
java.util.function.Function<ZooOptions, Network> resnet =
        o -> ResNet.build("resnet_small", ResNet.Block.BASIC, depths, widths, o);

// A plain network of the same depth: 13 3x3 conv-BN-ReLU layers, max-pools where the ResNet
// strides, global average pool, dense 10.
int M = Vgg.M;
int[] plainConfig = {16, 16, 16, 16, 16, M, 32, 32, 32, 32, M, 64, 64, 64, 64};
java.util.function.Function<ZooOptions, Network> plain =
        o -> Vgg.build("plain_small", plainConfig, true, Vgg.Head.GLOBAL_POOL, o);

Options options = new Options().batch(batch).backend(backend).seed(seed).optimizer(OptimizerSpec.adam(1e-3f));

// Trains a network; returns its trained parameters and states by name, and prints its accuracy.
java.util.Map<String, Tensor> train(Network net) {
    try (Model m = Smok.compile(net.seed(seed), options)) {
        System.out.printf("training %s (%,d parameters, %,d MACs per image) on %,d images%n",
                net.name(), net.paramCount(), net.macs(), trainSet.count());
        Trainer.History h = Trainer.fit(m, trainSet, testSet, epochs, ProgressBar.forConsole());
        System.out.printf("%s: test accuracy %.4f%n", net.name(), h.last().testAccuracy());
        return m.state();
    }
}

// The test accuracy of `net` (a lesioned network) with the trained values copied in by name.
double accuracyWith(Network net, java.util.Map<String, Tensor> trained) {
    try (Model m = Smok.compile(net, options)) {
        m.setParameters(trained);
        return m.accuracy(testSet);
    }
}

// Deletes each name in turn and prints the accuracy without it.
void lesion(String title, java.util.function.Function<ZooOptions, Network> build, java.util.List<String> names,
            java.util.Map<String, Tensor> trained) {
    System.out.printf("%n%s%n%-14s %s%n", title, "deleted", "test accuracy");
    System.out.printf("%-14s %.4f%n", "(none)", accuracyWith(build.apply(small), trained));
    for (String name : names) System.out.printf("%-14s %.4f%n", name, accuracyWith(build.apply(small.skip(name)), trained));
}

var resnetTrained = train(resnet.apply(small));
var plainTrained = train(plain.apply(small));

lesion("ResNet: one residual block deleted (layer2.0 and layer3.0 keep their projection shortcut)",
        resnet, ResNet.blockNames(depths), resnetTrained);
lesion("Plain network: one conv-BN-ReLU layer deleted (only layers that keep their channels)",
        plain, Vgg.deletableLayers(plainConfig, true, 1), plainTrained);

System.out.println();
System.out.println("Expected (Veit et al., 2016, figure 3): the ResNet stays near its accuracy for most deletions,");
System.out.println("dropping most where a block changes the resolution; the plain network falls towards chance (0.10).");
