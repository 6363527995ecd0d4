package dev.smok.frontend.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smok.frontend.Loss;
import dev.smok.frontend.Network;
import dev.smok.ir.Graph;
import dev.smok.ir.Role;
import dev.smok.ir.Shape;

import org.junit.jupiter.api.Test;

/** Parameter counts, shapes and lowering of the built-in convolutional networks and blocks. */
class CnnsTest {
    @Test void lenet5HasExactly61706Parameters() {
        Network net = Cnns.lenet5();
        assertEquals(61_706, net.paramCount());
        assertEquals(Shape.of(10), net.outputShape());
        String s = net.summary();
        assertTrue(s.contains("conv2d1 (Conv2d)") && s.contains("6x28x28") && s.contains("156"), s);
        assertTrue(s.contains("maxpool2d2 (MaxPool2d)") && s.contains("16x5x5"), s);
        assertTrue(s.contains("Total params: 61,706"), s);
        Graph g = net.inference(2);
        assertEquals(Shape.of(2, 10), g.outputs().get("y").shape());
        assertEquals(61_706, g.paramCount());
    }

    @Test void cnnParametersStatesAndGraphs() {
        Network net = Cnns.cnn();
        // convs 288 + 9,216 + 18,432 + 36,864, batch norms 2·(32+32+64+64), dense 3,136·128+128 and 128·10+10
        assertEquals(468_010, net.paramCount());
        assertEquals(4 * 2 + 2, net.states().size()); // running mean and var per batch norm, a step per dropout
        Graph train = net.training(4, Loss.CROSS_ENTROPY);
        assertEquals(10, train.inputs(Role.STATE).size());
        assertTrue(train.updates().containsKey("batchnorm1.running_var"), train.updates().keySet().toString());
        assertTrue(train.updates().containsKey("dropout1.step"));
        Graph infer = net.inference(4);
        assertEquals(8, infer.inputs(Role.STATE).size()); // dropout needs no counter in inference
        assertTrue(infer.updates().isEmpty());
        assertEquals(1f, net.initialStates().get("batchnorm4.running_var").get(63));
        assertEquals(0f, net.initialStates().get("batchnorm4.running_mean").get(63));
    }

    @Test void residualBlockWithProjectionShortcut() {
        Network net = Network.sequential("res", 16, 8, 8);
        Cnns.residualBlock(net, 32, 2);
        // 3x3 convs 16→32 and 32→32, 1x1 shortcut 16→32, three batch norms of 32
        assertEquals(4_608 + 9_216 + 512 + 3 * 64, net.paramCount());
        assertEquals(Shape.of(32, 4, 4), net.outputShape());
        String s = net.summary();
        assertTrue(s.contains("add1 (Add)") && s.contains("batchnorm2, batchnorm3"), s);
        assertTrue(s.contains("conv2d3 (Conv2d)") && s.contains("Inputs"), s);
        net.inference(1);
        net.training(2, Loss.MSE);
    }

    @Test void identityShortcutAddsNoParameters() {
        Network net = Network.sequential("res", 16, 8, 8);
        Cnns.residualBlock(net, 16, 1);
        assertEquals(2 * 16 * 16 * 9 + 2 * 32, net.paramCount());
        assertTrue(net.summary().contains("batchnorm2, input"), net.summary());
    }

    @Test void inceptionBlockConcatenatesFourBranches() {
        Network net = Network.sequential("inception", 32, 14, 14);
        Cnns.inceptionBlock(net, 16, 16, 24, 4, 8, 8);
        assertEquals(Shape.of(16 + 24 + 8 + 8, 14, 14), net.outputShape());
        // 1x1: 32·16+16; 3x3 branch: 32·16+16 and 16·24·9+24; 5x5 branch: 32·4+4 and 4·8·25+8; pool branch: 32·8+8
        assertEquals(528 + 528 + 3_480 + 132 + 808 + 264, net.paramCount());
        String s = net.summary();
        assertTrue(s.contains("concat1 (Concat)") && s.contains("56x14x14") && s.contains("relu1, relu3, relu5, relu6"), s);
        assertEquals(Shape.of(2, 56, 14, 14), net.inference(2).outputs().get("y").shape());
    }

    @Test void smallResidualAndInceptionNetworksLower() {
        for (Network net : new Network[] {Cnns.resnetMini(), Cnns.inceptionMini()}) {
            assertEquals(Shape.of(10), net.outputShape());
            assertEquals(net.paramCount(), net.training(2, Loss.CROSS_ENTROPY).paramCount());
        }
    }
}
