/**
 * Standalone vectorized CPU kernels of convolutional networks (float32, NCHW, Vector API),
 * written to be called by generated code: {@link dev.smok.cpu.conv.Conv2dKernels} (forward,
 * input, weight and bias gradients), {@link dev.smok.cpu.conv.Pool2dKernels} (max and average
 * pooling and their gradients) and {@link dev.smok.cpu.conv.BatchNormKernels} (training and
 * inference forward, backward, running statistics).
 *
 * <p>Conventions shared by all of them: tensors are {@code float[]} plus an element offset;
 * shapes come from a {@link dev.smok.cpu.conv.ConvGeometry} or
 * {@link dev.smok.cpu.conv.PoolGeometry} record or explicit ints; outputs are overwritten,
 * never accumulated into; scratch memory is passed in by the caller (sized by
 * {@code scratchPerThread}), so the kernels allocate nothing proportional to the data.
 * Multi-threading is explicit: each kernel has a {@code (thread, threads)} slice form that
 * computes a disjoint part of the outputs and a form that runs the slices through a
 * {@link dev.smok.cpu.conv.ParallelFor} hook (the CPU backend's worker pool); nothing uses
 * the common ForkJoinPool. Semantics are those of the reference interpreter's ops, against
 * which the tests in this package compare them.
 */
package dev.smok.cpu.conv;
