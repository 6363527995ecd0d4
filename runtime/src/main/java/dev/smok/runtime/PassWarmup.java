package dev.smok.runtime;

import dev.smok.frontend.Loss;
import dev.smok.frontend.Network;
import dev.smok.optimizer.OptimizerSpec;
import dev.smok.optimizer.Pipelines;

/**
 * The first model compiled in a JVM pays for loading the lowering and the optimizer passes
 * (autodiff, CSE, DCE ...) and for running them in the interpreter before the JIT has seen them:
 * about 50 ms of the MLP training graph's 60 ms of passes here. This runs the same code on a
 * tiny network (6-5-3, both pipelines) on a background thread, started by the first
 * {@link Model}, so the work overlaps what comes before the model's own compile instead of
 * adding to it. Nothing it computes is kept; a failure is printed by the thread's default handler
 * and the model's own compile then meets it and reports it. The CPU backend warms its code
 * generator the same way ({@code dev.smok.cpu.CodegenWarmup}).
 */
final class PassWarmup {
    private PassWarmup() {}

    private static volatile boolean started;

    /** Starts the warm-up with {@code optimizer}'s training pipeline, unless one ran in this JVM. */
    static void start(OptimizerSpec optimizer) {
        if (started) return;
        synchronized (PassWarmup.class) {
            if (started) return;
            started = true;
        }
        Thread t = new Thread(() -> run(optimizer), "smok-pass-warmup");
        t.setDaemon(true);
        t.start();
    }

    private static void run(OptimizerSpec optimizer) {
        Network net = Network.sequential("pass_warmup", 6).dense(5).relu().dense(3).softmax();
        Pipelines.training(optimizer).run(net.training(4, Loss.CROSS_ENTROPY));
        Pipelines.inference().run(net.inference(4));
    }
}
