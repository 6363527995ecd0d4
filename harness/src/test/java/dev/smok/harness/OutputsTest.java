package dev.smok.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** The agreement check: scale-relative errors, sampled references, missing or short outputs. */
class OutputsTest {
    @Test void agreesWithinToleranceRelativeToScale() {
        Outputs ref = new Outputs().put("y", new float[] {100, -50, 0});
        assertTrue(ref.compare(new Outputs().put("y", new float[] {100.05f, -50, 0.01f}), 1e-3).agrees());
        Outputs.Agreement a = ref.compare(new Outputs().put("y", new float[] {100.5f, -50, 0}), 1e-3);
        assertFalse(a.agrees());
        assertEquals(0.005, a.worstRelativeError(), 1e-6);
    }

    @Test void eachEntryHasItsOwnScale() {
        // a tiny gradient that is wrong must not hide behind a large one
        Outputs ref = new Outputs().put("big", new float[] {1000}).put("small", new float[] {1e-4f});
        assertFalse(ref.compare(new Outputs().put("big", new float[] {1000}).put("small", new float[] {2e-4f}), 1e-2).agrees());
    }

    @Test void sampledReferenceChecksOnlyItsPositions() {
        Outputs ref = new Outputs().sampled("c", new int[] {0, 3}, new float[] {1, 4});
        assertTrue(ref.compare(new Outputs().put("c", new float[] {1, 99, 99, 4}), 1e-6).agrees());
        assertFalse(ref.compare(new Outputs().put("c", new float[] {1, 2, 3, 5}), 1e-6).agrees());
        assertFalse(ref.compare(new Outputs().put("c", new float[] {1, 2}), 1e-6).agrees());
    }

    @Test void missingNaNAndLengthMismatchDisagree() {
        Outputs ref = new Outputs().put("y", new float[] {1, 2});
        assertFalse(ref.compare(new Outputs(), 1).agrees());
        assertFalse(ref.compare(new Outputs().put("y", new float[] {1, Float.NaN}), 1).agrees());
        assertFalse(ref.compare(new Outputs().put("y", new float[] {1, 2, 3}), 1).agrees());
    }

    @Test void trainingStepOutputsAreLossAndParameterDeltas() {
        Outputs o = Outputs.trainingStep(2.5f, Map.of("w", new float[] {1, 2}), Map.of("w", new float[] {0.5f, 2.25f}));
        assertEquals(2.5f, o.get("loss")[0]);
        assertEquals(-0.5f, o.get("delta/w")[0]);
        assertEquals(0.25f, o.get("delta/w")[1]);
    }
}
