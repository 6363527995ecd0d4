package dev.smok.cpu;

import dev.smok.ir.Graph;
import dev.smok.ir.GraphBuilder;
import dev.smok.ir.Shape;
import dev.smok.ir.Value;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * GEMM against the interpreter on ragged and blocked shapes with every transpose combination, on
 * one and two threads, alone and with a fused epilogue; the shapes cross every block size (K 256,
 * M 144, N 4096) and every way of cutting the product over threads (300x40x100 cuts M; the
 * matrix-vector products 1x520x300 and 1x9x15000 cut K). Tolerance 1e-5 of the largest |C|
 * (float32 accumulation over K up to 15000).
 */
class GemmTest {
    @ParameterizedTest
    @CsvSource({
        "1,1,1", "1,7,15", "7,15,17", "6,64,256", "5,63,65", "17,1,33", "13,130,300", "63,129,257",
        "64,200,600", "12,1100,40", "100,17,9", "49,192,513",
        "1,520,300", "2,129,70", "3,130,70", "4,130,70", "5,64,9",
        "131,33,257", "300,40,100", "24,4097,5", "8,4100,3", "1,9,15000"
    })
    void matchesInterpreter(int m, int n, int k) {
        for (int flags = 0; flags < 4; flags++) {
            boolean ta = (flags & 1) != 0, tb = (flags & 2) != 0;
            GraphBuilder b = new GraphBuilder("gemm");
            Value a = b.input("a", ta ? Shape.of(k, m) : Shape.of(m, k));
            Value w = b.input("b", tb ? Shape.of(n, k) : Shape.of(k, n));
            b.output("c", b.matmul(a, w, ta, tb));
            Graph g = b.build();
            for (int threads : new int[] {1, 2}) {
                Oracle.check(g, Oracle.randomInputs(g, m * 31L + n * 7L + k + flags, -1, 1, 2), 1e-5, threads);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"7,17,15", "64,130,70", "1,64,33", "1,150,40", "2,300,300", "96,512,300"})
    void epilogueBiasReluResidual(int m, int n, int k) {
        GraphBuilder b = new GraphBuilder("epilogue");
        Value x = b.input("x", Shape.of(m, k));
        Value w = b.param("w", Shape.of(k, n));
        Value bias = b.param("bias", Shape.of(n));
        Value res = b.input("res", Shape.of(m, n));
        Value y = b.relu(b.biasAdd(b.matmul(x, w), bias));
        b.output("y", b.add(b.scale(y, 0.5f), res));
        Graph g = b.build();
        for (int threads : new int[] {1, 2}) {
            Oracle.check(g, Oracle.randomInputs(g, m + n + k, -1, 1, 2), 1e-5, threads);
        }
    }
}
