package dev.smok.frontend.models;

import dev.smok.frontend.Loss;
import dev.smok.frontend.Network;
import dev.smok.frontend.RecurrentCell;
import dev.smok.frontend.RecurrentLayer;

/**
 * The lecture's recurrent networks. Sequential MNIST reads each 1×28×28 digit as 28 steps of one
 * 28-pixel row and classifies it from the last hidden state; the adding problem of Hochreiter
 * and Schmidhuber (1997) regresses the sum of the two marked values of a [T, 2] sequence (see
 * the runtime's {@code AddingProblem} data set).
 */
public final class Recurrent {
    private Recurrent() {}

    /** Simple RNN (tanh) of 128 units over the rows, then a softmax classifier: 21,386 parameters. */
    public static Network rnn() {
        return Network.sequential("rnn", 1, 28, 28).sequence()
                .rnn(128).name("rnn")
                .dense(10).name("fc").softmax();
    }

    /** LSTM of 128 units over the rows, then a softmax classifier: 81,674 parameters. */
    public static Network lstm() {
        return Network.sequential("lstm", 1, 28, 28).sequence()
                .lstm(128).name("lstm")
                .dense(10).name("fc").softmax();
    }

    /** The adding problem with sequences of {@code steps}: a recurrent layer and one linear output, MSE. */
    public static Network addingProblem(int steps, RecurrentCell cell, int units) {
        return Network.sequential("adding-" + cell.name().toLowerCase(), steps, 2)
                .add(new RecurrentLayer(cell, units)).name(cell.name().toLowerCase())
                .dense(1).name("out")
                .loss(Loss.MSE);
    }
}
