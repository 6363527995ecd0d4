package dev.smok.optimizer.passes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.smok.ir.Graph;
import dev.smok.ir.IrParser;
import dev.smok.ir.IrPrinter;
import dev.smok.ir.interp.Interpreter;
import dev.smok.optimizer.GradCheck;
import dev.smok.optimizer.Pass;

import java.util.Map;

/** The two checks every pass gets: golden IR text before → expected, and equal numbers on the interpreter. */
final class PassTesting {
    private PassTesting() {}

    /** Runs {@code pass} on the parsed {@code before} and compares the printed result with {@code expected}. */
    static Graph assertRewrites(Pass pass, String before, String expected) {
        Graph in = IrParser.parse(before);
        Graph out = pass.run(in);
        assertEquals(IrPrinter.print(IrParser.parse(expected)), IrPrinter.print(out), "pass " + pass.name());
        assertSameResults(in, out, 1e-6);
        return out;
    }

    /** Outputs and updates of both graphs on the same random inputs agree to {@code rtol} (relative, with an absolute floor of rtol). */
    static void assertSameResults(Graph a, Graph b, double rtol) {
        assertEquals(a.outputs().keySet(), b.outputs().keySet());
        assertEquals(a.updates().keySet(), b.updates().keySet());
        Map<String, double[]> inputs = GradCheck.randomInputs(a, 42, 3);
        positiveStep(inputs);
        Interpreter.Result ra = Interpreter.run(a, inputs), rb = Interpreter.run(b, inputs);
        compare(ra.outputs(), rb.outputs(), rtol);
        compare(ra.updates(), rb.updates(), rtol);
    }

    /** Adam's step counter must be >= 0 so that step + 1 >= 1; second moments and running variances are >= 0. */
    private static void positiveStep(Map<String, double[]> inputs) {
        double[] step = inputs.get("@step");
        if (step != null) step[0] = 3;
        inputs.replaceAll((k, v) -> k.endsWith("@v") || k.endsWith("running_var") ? java.util.Arrays.stream(v).map(Math::abs).toArray() : v);
    }

    private static void compare(Map<String, double[]> expected, Map<String, double[]> actual, double rtol) {
        for (var e : expected.entrySet()) {
            double[] x = e.getValue(), y = actual.get(e.getKey());
            assertEquals(x.length, y.length, e.getKey());
            for (int i = 0; i < x.length; i++) {
                if (Double.isNaN(x[i]) && Double.isNaN(y[i])) continue;
                if (Math.abs(x[i] - y[i]) > rtol * Math.max(1, Math.abs(x[i]))) {
                    fail(e.getKey() + "[" + i + "]: unoptimized " + x[i] + ", optimized " + y[i]);
                }
            }
        }
    }

    static void assertNoChange(Pass pass, String text) {
        Graph in = IrParser.parse(text);
        Graph out = pass.run(in);
        assertEquals(IrPrinter.print(in), IrPrinter.print(out));
        assertArrayEquals(new int[] {in.nodes().size()}, new int[] {out.nodes().size()});
    }
}
