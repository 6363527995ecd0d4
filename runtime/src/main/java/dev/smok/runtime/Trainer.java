package dev.smok.runtime;

import dev.smok.ir.Executable;
import dev.smok.ir.Tensor;
import dev.smok.runtime.data.DataException;
import dev.smok.runtime.data.Dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The training loop: epochs of shuffled mini-batches (a seeded Fisher-Yates shuffle per
 * epoch), a test-set evaluation after each epoch, and progress on the console. A trailing
 * partial batch is dropped (the executable's batch size is a compile-time constant); every
 * sample still takes part in later epochs because the shuffle changes.
 */
public final class Trainer {
    private Trainer() {}

    /** One epoch's numbers. */
    public record EpochStats(int epoch, double loss, double trainAccuracy, double testAccuracy, double seconds, double imagesPerSecond) {}

    /** Every epoch's numbers, and the compile time. */
    public record History(List<EpochStats> epochs, double compileMillis) {
        public EpochStats last() { return epochs.get(epochs.size() - 1); }
    }

    /**
     * Trains {@code model} for {@code epochs} passes over {@code train}, measuring accuracy on
     * {@code test} (may be null) after each, and reports progress to {@code progress}.
     *
     * @throws dev.smok.runtime.data.DataException when the data's sample shape or class count does not fit the network,
     *         or there are fewer samples than one batch
     */
    public static History fit(Model model, Dataset train, Dataset test, int epochs, ProgressBar progress) {
        return fit(model, train, test, epochs, LearningRateSchedule.constant(), progress);
    }

    /**
     * As {@link #fit(Model, Dataset, Dataset, int, ProgressBar)}, with the learning rate of each
     * epoch from {@code schedule} applied to the model's current rate (each change recompiles the
     * training step; see {@link Model#setLearningRate}).
     */
    public static History fit(Model model, Dataset train, Dataset test, int epochs, LearningRateSchedule schedule, ProgressBar progress) {
        int batch = model.batch();
        if (!train.sampleShape().equals(model.network().inputShape())) {
            throw new DataException("network '" + model.network().name() + "' takes samples of " + model.network().inputShape().pretty()
                    + " but data set '" + train.name() + "' has " + train.sampleShape().pretty());
        }
        if (train.count() < batch) {
            throw new DataException("data set '" + train.name() + "' has " + train.count() + " samples, fewer than one batch of " + batch);
        }
        if (model.loss().usesLabels() && train.classes() > model.network().outputShape().size()) {
            throw new DataException("data set '" + train.name() + "' has " + train.classes() + " classes but network '"
                    + model.network().name() + "' outputs " + model.network().outputShape().pretty());
        }
        float baseRate = model.optimizer().lr();
        int in = train.sampleSize(), steps = train.count() / batch;
        int[] order = new int[train.count()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        SplittableRandom random = new SplittableRandom(model.options().seed());
        List<EpochStats> history = new ArrayList<>();
        for (int epoch = 1; epoch <= epochs; epoch++) {
            float rate = schedule.rate(baseRate, epoch, epochs);
            model.setLearningRate(rate);
            Executable exe = model.trainingExecutable(); // a new rate compiled a new one
            Tensor x = exe.buffer("x");
            Tensor labels = model.loss().usesLabels() ? exe.buffer("labels") : null;
            // regression data sets with one target per sample (the adding problem) keep it in labels()
            Tensor targets = model.loss() == dev.smok.frontend.Loss.MSE && exe.graph().input("targets") != null
                    && exe.graph().input("targets").shape().size() == batch ? exe.buffer("targets") : null;
            Tensor y = exe.buffer("y");
            int classes = y.shape().dim(1);
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1), t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            double lossSum = 0;
            int correct = 0;
            long t0 = System.nanoTime();
            for (int s = 0; s < steps; s++) {
                for (int r = 0; r < batch; r++) {
                    int k = order[s * batch + r];
                    System.arraycopy(train.x(), k * in, x.data(), x.offset() + r * in, in);
                    if (labels != null) labels.set(r, train.labels()[k]);
                    if (targets != null) targets.set(r, train.labels()[k]);
                }
                lossSum += model.runTrainingStep();
                if (labels != null) {
                    for (int r = 0; r < batch; r++) {
                        if (Model.argmax(y.data(), y.offset() + r * classes, classes) == (int) labels.get(r)) correct++;
                    }
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                progress.update(epoch, epochs, (s + 1) * batch, steps * batch, lossSum / (s + 1), (s + 1) * batch / seconds);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double testAcc = test != null && model.loss().usesLabels() ? model.accuracy(test) : Double.NaN;
            EpochStats st = new EpochStats(epoch, lossSum / steps, labels != null ? (double) correct / (steps * batch) : Double.NaN,
                    testAcc, seconds, steps * batch / seconds);
            history.add(st);
            progress.epochDone(String.format("epoch %d/%d  loss %.4f%s%s  %.1f s  %,.0f img/s", epoch, epochs, st.loss(),
                    Double.isNaN(st.trainAccuracy()) ? "" : String.format("  train acc %.4f", st.trainAccuracy()),
                    Double.isNaN(testAcc) ? "" : String.format("  test acc %.4f", testAcc), seconds, st.imagesPerSecond())
                    + (schedule instanceof LearningRateSchedule.Constant ? "" : String.format("  lr %.3g", rate)));
        }
        return new History(history, model.compileMillis());
    }
}
