package dev.smok.frontend.models;

import dev.smok.frontend.Loss;
import dev.smok.frontend.Network;

/**
 * Autoencoders for 1×28×28 digit images: 784 → 128 → 784 with sigmoid units, trained to
 * reconstruct their input (mean squared error against the input).
 */
public final class Autoencoders {
    private Autoencoders() {}

    /** Hidden units of the built-in autoencoder. */
    public static final int HIDDEN = 128;

    /**
     * The built-in {@code autoencoder}: the decoder's weight is the encoder's, transposed
     * (tied weights): 784·128 weights + 128 + 784 biases = 101,264 parameters.
     */
    public static Network autoencoder() { return autoencoder(true); }

    /**
     * The autoencoder with tied ({@code tied = true}) or independent decoder weights; the untied
     * twin has 784·128 more parameters.
     */
    public static Network autoencoder(boolean tied) {
        Network n = Network.sequential(tied ? "autoencoder" : "autoencoder_untied", 1, 28, 28).flatten()
                .dense(HIDDEN).name("encoder").sigmoid()
                .dense(784).name("decoder");
        if (tied) n.tiedTo("encoder");
        return n.sigmoid().loss(Loss.RECONSTRUCTION);
    }
}
