package dev.smok.frontend.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smok.frontend.Conv2d;
import dev.smok.frontend.Loss;
import dev.smok.frontend.Network;
import dev.smok.frontend.NetworkException;
import dev.smok.frontend.ParamSpec;
import dev.smok.ir.Graph;
import dev.smok.ir.Shape;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * The model zoo, from shapes only (nothing runs): exact parameter counts against torchvision's
 * (and ZFNet's from the paper), the MAC rule, torchvision's parameter names, the small-input
 * stems, and leaving blocks out.
 */
class ZooTest {
    /** torchvision's {@code sum(p.numel() for p in model.parameters())}; ZFNet's from its layer table. */
    static final Map<String, Long> IMAGENET_PARAMS = new LinkedHashMap<>();

    static {
        IMAGENET_PARAMS.put("alexnet", 61_100_840L);
        // conv1 96·3·49+96, conv2 256·96·25+256, conv3 384·256·9+384, conv4 384·384·9+384, conv5 256·384·9+256,
        // fc6 9216·4096+4096, fc7 4096·4096+4096, fc8 4096·1000+1000
        IMAGENET_PARAMS.put("zfnet", 14_208L + 614_656 + 885_120 + 1_327_488 + 884_992 + 37_752_832 + 16_781_312 + 4_097_000);
        IMAGENET_PARAMS.put("vgg11", 132_863_336L);
        IMAGENET_PARAMS.put("vgg16", 138_357_544L);
        IMAGENET_PARAMS.put("vgg19", 143_667_240L);
        IMAGENET_PARAMS.put("googlenet", 6_624_904L);
        IMAGENET_PARAMS.put("resnet18", 11_689_512L);
        IMAGENET_PARAMS.put("resnet34", 21_797_672L);
        IMAGENET_PARAMS.put("resnet50", 25_557_032L);
        IMAGENET_PARAMS.put("resnet101", 44_549_160L);
        IMAGENET_PARAMS.put("resnet152", 60_192_808L);
    }

    @Test void everyModelHasTorchvisionsParameterCountExactly() {
        assertEquals(IMAGENET_PARAMS.keySet(), Zoo.names());
        assertEquals(62_357_608L, IMAGENET_PARAMS.get("zfnet"));
        for (var e : IMAGENET_PARAMS.entrySet()) {
            Network net = Zoo.build(e.getKey());
            assertEquals(e.getValue(), net.paramCount(), e.getKey());
            assertEquals(Shape.of(1000), net.outputShape(), e.getKey());
            assertEquals(Shape.of(3, 224, 224), net.inputShape(), e.getKey());
        }
    }

    @Test void resnet50HasTorchvisionStyleMacs() {
        long macs = Zoo.build("resnet50").macs();
        assertEquals(4_089_184_256L, macs);
        assertTrue(macs > 4.0e9 && macs < 4.2e9, "ResNet-50 is about 4.1 GMACs, got " + macs);
        // published conv+fc counts of the others (torchvision's "GFLOPS" column)
        assertEquals(714_188_480L, Zoo.build("alexnet").macs());
        assertEquals(15_470_264_320L, Zoo.build("vgg16").macs());
        assertEquals(1_814_073_344L, Zoo.build("resnet18").macs());
    }

    @Test void macsCountConvolutionsAndDenseLayersOnly() {
        Network net = Network.sequential("rule", 4, 8, 8)
                .conv2d(6, 3, Conv2d.with().padding(1).groups(2).bias(false)).batchNorm().relu();
        Network.Port x = net.output();
        net.conv2d(6, 1).relu();
        net.add(net.output(), x);
        net.maxPool(2).lrn(3).globalAvgPool().dense(5).softmax();
        // conv 6·8·8 · (4/2)·3·3, 1x1 conv 6·8·8 · 6, dense 6·5; BN, ReLU, add, pool, LRN, softmax 0
        assertEquals(6 * 64 * 18 + 6 * 64 * 6 + 30, net.macs());
        assertTrue(net.summaryJson().contains("\"macs\": " + net.macs()), net.summaryJson());
    }

    private static Map<String, Shape> paramShapes(Network net) {
        return net.params().stream().collect(Collectors.toMap(ParamSpec::name, ParamSpec::shape));
    }

    @Test void parametersHaveTorchvisionsNames() {
        Map<String, Shape> r50 = paramShapes(Zoo.build("resnet50"));
        assertEquals(Shape.of(64, 3, 7, 7), r50.get("conv1.weight"));
        assertEquals(Shape.of(256, 64, 1, 1), r50.get("layer1.0.downsample.0.weight"));
        assertEquals(Shape.of(128, 128, 3, 3), r50.get("layer2.0.conv2.weight")); // v1.5: the 3x3 strides
        assertEquals(Shape.of(2048), r50.get("layer4.2.bn3.bias"));
        assertEquals(Shape.of(1000, 2048), r50.get("fc.weight"));
        assertEquals(161, r50.size()); // len(resnet50().parameters())
        Map<String, Shape> g = paramShapes(Zoo.build("googlenet"));
        assertEquals(Shape.of(32, 16, 3, 3), g.get("inception3a.branch3.1.conv.weight")); // torchvision's "5x5" is 3x3
        assertEquals(Shape.of(1000, 1024), g.get("fc.weight"));
        assertTrue(!g.containsKey("conv1.conv.bias"), "BasicConv2d has no conv bias");
        assertEquals(Shape.of(4096, 25_088), paramShapes(Zoo.build("vgg16")).get("classifier.0.weight"));
        assertEquals(Shape.of(256, 256, 3, 3), paramShapes(Zoo.build("alexnet")).get("features.10.weight"));
        assertEquals(Shape.of(96, 3, 7, 7), paramShapes(Zoo.build("zfnet")).get("conv1.weight"));
    }

    @Test void classesAndInputSizeAreOptions() {
        ZooOptions o = ZooOptions.imagenet().classes(10).input("1x28x28");
        assertEquals(new ZooOptions(10, 1, 28, 28, Set.of()), o);
        assertTrue(o.smallInput());
        assertEquals(Shape.of(10), Zoo.build("vgg11", ZooOptions.imagenet().classes(10).input(3, 32, 32)).outputShape());
        assertThrows(NetworkException.class, () -> ZooOptions.imagenet().input("28 by 28"));
        NetworkException e = assertThrows(NetworkException.class, () -> Zoo.build("alexnet", o));
        assertTrue(e.getMessage().startsWith("alexnet does not fit a 1x28x28 input (maxpool2d"), e.getMessage());
        assertTrue(e.getMessage().endsWith("use resnet18, resnet34, resnet50, resnet101, resnet152, googlenet, which have small-input stems"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Zoo.build("resnet99"));
    }

    @Test void mnistResnet18HasTheCifarStem() {
        Network net = Zoo.build("resnet18", ZooOptions.imagenet().classes(10).input(1, 28, 28));
        // resnet18 less conv1's 64·3·49 and fc's 512·990 (+990 bias), plus a 64·1·9 conv1
        assertEquals(11_689_512L - 64 * 3 * 49 - 513 * 990 + 64 * 9, net.paramCount());
        assertEquals(Shape.of(10), net.outputShape());
        String s = net.summary();
        assertTrue(s.contains("conv1 (Conv2d)") && s.contains("64x28x28"), s);
        assertTrue(!s.contains("MaxPool2d"), s);
        assertTrue(s.contains("layer4.1.relu (Relu)") && s.contains("512x4x4"), s);
        assertEquals(455_800_832L, net.macs());
        Graph g = net.inference(1);
        assertEquals(Shape.of(1, 10), g.outputs().get("y").shape());
        net.training(1, Loss.CROSS_ENTROPY);
    }

    @Test void googlenetPoolsRoundUpLikeTorchvision() {
        // torchvision's googlenet(aux_logits=False, init_weights=True): the output sizes of its ceil_mode max-pools
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (Network.Port p : Zoo.build("googlenet").layers()) shapes.put(p.name(), p.shape());
        assertEquals(Shape.of(64, 112, 112), shapes.get("conv1.relu"));
        assertEquals(Shape.of(64, 56, 56), shapes.get("maxpool1"));
        assertEquals(Shape.of(192, 28, 28), shapes.get("maxpool2"));
        assertEquals(Shape.of(480, 14, 14), shapes.get("maxpool3"));
        assertEquals(Shape.of(832, 7, 7), shapes.get("maxpool4"));
        assertEquals(Shape.of(192, 28, 28), shapes.get("inception3a.branch4.0")); // 3x3/1, padding 1: same size
        assertEquals(Shape.of(1024, 7, 7), shapes.get("inception5b"));
        assertEquals(1_498_376_192L, Zoo.build("googlenet").macs());
        String ir = Zoo.build("googlenet").inference(1).toString();
        assertTrue(ir.contains("f32[1,64,56,56] = max_pool(%") && ir.contains("{ceil_mode=true, kernel=[3,3], padding=[0,0], stride=[2,2]}"), ir);
        // without ceil_mode, 3x3/2 without padding would give 55
        assertEquals(Shape.of(1, 55, 55), Network.sequential("floor", 1, 112, 112).maxPool(3, 2, 0).outputShape());
        assertEquals(Shape.of(1, 56, 56), Network.sequential("ceil", 1, 112, 112).maxPool(3, 2, 0).ceilMode(true).outputShape());
        NetworkException e = assertThrows(NetworkException.class, () -> Network.sequential("bad", 1, 8, 8).relu().ceilMode(true));
        assertTrue(e.getMessage().startsWith("ceilMode(...) must follow a pooling layer"), e.getMessage());
    }

    @Test void mnistGoogLeNetHasASmallStem() {
        Network net = Zoo.build("googlenet", ZooOptions.imagenet().classes(10).input(1, 28, 28));
        // googlenet less conv1's 64·3·49 and fc's 1024·990 (+990 bias), plus a 64·1·9 conv1
        assertEquals(6_624_904L - 64 * 3 * 49 - 1025 * 990 + 64 * 9, net.paramCount());
        String s = net.summary();
        assertTrue(s.contains("inception3a (Concat)") && s.contains("256x28x28"), s);
        assertTrue(s.contains("inception5b (Concat)") && s.contains("1024x7x7"), s);
        assertEquals(Shape.of(1, 10), net.inference(1).outputs().get("y").shape());
        net.training(1, Loss.CROSS_ENTROPY);
    }

    @Test void leftOutBlocksKeepTheOtherParametersNames() {
        ZooOptions small = ZooOptions.imagenet().classes(10).input(1, 28, 28);
        Map<String, Shape> full = paramShapes(Zoo.build("resnet18", small));
        Network lesioned = Zoo.build("resnet18", small.skip("layer1.1", "layer3.0"));
        Map<String, Shape> kept = paramShapes(lesioned);
        for (var e : kept.entrySet()) assertEquals(full.get(e.getKey()), e.getValue(), e.getKey());
        assertTrue(!kept.containsKey("layer1.1.conv1.weight") && !kept.containsKey("layer3.0.conv2.weight"));
        assertTrue(kept.containsKey("layer3.0.downsample.0.weight"), "a left-out projection block keeps its shortcut");
        // layer1.1: two 3x3 64→64 convs and two BNs; layer3.0 less its projection: 128→256 and 256→256 3x3 convs, two BNs
        long removed = 2 * (64 * 64 * 9 + 128) + (256 * 128 * 9 + 256 * 256 * 9 + 2 * 512);
        assertEquals(Zoo.build("resnet18", small).paramCount() - removed, lesioned.paramCount());
        assertEquals(Shape.of(10), lesioned.outputShape());
        NetworkException e = assertThrows(NetworkException.class, () -> Zoo.build("resnet18", small.skip("layer5.0")));
        assertTrue(e.getMessage().contains("layer4.1"), e.getMessage());
    }

    @Test void vggStyleLayersAreLeftOutWhereTheIdentityFits() {
        int[] config = {16, 16, Vgg.M, 32, 32};
        ZooOptions o = ZooOptions.imagenet().classes(10).input(1, 28, 28);
        Network full = Vgg.build("plain", config, true, Vgg.Head.GLOBAL_POOL, o);
        Network lesioned = Vgg.build("plain", config, true, Vgg.Head.GLOBAL_POOL, o.skip("features.3"));
        assertEquals(full.paramCount() - (16 * 16 * 9 + 16 + 32), lesioned.paramCount());
        assertTrue(paramShapes(full).keySet().containsAll(paramShapes(lesioned).keySet()));
        // features.0 conv, .1 BN, .2 ReLU, .3 conv, .4 BN, .5 ReLU, .6 pool, .7 conv (16→32)
        NetworkException e = assertThrows(NetworkException.class, () -> Vgg.build("plain", config, true, Vgg.Head.GLOBAL_POOL, o.skip("features.7")));
        assertTrue(e.getMessage().contains("turns 16 channels into 32"), e.getMessage());
        assertEquals(java.util.List.of("features.3", "features.10"), Vgg.deletableLayers(config, true, 1));
        assertEquals(java.util.List.of("layer1.0", "layer1.1", "layer2.0"), ResNet.blockNames(new int[] {2, 1}));
    }
}
