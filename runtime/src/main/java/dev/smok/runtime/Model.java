package dev.smok.runtime;

import dev.smok.frontend.Loss;
import dev.smok.frontend.Network;
import dev.smok.ir.Backend;
import dev.smok.ir.Executable;
import dev.smok.ir.Graph;
import dev.smok.ir.Input;
import dev.smok.ir.IrPrinter;
import dev.smok.ir.Role;
import dev.smok.ir.Tensor;
import dev.smok.optimizer.FusionPlan;
import dev.smok.optimizer.MemoryPlan;
import dev.smok.optimizer.OptimizerSpec;
import dev.smok.optimizer.Pipeline;
import dev.smok.optimizer.Pipelines;
import dev.smok.runtime.data.Dataset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A compiled network: one executable for the training step (forward, backward and optimizer
 * update in one graph) and one for inference, both at the options' batch size, compiled on first
 * use. Parameters live in the executables; whichever ran last is authoritative and the other is
 * brought up to date before it runs. Not thread-safe.
 */
public final class Model implements AutoCloseable {
    private final Network network;
    private final Options options;
    private final Backend backend;
    private final Loss loss;
    private Executable train, infer;
    private Executable owner; // the executable holding the newest parameters
    private Map<String, Tensor> pending; // parameters set before any executable existed
    private long compileNanos, trainCompileNanos;
    private OptimizerSpec optimizer; // the options' update rule, with the rate set by setLearningRate

    Model(Network network, Options options) {
        this.network = network;
        this.options = options;
        this.optimizer = options.optimizer;
        this.backend = Backends.byName(options.backend, options.fusion);
        this.loss = options.loss != null ? options.loss : network.defaultLoss();
        this.pending = network.initialParameters();
        this.pending.putAll(network.initialStates()); // batch-norm running statistics start at 0 and 1
        PassWarmup.start(options.optimizer);
    }

    /** The network this model compiles. */
    public Network network() { return network; }
    /** The options it was compiled with (do not change them afterwards). */
    public Options options() { return options; }
    /** The training objective: the options' loss, else the network's default. */
    public Loss loss() { return loss; }
    /** Samples per training step and per inference run (a compile-time constant). */
    public int batch() { return options.batch; }

    /** Wall time spent in passes, code generation and class definition so far, in milliseconds. */
    public double compileMillis() { return compileNanos / 1e6; }

    /** The part of {@link #compileMillis()} spent on the training step's graph, in milliseconds. */
    public double trainingCompileMillis() { return trainCompileNanos / 1e6; }

    /** The training-step pipeline: autodiff, then the standard passes, less the disabled ones. */
    public Pipeline trainingPipeline() {
        return without(Pipelines.training(optimizer, options.exposeGradients));
    }

    /** The update rule of the training step: the options' one, at the rate last given to {@link #setLearningRate}. */
    public OptimizerSpec optimizer() { return optimizer; }

    /**
     * Trains with learning rate {@code lr} from the next training step on. The rate is a constant
     * of the compiled step, so a new rate compiles the step again on its next use; parameters and
     * optimizer state (momentum, Adam's moments and step count) carry over unchanged.
     *
     * @throws IllegalArgumentException unless {@code lr} is positive and finite
     */
    public void setLearningRate(float lr) {
        if (!(lr > 0) || Float.isInfinite(lr)) throw new IllegalArgumentException("learning rate must be positive and finite, got " + lr);
        if (lr == optimizer.lr()) return;
        optimizer = switch (optimizer) {
            case OptimizerSpec.Sgd s -> new OptimizerSpec.Sgd(lr, s.weightDecay());
            case OptimizerSpec.Momentum m -> new OptimizerSpec.Momentum(lr, m.momentum());
            case OptimizerSpec.Adam a -> new OptimizerSpec.Adam(lr, a.beta1(), a.beta2(), a.eps());
        };
        if (train == null) return;
        Map<String, Tensor> newest = state();
        Executable old = train;
        train = null;
        owner = infer;
        pending = null;
        old.close();
        load(newest); // into the inference step now, the optimizer slots when the training step compiles again
    }

    /** The inference pipeline ({@link Pipelines#inference()}), less the disabled passes. */
    public Pipeline inferencePipeline() { return without(Pipelines.inference()); }

    private Pipeline without(Pipeline p) {
        List<String> known = new java.util.ArrayList<>(Pipelines.inference().names());
        for (String name : Pipelines.training(optimizer, false).names()) if (!known.contains(name)) known.add(name);
        for (String name : options.disabledPasses) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException("no pass named '" + name + "' to turn off (passes: " + String.join(", ", known) + ")");
            }
        }
        for (String name : options.disabledPasses) {
            if (p.names().contains(name)) p = p.without(name);
        }
        return p;
    }

    /** The compiled training step (compiling it on first use). */
    public Executable trainingExecutable() {
        if (train == null) train = compile(network.training(options.batch, loss), trainingPipeline(), "train");
        return train;
    }

    /** The compiled inference graph (compiling it on first use). */
    public Executable inferenceExecutable() {
        if (infer == null) infer = compile(network.inference(options.batch), inferencePipeline(), "infer");
        return infer;
    }

    private Executable compile(Graph g, Pipeline pipeline, String tag) {
        long t0 = System.nanoTime();
        Path dump = options.dumpDir == null ? null : options.dumpDir.resolve(tag);
        int[] index = {0};
        if (dump != null) write(dump.resolve("00-lowered.ir"), IrPrinter.print(g));
        Graph opt = pipeline.run(g, (name, after) -> {
            index[0]++;
            if (dump != null) write(dump.resolve(String.format("%02d-%s.ir", index[0], name)), IrPrinter.print(after));
        });
        if (dump != null) {
            FusionPlan fusion = options.fusion ? FusionPlan.of(opt) : FusionPlan.unfused(opt);
            write(dump.resolve("kernels.txt"), fusion.toString());
            write(dump.resolve("memory.txt"), MemoryPlan.of(opt, fusion).toString());
        }
        Executable exe = backend.compile(opt, dump);
        long spent = System.nanoTime() - t0;
        compileNanos += spent;
        if (tag.equals("train")) trainCompileNanos += spent;
        if (pending != null) {
            pending.forEach((name, t) -> { if (exe.graph().input(name) != null) exe.buffer(name).copyFrom(t); });
        }
        return exe;
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write dump " + file, e);
        }
    }

    /** Makes {@code exe} hold the newest parameters and states before it runs. */
    private void activate(Executable exe) {
        if (owner != null && owner != exe) copyShared(owner, exe);
        owner = exe;
        if (train != null && infer != null) pending = null; // else kept: states for the one not compiled yet
    }

    private static void copyShared(Executable from, Executable to) {
        for (Input in : to.graph().inputs()) {
            if (in.role() != Role.INPUT && from.graph().input(in.name()) != null) {
                to.buffer(in.name()).copyFrom(from.buffer(in.name()));
            }
        }
    }

    /**
     * One training step on exactly one batch. {@code x} holds batch × sample values; {@code y}
     * holds the class labels (cross-entropy, BCE), the targets (MSE), or is ignored
     * (reconstruction). Returns the batch's loss.
     */
    public float trainStep(float[] x, float[] y) {
        Executable exe = trainingExecutable();
        activate(exe);
        exe.buffer("x").copyFrom(x, 0);
        feedTargets(exe, y);
        exe.run();
        return exe.buffer("loss").get(0);
    }

    void feedTargets(Executable exe, float[] y) {
        if (loss.usesLabels() || loss == Loss.CTC) exe.buffer("labels").copyFrom(y, 0);
        else if (loss == Loss.MSE) exe.buffer("targets").copyFrom(y, 0);
    }

    /** Runs the training executable on the batch already written into its buffers. */
    float runTrainingStep() {
        Executable exe = trainingExecutable();
        activate(exe);
        exe.run();
        return exe.buffer("loss").get(0);
    }

    /** Runs inference on the batch already written into the inference buffer "x"; returns "y". */
    Tensor runInference() {
        Executable exe = inferenceExecutable();
        activate(exe);
        exe.run();
        return exe.buffer("y");
    }

    /**
     * The network's outputs for {@code n} samples stored row-major in {@code x}; any {@code n}
     * (the last partial batch is padded).
     */
    public float[] predict(float[] x, int n) {
        int in = network.inputShape().size(), out = network.outputShape().size();
        float[] result = new float[n * out];
        Tensor xb = inferenceExecutable().buffer("x");
        for (int start = 0; start < n; start += options.batch) {
            int rows = Math.min(options.batch, n - start);
            System.arraycopy(x, start * in, xb.data(), xb.offset(), rows * in);
            java.util.Arrays.fill(xb.data(), xb.offset() + rows * in, xb.offset() + options.batch * in, 0f);
            Tensor y = runInference();
            System.arraycopy(y.data(), y.offset(), result, start * out, rows * out);
        }
        return result;
    }

    /** Fraction of samples whose highest output is their label. */
    public double accuracy(Dataset d) {
        float[] y = predict(d.x(), d.count());
        int classes = network.outputShape().size(), correct = 0;
        for (int i = 0; i < d.count(); i++) if (argmax(y, i * classes, classes) == (int) d.labels()[i]) correct++;
        return (double) correct / d.count();
    }

    /** Index of the largest of {@code n} values starting at {@code off} (the first on ties). */
    public static int argmax(float[] v, int off, int n) {
        int best = 0;
        for (int j = 1; j < n; j++) if (v[off + j] > v[off + best]) best = j;
        return best;
    }

    /** Copies of the current parameters (and states such as optimizer slots), by name. */
    public Map<String, Tensor> state() {
        if (owner == null) {
            Map<String, Tensor> m = new LinkedHashMap<>();
            pending.forEach((k, v) -> m.put(k, v.copy()));
            return m;
        }
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (Input in : owner.graph().inputs()) {
            if (in.role() != Role.INPUT) m.put(in.name(), owner.buffer(in.name()).copy());
        }
        // states only the other executable has (optimizer slots while inference ran last)
        for (Executable other : new Executable[] {train, infer}) {
            if (other == null || other == owner) continue;
            for (Input in : other.graph().inputs()) {
                if (in.role() != Role.INPUT && !m.containsKey(in.name())) m.put(in.name(), other.buffer(in.name()).copy());
            }
        }
        if (pending != null) pending.forEach((k, v) -> m.putIfAbsent(k, v.copy()));
        return m;
    }

    /**
     * Sets parameters and states (optimizer slots such as {@code PARAM@m}, {@code PARAM@v},
     * {@code PARAM@velocity}, {@code @step}) from {@code tensors}, for example a checkpoint read by
     * {@link dev.smok.runtime.io.Checkpoints}. Every parameter of the network must be present with
     * its exact shape; a slot is accepted when it belongs to a parameter (same shape) or is
     * {@code @step}, and is used when the training step has that slot (slots of another
     * optimizer are ignored); absent slots keep their current values. Nothing is changed when
     * validation fails.
     *
     * @throws dev.smok.runtime.io.CheckpointException naming the tensor, the expected and the found shape
     */
    public void load(Map<String, Tensor> tensors) {
        dev.smok.runtime.io.Checkpoints.validate(network, tensors);
        Map<String, Tensor> rest = new LinkedHashMap<>(tensors);
        for (Executable exe : new Executable[] {train, infer}) {
            if (exe == null) continue;
            for (var e : tensors.entrySet()) {
                if (exe.graph().input(e.getKey()) != null) {
                    exe.buffer(e.getKey()).copyFrom(e.getValue());
                    rest.remove(e.getKey());
                }
            }
        }
        if (train != null && infer != null) rest.clear(); // e.g. slots of another optimizer: nothing will use them
        if (pending == null && !rest.isEmpty()) pending = new LinkedHashMap<>();
        if (pending != null) { // for executables not compiled yet
            tensors.forEach((k, v) -> { if (rest.containsKey(k) || pending.containsKey(k)) pending.put(k, v.copy()); });
        }
    }

    /** Just the trainable parameters, by name. */
    public Map<String, Tensor> parameters() {
        Map<String, Tensor> all = state();
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (var s : network.params()) m.put(s.name(), all.get(s.name()));
        return m;
    }

    // ---- setting trained values (the zoo's lesion studies; checkpoint loading may build on it) ----

    /**
     * Sets this model's parameters and states (batch-norm running statistics) from
     * {@code values}, by name: every parameter of the network must be present with its shape,
     * states are set where present, and entries that name nothing in this network (the
     * parameters of a left-out block, optimizer slots) are ignored. So a network built with
     * {@code ZooOptions.skip} takes the values of the trained full network:
     * {@code lesioned.setParameters(full.state())}. Optimizer slots of this model are kept.
     *
     * @throws IllegalArgumentException naming the missing parameter or the mismatched shapes
     */
    public void setParameters(Map<String, Tensor> values) {
        Map<String, Tensor> chosen = new LinkedHashMap<>();
        for (var s : network.params()) {
            Tensor t = values.get(s.name());
            if (t == null) throw new IllegalArgumentException("no value for parameter '" + s.name() + "' " + s.shape().pretty() + " of " + network.name());
            chosen.put(s.name(), t);
        }
        for (var s : network.states()) if (values.containsKey(s.name())) chosen.put(s.name(), values.get(s.name()));
        Map<String, dev.smok.ir.Shape> shapes = new LinkedHashMap<>();
        for (var s : network.params()) shapes.put(s.name(), s.shape());
        for (var s : network.states()) shapes.put(s.name(), s.shape());
        chosen.forEach((name, t) -> {
            if (!t.shape().equals(shapes.get(name))) {
                throw new IllegalArgumentException("'" + name + "' of " + network.name() + " has shape " + shapes.get(name).pretty()
                        + " but the value given has " + t.shape().pretty());
            }
        });
        if (owner == null) {
            chosen.forEach((name, t) -> pending.put(name, t.copy()));
            return;
        }
        for (Executable exe : new Executable[] {train, infer}) {
            if (exe == null) continue;
            chosen.forEach((name, t) -> { if (exe.graph().input(name) != null) exe.buffer(name).copyFrom(t); });
        }
    }

    /** Releases the executables' resources; the model is unusable afterwards. */
    @Override public void close() {
        if (train != null) train.close();
        if (infer != null) infer.close();
    }
}
