package dev.smok.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The printer's golden form, the parser's round trip, and the verifier's and shape rules' errors. */
class IrTextTest {
    static Graph small() {
        GraphBuilder b = new GraphBuilder("small");
        Value x = b.input("x", Shape.of(2, 3));
        Value w = b.param("fc.weight", Shape.of(4, 3));
        Value bias = b.param("fc.bias", Shape.of(4));
        Value y = b.relu(b.biasAdd(b.matmul(x, w, false, true), bias));
        b.output("y", b.reduceSum(y, true, 1));
        return b.build();
    }

    @Test void golden() {
        assertEquals("""
                graph small {
                  input %x: f32[2,3]
                  param %fc.weight: f32[4,3]
                  param %fc.bias: f32[4]
                  %0: f32[2,4] = matmul(%x, %fc.weight) {trans_a=false, trans_b=true}
                  %1: f32[2,4] = bias_add(%0, %fc.bias)
                  %2: f32[2,4] = relu(%1)
                  %3: f32[2,1] = reduce_sum(%2) {axes=[1], keepdims=true}
                  output y = %3
                }
                """, IrPrinter.print(small()));
    }

    @Test void roundTrip() {
        String text = IrPrinter.print(small());
        assertEquals(text, IrPrinter.print(IrParser.parse(text)));
    }

    @Test void parserRejectsWrongDeclaredShape() {
        String bad = IrPrinter.print(small()).replace("%2: f32[2,4]", "%2: f32[2,5]");
        IrException e = assertThrows(IrException.class, () -> IrParser.parse(bad));
        assertTrue(e.getMessage().startsWith("IR line 7: declared shape [2,5] but relu gives [2,4]"), e.getMessage());
    }

    @Test void shapeRuleErrorsNameShapes() {
        GraphBuilder b = new GraphBuilder("g");
        Value a = b.input("a", Shape.of(2, 3));
        Value c = b.input("c", Shape.of(4, 5));
        assertEquals("matmul: inner dimensions differ (3 vs 4) (inputs 2x3, 4x5)",
                assertThrows(IrException.class, () -> b.matmul(a, c)).getMessage());
        assertEquals("add: shapes do not broadcast (inputs 2x3, 4x5)", assertThrows(IrException.class, () -> b.add(a, c)).getMessage());
    }

    @Test void verifierRejectsUpdateOfDataInput() {
        GraphBuilder b = new GraphBuilder("g");
        Value x = b.input("x", Shape.of(2));
        b.update("x", b.relu(x));
        assertTrue(assertThrows(IrException.class, b::build).getMessage().contains("update x does not name a param or state"));
    }
}
