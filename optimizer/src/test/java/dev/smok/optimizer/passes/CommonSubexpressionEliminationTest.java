package dev.smok.optimizer.passes;

import static dev.smok.optimizer.passes.PassTesting.assertNoChange;
import static dev.smok.optimizer.passes.PassTesting.assertRewrites;

import org.junit.jupiter.api.Test;

/** Golden before/expected IR for CSE, and equal results on the interpreter. */
class CommonSubexpressionEliminationTest {
    @Test void duplicatesCollapseTransitively() {
        assertRewrites(new CommonSubexpressionElimination(), """
                graph c {
                  input %x: f32[2,3]
                  param %w: f32[4,3]
                  %0: f32[2,4] = matmul(%x, %w) {trans_a=false, trans_b=true}
                  %1: f32[2,4] = matmul(%x, %w) {trans_a=false, trans_b=true}
                  %2: f32[2,4] = relu(%0)
                  %3: f32[2,4] = relu(%1)
                  %4: f32[2,4] = sigmoid(%1)
                  %5: f32[2,4] = add(%2, %3)
                  %6: f32[2,4] = scale(%5) {alpha=2.0, beta=0.0}
                  %7: f32[2,4] = scale(%5) {alpha=3.0, beta=0.0}
                  %8: f32[2,4] = scale(%5) {alpha=2.0, beta=0.0}
                  %9: f32[] = constant() {shape=[], value=1.0}
                  %10: f32[] = constant() {shape=[], value=1.0}
                  %11: f32[] = add(%9, %10)
                  output a = %4
                  output b = %6
                  output c = %7
                  output d = %8
                  output e = %11
                }
                """, """
                graph c {
                  input %x: f32[2,3]
                  param %w: f32[4,3]
                  %0: f32[2,4] = matmul(%x, %w) {trans_a=false, trans_b=true}
                  %1: f32[2,4] = relu(%0)
                  %2: f32[2,4] = sigmoid(%0)
                  %3: f32[2,4] = add(%1, %1)
                  %4: f32[2,4] = scale(%3) {alpha=2.0, beta=0.0}
                  %5: f32[2,4] = scale(%3) {alpha=3.0, beta=0.0}
                  %6: f32[] = constant() {shape=[], value=1.0}
                  %7: f32[] = add(%6, %6)
                  output a = %2
                  output b = %4
                  output c = %5
                  output d = %4
                  output e = %7
                }
                """);
    }

    @Test void operandOrderAndFlagsMatter() {
        assertNoChange(new CommonSubexpressionElimination(), """
                graph n {
                  input %x: f32[3,3]
                  input %y: f32[3,3]
                  %0: f32[3,3] = sub(%x, %y)
                  %1: f32[3,3] = sub(%y, %x)
                  %2: f32[3,3] = matmul(%x, %y) {trans_a=false, trans_b=true}
                  %3: f32[3,3] = matmul(%x, %y) {trans_a=false, trans_b=false}
                  output a = %0
                  output b = %1
                  output c = %2
                  output d = %3
                }
                """);
    }
}
