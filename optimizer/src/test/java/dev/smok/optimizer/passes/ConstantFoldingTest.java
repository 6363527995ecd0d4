package dev.smok.optimizer.passes;

import static dev.smok.optimizer.passes.PassTesting.assertNoChange;
import static dev.smok.optimizer.passes.PassTesting.assertRewrites;

import org.junit.jupiter.api.Test;

/** Golden before/expected IR for constant folding, and equal results on the interpreter. */
class ConstantFoldingTest {
    @Test void uniformResultsFoldNonUniformStay() {
        String folded = Float.toString((float) Math.exp(6));
        assertRewrites(new ConstantFolding(), """
                graph f {
                  input %x: f32[2,3]
                  %0: f32[] = constant() {shape=[], value=2.0}
                  %1: f32[] = constant() {shape=[], value=3.0}
                  %2: f32[] = mul(%0, %1)
                  %3: f32[] = exp(%2)
                  %4: f32[2,3] = broadcast_to(%3) {shape=[2,3]}
                  %5: f32[2,3] = add(%x, %4)
                  %6: f32[2] = constant() {shape=[2], value=1.0}
                  %7: f32[2,3] = one_hot(%6) {classes=3}
                  output y = %5
                  output h = %7
                }
                """, """
                graph f {
                  input %x: f32[2,3]
                  %0: f32[2,3] = constant() {shape=[2,3], value=FOLDED}
                  %1: f32[2,3] = add(%x, %0)
                  %2: f32[2] = constant() {shape=[2], value=1.0}
                  %3: f32[2,3] = one_hot(%2) {classes=3}
                  output y = %1
                  output h = %3
                }
                """.replace("FOLDED", folded));
    }

    @Test void reductionsOfFillsFold() {
        assertRewrites(new ConstantFolding(), """
                graph r {
                  input %x: f32[4]
                  %0: f32[4,5] = constant() {shape=[4,5], value=0.5}
                  %1: f32[4] = reduce_sum(%0) {axes=[1], keepdims=false}
                  %2: f32[4] = mul(%x, %1)
                  output y = %2
                }
                """, """
                graph r {
                  input %x: f32[4]
                  %0: f32[4] = constant() {shape=[4], value=2.5}
                  %1: f32[4] = mul(%x, %0)
                  output y = %1
                }
                """);
    }

    @Test void valuesThatDependOnInputsStay() {
        assertNoChange(new ConstantFolding(), """
                graph n {
                  input %x: f32[2]
                  %0: f32[2] = constant() {shape=[2], value=3.0}
                  %1: f32[2] = mul(%x, %0)
                  output y = %1
                }
                """);
    }
}
