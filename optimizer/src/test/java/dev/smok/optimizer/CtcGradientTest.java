package dev.smok.optimizer;

import dev.smok.ir.DType;
import dev.smok.ir.Graph;
import dev.smok.ir.GraphBuilder;
import dev.smok.ir.Op;
import dev.smok.ir.Role;
import dev.smok.ir.Shape;
import dev.smok.ir.Value;

import org.junit.jupiter.api.Test;

import java.util.Map;

/** The CTC loss's derivative rule against finite differences, with padded labels of several lengths. */
class CtcGradientTest {
    @Test void ctcGradient() {
        GraphBuilder b = new GraphBuilder("ctc");
        Value logits = b.param("logits", Shape.of(3, 6, 4));
        Value labels = b.input("labels", Shape.of(3, 3), DType.I32, Role.INPUT);
        b.output("loss", b.scale(b.op(Op.CTC_LOSS, logits, labels), 1.5f));
        Graph g = b.build();
        Map<String, double[]> in = GradCheck.randomInputs(g, 11, 4);
        in.put("labels", new double[] {1, 2, 3, 3, 3, -1, 2, -1, -1}); // repeats need blanks between them
        GradCheck.check(g, in, 72);
    }
}
