package dev.smok.optimizer.passes;

import static dev.smok.optimizer.passes.PassTesting.assertNoChange;
import static dev.smok.optimizer.passes.PassTesting.assertRewrites;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Golden before/expected IR for the algebraic rewrite rules, and equal results on the interpreter. */
class AlgebraicSimplificationTest {
    @Test void chainOfIdentitiesCollapsesToOneReshape() {
        AlgebraicSimplification pass = new AlgebraicSimplification();
        assertRewrites(pass, """
                graph s {
                  input %x: f32[2,3]
                  %0: f32[2,3] = constant() {shape=[2,3], value=1.0}
                  %1: f32[2,3] = mul(%0, %x)
                  %2: f32[] = constant() {shape=[], value=0.0}
                  %3: f32[2,3] = add(%1, %2)
                  %4: f32[2,3] = neg(%3)
                  %5: f32[2,3] = neg(%4)
                  %6: f32[3,2] = transpose(%5) {perm=[1,0]}
                  %7: f32[2,3] = transpose(%6) {perm=[1,0]}
                  %8: f32[6] = reshape(%7) {shape=[6]}
                  %9: f32[3,2] = reshape(%8) {shape=[3,2]}
                  %10: f32[3,2] = scale(%9) {alpha=2.0, beta=1.0}
                  %11: f32[3,2] = scale(%10) {alpha=0.5, beta=-0.5}
                  %12: f32[3,2] = identity(%11)
                  %13: f32[3,2] = broadcast_to(%12) {shape=[3,2]}
                  %14: f32[3,2] = sub(%13, %2)
                  %15: f32[] = constant() {shape=[], value=1.0}
                  %16: f32[3,2] = div(%14, %15)
                  output y = %16
                }
                """, """
                graph s {
                  input %x: f32[2,3]
                  %0: f32[3,2] = reshape(%x) {shape=[3,2]}
                  output y = %0
                }
                """);
        // scale-scale made scale(alpha=1, beta=0), which scale-identity removed in the next sweep
        assertEquals(1, pass.applied().get("scale-scale"));
        assertEquals(1, pass.applied().get("scale-identity"));
        assertEquals(1, pass.applied().get("neg-neg"));
        assertEquals(1, pass.applied().get("transpose-transpose"));
        assertEquals(1, pass.applied().get("mul-one"));
    }

    @Test void rulesRespectShapesOrderAndAttributes() {
        assertRewrites(new AlgebraicSimplification(), """
                graph k {
                  input %x: f32[3]
                  input %z: f32[2,3]
                  input %t: f32[2,3,4]
                  %0: f32[2,3] = constant() {shape=[2,3], value=1.0}
                  %1: f32[2,3] = mul(%x, %0)
                  %2: f32[3] = constant() {shape=[3], value=0.0}
                  %3: f32[3] = sub(%2, %x)
                  %4: f32[2,3] = add(%2, %z)
                  %5: f32[2,3] = mul(%4, %1)
                  %6: f32[2,3] = add(%5, %3)
                  %7: f32[3,4,2] = transpose(%t) {perm=[1,2,0]}
                  %8: f32[3,2,4] = transpose(%7) {perm=[0,2,1]}
                  %9: f32[3,2,4] = scale(%8) {alpha=2.0, beta=0.0}
                  %10: f32[3,2,4] = neg(%9)
                  output y = %6
                  output u = %10
                }
                """, """
                graph k {
                  input %x: f32[3]
                  input %z: f32[2,3]
                  input %t: f32[2,3,4]
                  %0: f32[2,3] = constant() {shape=[2,3], value=1.0}
                  %1: f32[2,3] = mul(%x, %0)
                  %2: f32[3] = constant() {shape=[3], value=0.0}
                  %3: f32[3] = sub(%2, %x)
                  %4: f32[2,3] = mul(%z, %1)
                  %5: f32[2,3] = add(%4, %3)
                  %6: f32[3,2,4] = transpose(%t) {perm=[1,0,2]}
                  %7: f32[3,2,4] = scale(%6) {alpha=-2.0, beta=0.0}
                  output y = %5
                  output u = %7
                }
                """);
    }

    @Test void arithmeticWithFillConstantsBecomesScalesThatFold() {
        AlgebraicSimplification pass = new AlgebraicSimplification();
        assertRewrites(pass, """
                graph a {
                  input %x: f32[2,3]
                  %0: f32[] = constant() {shape=[], value=2.0}
                  %1: f32[2,3] = mul(%x, %0)
                  %2: f32[] = constant() {shape=[], value=1.0}
                  %3: f32[2,3] = add(%2, %1)
                  %4: f32[2,3] = constant() {shape=[2,3], value=0.5}
                  %5: f32[2,3] = mul(%3, %4)
                  %6: f32[] = constant() {shape=[], value=0.5}
                  %7: f32[2,3] = sub(%5, %6)
                  %8: f32[] = constant() {shape=[], value=4.0}
                  %9: f32[2,3] = div(%7, %8)
                  %10: f32[] = constant() {shape=[], value=3.0}
                  %11: f32[2,3] = div(%x, %10)
                  %12: f32[2,3] = neg(%x)
                  %13: f32[2,3] = mul(%12, %10)
                  output y = %9
                  output z = %11
                  output w = %13
                }
                """, """
                graph a {
                  input %x: f32[2,3]
                  %0: f32[2,3] = scale(%x) {alpha=0.25, beta=0.0}
                  %1: f32[] = constant() {shape=[], value=3.0}
                  %2: f32[2,3] = div(%x, %1)
                  %3: f32[2,3] = scale(%x) {alpha=-3.0, beta=0.0}
                  output y = %0
                  output z = %2
                  output w = %3
                }
                """);
        assertEquals(3, pass.applied().get("mul-constant")); // x * 2, (..) * 0.5, neg(x) * 3
        assertEquals(1, pass.applied().get("div-constant"));
    }

    @Test void nothingToDoReturnsTheSameGraph() {
        assertNoChange(new AlgebraicSimplification(), """
                graph n {
                  input %x: f32[2,3]
                  param %w: f32[4,3]
                  %0: f32[2,4] = matmul(%x, %w) {trans_a=false, trans_b=true}
                  %1: f32[2,4] = relu(%0)
                  %2: f32[2,4] = neg(%1)
                  output y = %2
                }
                """);
    }

    @Test void everyRuleHasAUniqueName() {
        var names = AlgebraicSimplification.RULES.stream().map(RewriteRule::name).toList();
        assertEquals(names.size(), new java.util.HashSet<>(names).size());
        assertTrue(names.contains("mul-one") && names.contains("transpose-transpose"), names.toString());
    }
}
