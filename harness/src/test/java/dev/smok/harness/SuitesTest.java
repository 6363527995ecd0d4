package dev.smok.harness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Suites, workload ids and sizes, and deterministic inputs. */
class SuitesTest {
    @Test void theFullSuiteHasTheIssuesWorkloads() {
        assertEquals(List.of("sgemm-64x784x512", "sgemm-1024x1024x1024", "sgemm-256x4096x4096",
                        "conv3x3-b32-64x56x56-to64", "mlp-train-b64", "mlp-infer-b1", "mlp-infer-b256", "lenet5-train-b64", "lenet5-infer-b1", "lenet5-infer-b256"),
                Suites.named("all").stream().map(Workload::id).toList());
        assertEquals(List.of(Workload.infer("mlp", 256)), Suites.named("mlp-infer-b256"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Suites.named("nope"));
        assertTrue(e.getMessage().contains("quick") && e.getMessage().contains("mlp-train-b64"), e.getMessage());
    }

    @Test void sizesAndTheInterpreterLimit() {
        assertEquals(2.0 * 1024 * 1024 * 1024, Workload.sgemm(1024, 1024, 1024).flops());
        assertEquals(3L * 64 * 668_672, Workload.train("mlp", 64).macs()); // 784·512 + 512·512 + 512·10 per sample
        assertTrue(Workload.sgemm(64, 784, 512).smallEnoughForInterpreter());
        assertFalse(Workload.sgemm(1024, 1024, 1024).smallEnoughForInterpreter());
    }

    @Test void inputsAreDeterministicPerSeed() {
        WorkloadData a = WorkloadData.generate(Workload.train("mlp", 4), 9), b = WorkloadData.generate(Workload.train("mlp", 4), 9);
        assertArrayEquals(a.x, b.x);
        assertArrayEquals(a.labels, b.labels);
        assertArrayEquals(a.weights.get("fc1.weight"), b.weights.get("fc1.weight"));
        assertFalse(java.util.Arrays.equals(a.x, WorkloadData.generate(Workload.train("mlp", 4), 10).x));
        for (float l : a.labels) assertTrue(l >= 0 && l < 10 && l == Math.rint(l));
        float[] oh = a.oneHotLabels();
        assertEquals(1f, oh[(int) a.labels[2] + 20]);
    }
}
