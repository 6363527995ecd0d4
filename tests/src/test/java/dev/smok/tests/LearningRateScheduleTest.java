package dev.smok.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smok.ir.Shape;
import dev.smok.ir.Tensor;
import dev.smok.optimizer.OptimizerSpec;
import dev.smok.runtime.LearningRateSchedule;
import dev.smok.runtime.Model;
import dev.smok.runtime.ProgressBar;
import dev.smok.runtime.Trainer;
import dev.smok.runtime.data.Dataset;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;

/**
 * Changing the learning rate between steps ({@link Model#setLearningRate}, which recompiles the
 * training step) keeps parameters and optimizer state: the result equals a fresh model compiled
 * at the new rate that loaded the old model's state. And the per-epoch schedules.
 */
class LearningRateScheduleTest {
    static final float[] X = CheckpointTest.randomX(4, 1), PROBE = CheckpointTest.randomX(7, 2);

    static Model adam(float lr) { return CheckpointTest.compile(CheckpointTest.small(5), OptimizerSpec.adam(lr)); }

    static void steps(Model m, int n) { for (int s = 0; s < n; s++) m.trainStep(X, CheckpointTest.LABELS); }

    static void assertSameState(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (var e : expected.entrySet()) assertArrayEquals(e.getValue().toArray(), actual.get(e.getKey()).toArray(), e.getKey());
    }

    @Test void aNewRateKeepsParametersAndAdamState() {
        try (Model changedAfterTraining = adam(0.05f); Model changedAfterPredicting = adam(0.05f);
             Model reference = adam(0.05f); Model resumed = adam(0.01f); Model unchanged = adam(0.05f)) {
            // the reference: 3 steps at 0.05, then a model compiled at 0.01 takes over its state for 2 steps
            steps(reference, 3);
            resumed.load(reference.state());
            steps(resumed, 2);

            steps(changedAfterTraining, 3); // the training step holds the newest values
            float[] before = changedAfterTraining.predict(PROBE, 7);
            steps(changedAfterPredicting, 3);
            changedAfterPredicting.predict(PROBE, 7); // the inference step holds them
            changedAfterTraining.setLearningRate(0.01f);
            changedAfterPredicting.setLearningRate(0.01f);
            assertArrayEquals(before, changedAfterTraining.predict(PROBE, 7), "parameters survive the recompilation");
            assertEquals(0.01f, changedAfterTraining.optimizer().lr());
            steps(changedAfterTraining, 2);
            steps(changedAfterPredicting, 2);

            assertSameState(resumed.state(), changedAfterTraining.state());
            assertSameState(resumed.state(), changedAfterPredicting.state());
            assertEquals(5f, changedAfterTraining.state().get("@step").get(0), "Adam's step count carried over");

            steps(unchanged, 5); // and the rate did change: 5 steps at 0.05 end elsewhere
            assertFalse(Arrays.equals(unchanged.state().get("fc1.weight").toArray(), changedAfterTraining.state().get("fc1.weight").toArray()));
        }
    }

    @Test void badRatesAreRefused() {
        try (Model m = adam(0.05f)) {
            assertThrows(IllegalArgumentException.class, () -> m.setLearningRate(0f));
            assertThrows(IllegalArgumentException.class, () -> m.setLearningRate(Float.NaN));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.named("linear"));
            assertTrue(e.getMessage().contains("constant or cosine"), e.getMessage());
        }
    }

    @Test void cosineAnnealsPerEpochAndTrainerAppliesIt() {
        LearningRateSchedule cosine = LearningRateSchedule.named("cosine");
        assertEquals(0.04f, cosine.rate(0.04f, 1, 3), 1e-7f);
        assertEquals(0.03f, cosine.rate(0.04f, 2, 3), 1e-7f);
        assertEquals(0.01f, cosine.rate(0.04f, 3, 3), 1e-7f);
        assertEquals(0.04f, LearningRateSchedule.constant().rate(0.04f, 3, 3));

        float[] x = CheckpointTest.randomX(8, 3), labels = {0, 1, 2, 1, 0, 2, 2, 1};
        Dataset d = new Dataset("tiny", Shape.of(6), x, labels, 8, 3);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (Model m = adam(0.04f)) {
            Trainer.History h = Trainer.fit(m, d, d, 3, cosine, new ProgressBar(new PrintStream(log), false));
            assertEquals(3, h.epochs().size());
            assertEquals(0.01f, m.optimizer().lr(), 1e-7f, "the last epoch's rate");
            assertEquals(6f, m.state().get("@step").get(0), "2 steps per epoch, one Adam state throughout");
        }
        assertTrue(log.toString().contains("lr 0.0300"), log.toString());
    }
}
