package dev.smok.frontend.models;

import dev.smok.frontend.Loss;
import dev.smok.frontend.Network;

/** The lecture's single neurons and multi-layer perceptrons, for 1×28×28 digit images. */
public final class Perceptrons {
    private Perceptrons() {}

    /** Logistic regression: one sigmoid neuron per class, trained with binary cross-entropy. */
    public static Network logistic() {
        return Network.sequential("logistic", 1, 28, 28).flatten().dense(10).name("neurons").sigmoid()
                .loss(Loss.BINARY_CROSS_ENTROPY);
    }

    /** Linear regression: identity neurons trained with mean squared error against float targets. */
    public static Network linear(int inputs, int outputs) {
        return Network.sequential("linear", inputs).dense(outputs).name("neuron").loss(Loss.MSE);
    }

    /** MLP 784-512-512-10 with ReLU and a softmax output: 669,706 parameters. */
    public static Network mlp() {
        return Network.sequential("mlp", 1, 28, 28).flatten()
                .dense(512).name("fc1").relu()
                .dense(512).name("fc2").relu()
                .dense(10).name("fc3").softmax();
    }

    /**
     * The lecture's worked example: 10 inputs, hidden layers of 32 and 8, one output —
     * 10·32 + 32·8 + 8·1 = 584 weights, 625 parameters with biases.
     */
    public static Network lectureExample(boolean biases) {
        return Network.sequential("lecture", 10)
                .dense(32).bias(biases).relu()
                .dense(8).bias(biases).relu()
                .dense(1).bias(biases);
    }
}
