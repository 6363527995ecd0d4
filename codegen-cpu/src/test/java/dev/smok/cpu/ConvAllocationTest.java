package dev.smok.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.smok.ir.Attrs;
import dev.smok.ir.Graph;
import dev.smok.ir.GraphBuilder;
import dev.smok.ir.Op;
import dev.smok.ir.Shape;
import dev.smok.ir.Value;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Map;

/**
 * Steady-state runs of a graph with the kernel-object ops (convolutions split over 2 threads, on
 * both tile kernels,
 * pooling, batch norm, dropout, concat, the channel-sum bias gradient) allocate zero bytes on
 * the calling thread and on the worker, measured as in {@link AllocationTest}.
 */
class ConvAllocationTest {
    @Test
    void convolutionalStepAllocatesNothing() {
        GraphBuilder b = new GraphBuilder("conv_alloc");
        Value x = b.input("x", Shape.of(2, 16, 20, 20));
        Value w = b.param("w", Shape.of(32, 16, 3, 3));
        Attrs conv = Attrs.of("stride", new int[] {2, 2}, "padding", new int[] {1, 1});
        Value y = b.op(Op.CONV2D, conv, x, w);
        Value bn = b.op(Op.BATCH_NORM_TRAIN, Attrs.of("eps", 1e-5f), y, b.param("gamma", Shape.of(32)), b.param("beta", Shape.of(32)));
        Value d = b.op(Op.DROPOUT, Attrs.of("p", 0.25f, "seed", 7), b.relu(bn), b.state("step", Shape.of(1)));
        Value p = b.op(Op.MAX_POOL, Attrs.of("kernel", new int[] {2, 2}), d);
        b.output("p", b.op(Op.CONCAT, Attrs.of("axis", 1), p, p));
        Value g = b.input("g", y.shape());
        b.output("dx", b.op(Op.CONV2D_INPUT_GRAD, Attrs.of("stride", new int[] {2, 2}, "padding", new int[] {1, 1}, "input_size", new int[] {20, 20}), g, w));
        b.output("dw", b.op(Op.CONV2D_WEIGHT_GRAD, Attrs.of("stride", new int[] {2, 2}, "padding", new int[] {1, 1}, "kernel", new int[] {3, 3}), x, g));
        b.output("db", b.reduceSum(g, false, 0, 2, 3));
        // a stride-1 convolution with a ReLU epilogue: the channel-tiled forward kernel
        b.output("s1", b.relu(b.op(Op.CONV2D, Attrs.of("padding", new int[] {1, 1}), x, b.param("w1", Shape.of(16, 16, 3, 3)))));
        Graph graph = b.build();
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (CpuExecutable ex = new CpuBackend(2).compile(graph, null)) {
            Map<String, float[]> in = Oracle.randomInputs(graph, 1, -0.5f, 0.5f, 2);
            in.forEach((k, v) -> ex.buffer(k).copyFrom(v, 0));
            long[] workers = ex.workerThreadIds();
            long caller = -1, pool = -1;
            for (int window = 0; window < 300; window++) {
                long[] w0 = mx.getThreadAllocatedBytes(workers);
                long c0 = mx.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 20; i++) ex.run();
                caller = mx.getCurrentThreadAllocatedBytes() - c0;
                long[] w1 = mx.getThreadAllocatedBytes(workers);
                pool = 0;
                for (int i = 0; i < workers.length; i++) pool += w1[i] - w0[i];
                if (caller == 0 && pool == 0 && window >= 3) break;
            }
            assertEquals(0, caller, "bytes allocated by the calling thread in 20 steady-state runs");
            assertEquals(0, pool, "bytes allocated by the worker in 20 steady-state runs");
        }
    }
}
