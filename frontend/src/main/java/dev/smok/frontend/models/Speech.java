package dev.smok.frontend.models;

import dev.smok.frontend.Conv2d;
import dev.smok.frontend.Network;

/**
 * A small DeepSpeech-style transcriber (Hannun et al. 2014, Amodei et al. 2016): convolution
 * over the log-mel spectrogram [1, frames, mels] (strided in time to shorten the sequence), the
 * feature maps read as a sequence, a bidirectional LSTM over it, and per-frame scores for the
 * CTC blank plus the ten digits.
 */
public final class Speech {
    private Speech() {}

    /** Input 1×frames×mels; output [frames/2, 11]; labels of at most {@code maxDigits}. */
    public static Network digits(int frames, int mels, int maxDigits) {
        return Network.sequential("deepspeech_digits", 1, frames, mels)
                .conv2d(16, 5, Conv2d.with().stride(2, 2).padding(2)).name("conv1").relu()
                .conv2d(16, 3, Conv2d.with().padding(1)).name("conv2").relu()
                .sequence()
                .lstm(64).name("blstm").returnSequences(true).bidirectional(true)
                .frameDense(11).name("scores")
                .ctc(maxDigits);
    }
}
