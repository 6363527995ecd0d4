package dev.smok.optimizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smok.ir.FusionKind;
import dev.smok.ir.Graph;
import dev.smok.ir.GraphBuilder;
import dev.smok.ir.IrParser;
import dev.smok.ir.Op;
import dev.smok.ir.Shape;
import dev.smok.ir.Value;

import org.junit.jupiter.api.Test;

/** Kernel grouping by fusion kind: golden kernel lists for forward and backward graphs. */
class FusionPlanTest {
    static final String MLP = """
            graph mlp {
              input %x: f32[8,6]
              param %fc1.weight: f32[5,6]
              param %fc1.bias: f32[5]
              param %fc2.weight: f32[3,5]
              param %fc2.bias: f32[3]
              %0: f32[8,5] = matmul(%x, %fc1.weight) {trans_a=false, trans_b=true}
              %1: f32[8,5] = bias_add(%0, %fc1.bias)
              %2: f32[8,5] = relu(%1)
              %3: f32[8,3] = matmul(%2, %fc2.weight) {trans_a=false, trans_b=true}
              %4: f32[8,3] = bias_add(%3, %fc2.bias)
              %5: f32[8,3] = softmax(%4)
              %6: f32[8,3] = sigmoid(%4)
              %7: f32[8,3] = scale(%6) {alpha=2.0, beta=0.0}
              %8: f32[8,3] = neg(%7)
              %9: f32[8,3] = add(%5, %8)
              output y = %9
              output h = %2
            }
            """;

    @Test void producersTakeTheirEpiloguesAndChainsFuse() {
        FusionPlan plan = FusionPlan.of(IrParser.parse(MLP));
        // %2 is an output: materialized, so nothing after it joins; %4 has two uses: the chain stops there;
        // sigmoid -> scale -> neg -> add is an elementwise chain without a producer (add reads %5 from outside)
        assertEquals("""
                kernel 0: matmul+bias_add+relu  [%0 %1 %2] -> f32[8,5]
                kernel 1: matmul+bias_add  [%3 %4] -> f32[8,3]
                kernel 2: softmax  [%5] -> f32[8,3]
                kernel 3: sigmoid+scale+neg+add  [%6 %7 %8 %9] -> f32[8,3]
                """, plan.toString());
        assertEquals(4, plan.size());
        assertEquals(6, plan.fusedNodes());
        Graph g = plan.graph();
        assertTrue(plan.isInternal(g.nodes().get(0).out()));
        assertFalse(plan.isInternal(g.nodes().get(2).out()));
        assertFalse(plan.isInternal(g.nodes().get(4).out()));
    }

    /** conv2d is OUT_ELEMENTWISE_FUSABLE like matmul: the same rule gives it its epilogue, no special case. */
    @Test void convolutionsTakeTheirEpilogues() {
        Graph g = IrParser.parse("""
                graph c {
                  input %x: f32[2,3,8,8]
                  param %w: f32[4,3,3,3]
                  param %b: f32[4]
                  %0: f32[2,4,8,8] = conv2d(%x, %w) {dilation=[1,1], groups=1, padding=[1,1], stride=[1,1]}
                  %1: f32[2,4,8,8] = bias_add(%0, %b)
                  %2: f32[2,4,8,8] = relu(%1)
                  %3: f32[2,4,4,4] = max_pool(%2) {kernel=[2,2], padding=[0,0], stride=[2,2]}
                  output y = %3
                }
                """);
        assertEquals("""
                kernel 0: conv2d+bias_add+relu  [%0 %1 %2] -> f32[2,4,8,8]
                kernel 1: max_pool  [%3] -> f32[2,4,4,4]
                """, FusionPlan.of(g).toString());
    }

    @Test void consumersThatBroadcastTheValueDoNotJoin() {
        Graph g = IrParser.parse("""
                graph b {
                  input %x: f32[3]
                  input %z: f32[2,3]
                  %0: f32[3] = neg(%x)
                  %1: f32[2,3] = add(%0, %z)
                  %2: f32[2,3] = relu(%1)
                  %3: f32[] = constant() {shape=[], value=2.0}
                  %4: f32[2,3] = mul(%2, %3)
                  output y = %4
                }
                """);
        assertEquals("""
                kernel 0: neg  [%0] -> f32[3]
                kernel 1: add+relu+mul  [%1 %2 %4] -> f32[2,3]
                """, FusionPlan.of(g).toString());
    }

    /** Every elementwise unary op fuses into a matmul's epilogue: the grouping reads kinds, not op lists. */
    @Test void everyElementwiseOpIsAnEpilogue() {
        int checked = 0;
        for (Op op : Op.values()) {
            if (op.kind() != FusionKind.ELEMENTWISE || op.arity() != 1) continue;
            GraphBuilder b = new GraphBuilder("e");
            Value y = b.op(op, op == Op.SCALE ? dev.smok.ir.Attrs.of("alpha", 2f, "beta", 0f) : dev.smok.ir.Attrs.NONE,
                    b.matmul(b.input("x", Shape.of(2, 3)), b.param("w", Shape.of(4, 3)), false, true));
            b.output("y", y);
            assertEquals("matmul+" + op.text(), FusionPlan.of(b.build()).kernels().get(0).name());
            checked++;
        }
        assertTrue(checked >= 8, "checked " + checked);
    }

    @Test void backwardElementwiseOpsJoinTheGradientProducer() {
        GraphBuilder b = new GraphBuilder("t");
        Value x = b.input("x", Shape.of(4, 6));
        Value h = b.relu(b.biasAdd(b.matmul(x, b.param("w1", Shape.of(5, 6)), false, true), b.param("b1", Shape.of(5))));
        Value y = b.matmul(h, b.param("w2", Shape.of(3, 5)), false, true);
        b.output("loss", b.op(Op.MSE_LOSS, y, b.input("t", Shape.of(4, 3))));
        Graph train = Pipelines.training(OptimizerSpec.sgd(0.1f)).run(b.build());
        String kernels = FusionPlan.of(train).toString();
        assertTrue(kernels.contains(": matmul+relu_grad  ["), kernels);
        assertTrue(kernels.contains(": matmul+sgd_update  ["), kernels); // a weight gradient read once goes straight into the update
        // schedule: every kernel's inputs are produced by kernels scheduled earlier
        FusionPlan plan = FusionPlan.of(train);
        java.util.Set<Value> ready = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        train.inputs().forEach(i -> ready.add(i.value()));
        train.nodes().stream().filter(n -> n.op() == Op.CONSTANT).forEach(n -> ready.add(n.out()));
        for (FusionPlan.Kernel k : plan.schedule()) {
            for (var n : k.nodes()) {
                for (Value v : n.inputs()) assertTrue(ready.contains(v) || k.nodes().stream().anyMatch(m -> m.out() == v), k.name());
                ready.add(n.out());
            }
        }
    }
}
