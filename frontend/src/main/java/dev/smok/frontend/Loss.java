package dev.smok.frontend;

/** Training objectives. Each is a mean over the batch. */
public enum Loss {
    /** Softmax cross-entropy against integer labels; a final softmax layer is folded into it. */
    CROSS_ENTROPY,
    /** Binary cross-entropy of each output (e.g. one sigmoid per class) against one-hot labels. */
    BINARY_CROSS_ENTROPY,
    /** Mean squared error against float targets of the output's shape. */
    MSE,
    /** Mean squared error against the input itself (autoencoders). */
    RECONSTRUCTION,
    /**
     * Connectionist temporal classification of per-frame logits [steps, classes] (class 0 the
     * blank) against label rows padded with -1; see {@link Network#ctc(int)}.
     */
    CTC;

    /** By CLI name: cross-entropy, bce, mse or reconstruction. */
    public static Loss named(String s) {
        return switch (s) {
            case "cross-entropy", "ce" -> CROSS_ENTROPY;
            case "bce", "binary-cross-entropy" -> BINARY_CROSS_ENTROPY;
            case "mse" -> MSE;
            case "reconstruction" -> RECONSTRUCTION;
            case "ctc" -> CTC;
            default -> throw new IllegalArgumentException("unknown loss '" + s + "' (expected cross-entropy, bce, mse, reconstruction or ctc)");
        };
    }

    /** Whether the loss reads integer class labels (rather than float targets). */
    public boolean usesLabels() { return this == CROSS_ENTROPY || this == BINARY_CROSS_ENTROPY; }
}
