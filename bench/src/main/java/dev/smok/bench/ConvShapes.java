package dev.smok.bench;

import dev.smok.cpu.conv.Conv2dKernels;
import dev.smok.cpu.conv.ConvGeometry;

import java.util.Random;

/**
 * The forward convolution kernel on one thread, batch 1, on shapes of ResNet-50 (its stage-2 3x3
 * stride-2 convolution, its 1x1 stride-2 shortcut, the 7x7 stride-2 stem, three of its 1x1
 * convolutions): best
 * GFLOP/s of 30 windows of 100 ms each. Run it in a checkout of an older commit and of the current
 * one, alternating, to compare kernels.
 *
 * <pre>
 * mvn -o -q -pl bench -am package -DskipTests
 * java --add-modules jdk.incubator.vector -cp bench/target/classes:codegen-cpu/target/classes:ir/target/classes dev.smok.bench.ConvShapes
 * </pre>
 */
public final class ConvShapes {
    private ConvShapes() {}

    public static void main(String[] args) {
        ConvGeometry[] shapes = {
            new ConvGeometry(1, 128, 56, 56, 128, 3, 3, 2, 2, 1, 1, 1, 1, 1), // layer2.0 conv2
            new ConvGeometry(1, 256, 56, 56, 512, 1, 1, 2, 2, 0, 0, 1, 1, 1), // layer2.0 downsample
            new ConvGeometry(1, 3, 224, 224, 64, 7, 7, 2, 2, 3, 3, 1, 1, 1),  // conv1, the stem
            new ConvGeometry(1, 256, 56, 56, 64, 1, 1, 1, 1, 0, 0, 1, 1, 1),  // layer1.1 conv1, a 1x1 reduction
            new ConvGeometry(1, 1024, 14, 14, 256, 1, 1, 1, 1, 0, 0, 1, 1, 1), // layer3.1 conv1
            new ConvGeometry(1, 512, 7, 7, 2048, 1, 1, 1, 1, 0, 0, 1, 1, 1),  // layer4.0 conv3, a 1x1 expansion
        };
        for (ConvGeometry g : shapes) {
            float[] x = random(g.n() * g.c() * g.h() * g.w()), w = random(g.o() * g.c() * g.kh() * g.kw());
            float[] y = new float[g.n() * g.o() * g.outH() * g.outW()], scratch = new float[Conv2dKernels.scratchPerThread(g)];
            double flop = 2.0 * g.n() * g.o() * g.outH() * g.outW() * g.c() * g.kh() * g.kw(), best = 0;
            for (int window = 0; window < 30; window++) {
                long t0 = System.nanoTime();
                int calls = 0;
                while (System.nanoTime() - t0 < 100_000_000L) {
                    Conv2dKernels.forward(g, x, 0, w, 0, null, y, 0, scratch, 0, 0, 1);
                    calls++;
                }
                best = Math.max(best, flop * calls / (System.nanoTime() - t0));
            }
            System.out.printf("%s  best %.1f GFLOP/s%n", g, best);
        }
    }

    private static float[] random(int n) {
        Random r = new Random(1);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = r.nextFloat();
        return a;
    }
}
