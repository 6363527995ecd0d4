package dev.smok.ir;

/**
 * How an op may be fused with its neighbours (the classification TVM uses). Fusion passes are
 * driven by these kinds, never by lists of particular ops.
 */
public enum FusionKind {
    /** Output element i depends only on input element i of same-shaped inputs. */
    ELEMENTWISE,
    /** Like elementwise, but some inputs are broadcast (bias-add, add with a smaller operand). */
    BROADCAST,
    /** Each output element is one input element (reshape, transpose, concat). */
    INJECTIVE,
    /** Output elements combine many input elements (sums, softmax, losses). */
    REDUCTION,
    /** A heavy producer (matmul, convolution) whose elementwise consumers can run in its epilogue. */
    OUT_ELEMENTWISE_FUSABLE,
    /** Not fusable (updates with side effects, data-dependent ops). */
    OPAQUE
}
