package dev.smok.optimizer.passes;

import static dev.smok.optimizer.passes.PassTesting.assertNoChange;
import static dev.smok.optimizer.passes.PassTesting.assertRewrites;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Golden before/expected IR for fold-linear, and equal results on the interpreter. */
class FoldLinearTest {
    private static final String C1 = "{dilation=[1,1], groups=1, padding=[0,0], stride=[1,1]}";
    private static final String C3 = "{dilation=[1,1], groups=1, padding=[1,1], stride=[1,1]}";

    @Test void twoStackedPointwiseConvsBecomeOne() {
        FoldLinear pass = new FoldLinear();
        assertRewrites(pass, """
                graph p {
                  input %x: f32[2,16,5,5]
                  param %w1: f32[32,16,1,1]
                  param %b1: f32[32]
                  param %w2: f32[8,32,1,1]
                  %0: f32[2,32,5,5] = conv2d(%x, %w1) C1
                  %1: f32[2,32,5,5] = bias_add(%0, %b1)
                  %2: f32[2,8,5,5] = conv2d(%1, %w2) C1
                  %3: f32[2,8,5,5] = relu(%2)
                  output y = %3
                }
                """.replace("C1", C1), """
                graph p {
                  input %x: f32[2,16,5,5]
                  param %w1: f32[32,16,1,1]
                  param %b1: f32[32]
                  param %w2: f32[8,32,1,1]
                  %0: f32[8,32] = reshape(%w2) {shape=[8,32]}
                  %1: f32[32,16] = reshape(%w1) {shape=[32,16]}
                  %2: f32[8,16] = matmul(%0, %1)
                  %3: f32[8,16,1,1] = reshape(%2) {shape=[8,16,1,1]}
                  %4: f32[2,8,5,5] = conv2d(%x, %3) C1
                  %5: f32[32,1] = reshape(%b1) {shape=[32,1]}
                  %6: f32[8,1] = matmul(%0, %5)
                  %7: f32[8] = reshape(%6) {shape=[8]}
                  %8: f32[2,8,5,5] = bias_add(%4, %7)
                  %9: f32[2,8,5,5] = relu(%8)
                  output y = %9
                }
                """.replace("C1", C1));
        assertEquals(1, pass.folded());
    }

    @Test void batchNormFoldsIntoTheConvBeforeIt() {
        assertRewrites(new FoldLinear(), """
                graph b {
                  input %x: f32[2,3,6,6]
                  param %w: f32[4,3,3,3]
                  param %g: f32[4]
                  param %beta: f32[4]
                  state %mean: f32[4]
                  state %bn.running_var: f32[4]
                  %0: f32[2,4,6,6] = conv2d(%x, %w) C3
                  %1: f32[2,4,6,6] = batch_norm(%0, %g, %beta, %mean, %bn.running_var) {eps=0.001}
                  %2: f32[2,4,6,6] = relu(%1)
                  output y = %2
                }
                """.replace("C3", C3), """
                graph b {
                  input %x: f32[2,3,6,6]
                  param %w: f32[4,3,3,3]
                  param %g: f32[4]
                  param %beta: f32[4]
                  state %mean: f32[4]
                  state %bn.running_var: f32[4]
                  %0: f32[4] = scale(%bn.running_var) {alpha=1.0, beta=0.001}
                  %1: f32[4] = sqrt(%0)
                  %2: f32[4] = div(%g, %1)
                  %3: f32[4,1,1,1] = reshape(%2) {shape=[4,1,1,1]}
                  %4: f32[4,3,3,3] = mul(%w, %3)
                  %5: f32[4] = neg(%mean)
                  %6: f32[4] = mul(%5, %2)
                  %7: f32[4] = add(%6, %beta)
                  %8: f32[2,4,6,6] = conv2d(%x, %4) C3
                  %9: f32[2,4,6,6] = bias_add(%8, %7)
                  %10: f32[2,4,6,6] = relu(%9)
                  output y = %10
                }
                """.replace("C3", C3));
    }

    /** A batch norm folds into the first 1x1 conv (sweep 1), which then folds with the second (sweep 2). */
    @Test void foldsChainAcrossSweeps() {
        FoldLinear pass = new FoldLinear();
        var out = assertRewritesNumerically(pass, """
                graph c {
                  input %x: f32[2,8,4,4]
                  param %w1: f32[8,8,1,1]
                  param %g: f32[8]
                  param %beta: f32[8]
                  state %mean: f32[8]
                  state %bn.running_var: f32[8]
                  param %w2: f32[4,8,1,1]
                  param %b2: f32[4]
                  %0: f32[2,8,4,4] = conv2d(%x, %w1) C1
                  %1: f32[2,8,4,4] = batch_norm(%0, %g, %beta, %mean, %bn.running_var) {eps=0.00001}
                  %2: f32[2,4,4,4] = conv2d(%1, %w2) C1
                  %3: f32[2,4,4,4] = bias_add(%2, %b2)
                  output y = %3
                }
                """.replace("C1", C1));
        assertEquals(2, pass.folded());
        assertEquals(1, out.nodes().stream().filter(n -> n.op() == dev.smok.ir.Op.CONV2D).count(), out.toString());
        assertEquals(0, out.nodes().stream().filter(n -> n.op() == dev.smok.ir.Op.BATCH_NORM).count(), out.toString());
    }

    @Test void inceptionReductionBeforeA3x3ExpandingPairsAndSharedValuesStay() {
        // 1x1 reduction then 3x3 (GoogLeNet): the second conv is not 1x1
        assertNoChange(new FoldLinear(), """
                graph i {
                  input %x: f32[1,16,5,5]
                  param %w1: f32[4,16,1,1]
                  param %w2: f32[8,4,3,3]
                  %0: f32[1,4,5,5] = conv2d(%x, %w1) C1
                  %1: f32[1,8,5,5] = conv2d(%0, %w2) C3
                  output y = %1
                }
                """.replace("C1", C1).replace("C3", C3));
        // 16 -> 4 -> 64: folded 16·64 = 1024 MACs per pixel > 16·4 + 4·64 = 320
        assertNoChange(new FoldLinear(), """
                graph e {
                  input %x: f32[1,16,5,5]
                  param %w1: f32[4,16,1,1]
                  param %w2: f32[64,4,1,1]
                  %0: f32[1,4,5,5] = conv2d(%x, %w1) C1
                  %1: f32[1,64,5,5] = conv2d(%0, %w2) C1
                  output y = %1
                }
                """.replace("C1", C1));
        // the intermediate is also an output: it is computed anyway
        assertNoChange(new FoldLinear(), """
                graph s {
                  input %x: f32[1,16,5,5]
                  param %w1: f32[8,16,1,1]
                  param %w2: f32[4,8,1,1]
                  %0: f32[1,8,5,5] = conv2d(%x, %w1) C1
                  %1: f32[1,4,5,5] = conv2d(%0, %w2) C1
                  output y = %1
                  output h = %0
                }
                """.replace("C1", C1));
    }

    private static dev.smok.ir.Graph assertRewritesNumerically(FoldLinear pass, String before) {
        dev.smok.ir.Graph in = dev.smok.ir.IrParser.parse(before);
        dev.smok.ir.Graph out = pass.run(in);
        PassTesting.assertSameResults(in, out, 1e-9);
        return out;
    }
}
