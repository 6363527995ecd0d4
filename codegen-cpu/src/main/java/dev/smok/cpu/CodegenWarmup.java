package dev.smok.cpu;

import dev.smok.ir.Graph;
import dev.smok.ir.GraphBuilder;
import dev.smok.ir.Shape;
import dev.smok.ir.Value;

/**
 * Makes the first compilation in a JVM cheaper by doing, on a background thread, the one-time
 * work it would otherwise do on the caller's: loading and initialising the Vector API (its
 * species and vector classes, about 70 ms of CPU here), ASM, the backend's planners and
 * emitters, and the hidden-class machinery. It compiles and runs a tiny graph that uses those
 * paths (a product with a fused epilogue, transposed products, a reduction, a softmax) once.
 *
 * <p>{@link CpuBackend}'s constructor starts it, once per JVM, so it overlaps whatever the program
 * does before its first {@link CpuBackend#compile} (lowering a network and running the optimizer
 * passes take longer than the warm-up). A compile that starts earlier simply shares the class
 * loading with it. The warm-up leaves nothing behind that a compile reads: every compilation
 * still builds its own plans, kernels and class. A failure is printed by the thread's default
 * handler; the real compile then meets the same failure and reports it.
 */
final class CodegenWarmup {
    private CodegenWarmup() {}

    private static volatile boolean started;

    /** Starts the warm-up thread unless one was started before in this JVM. */
    static void start() {
        if (started) return;
        synchronized (CodegenWarmup.class) {
            if (started) return;
            started = true;
        }
        Thread t = new Thread(CodegenWarmup::run, "smok-cpu-codegen-warmup");
        t.setDaemon(true);
        t.start();
    }

    private static void run() {
        try (CpuExecutable ex = new CpuBackend(2, true, KernelPlan.SUPPORTED, false).compile(graph(), null)) {
            ex.run();
        }
    }

    /** A few of each kernel kind: GEMM with a bias + relu epilogue, both transposes, a row reduction, a softmax. */
    static Graph graph() {
        GraphBuilder b = new GraphBuilder("codegen_warmup");
        Value x = b.input("x", Shape.of(7, 5));
        Value w = b.param("w", Shape.of(5, 9));
        Value h = b.relu(b.biasAdd(b.matmul(x, w), b.param("bias", Shape.of(9))));
        b.output("p", b.softmax(h));
        b.output("gw", b.matmul(x, h, true, false));
        b.output("gx", b.matmul(h, w, false, true));
        b.output("s", b.reduceSum(h, false, 0));
        return b.build();
    }
}
