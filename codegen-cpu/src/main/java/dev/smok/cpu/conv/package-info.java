/**
 * Vectorized CPU convolution kernels (float32, NCHW, Vector API), called by generated code
 * through {@code dev.smok.cpu.ConvCalls}: {@link dev.smok.cpu.conv.Conv2dKernels} (forward,
 * input, weight and bias gradients) on two register-tiled kernels, {@code ChannelTiledConv}
 * (stride 1, output channels in the lanes) and {@code DirectConv} (pixels in the lanes). Pooling and batch norm live beside the backend
 * ({@code PoolKernels}, {@code NormCalls}).
 *
 * <p>Conventions shared by all of them: tensors are {@code float[]} plus an element offset;
 * shapes come from a {@link dev.smok.cpu.conv.ConvGeometry} record or explicit ints; outputs are overwritten,
 * never accumulated into; scratch memory is passed in by the caller (sized by
 * {@code scratchPerThread}), so the kernels allocate nothing proportional to the data.
 * Multi-threading is explicit: each kernel has a {@code (thread, threads)} slice form that
 * computes a disjoint part of the outputs and a form that runs the slices through a
 * {@link dev.smok.cpu.conv.ParallelFor} hook (the CPU backend's worker pool); nothing uses
 * the common ForkJoinPool. Semantics are those of the reference interpreter's ops, against
 * which the tests in this package compare them.
 */
package dev.smok.cpu.conv;
