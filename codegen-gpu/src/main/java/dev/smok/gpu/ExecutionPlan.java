package dev.smok.gpu;

import dev.smok.gpu.KernelIr.Kernel;

import java.util.List;
import java.util.Map;

/**
 * What the lowering hands to a device runtime: device buffers ("slots"), the kernels, the
 * launches in order, and how graph names map to slots. Target-neutral: the OpenCL and CUDA
 * executables run the same plan, they only differ in the source they build from {@link #kernels}.
 *
 * @param slotSizes  float count of each device buffer
 * @param kernels    every kernel, built once
 * @param launches   what a run enqueues, in order: a kernel and the slot bound to each of its buffer
 *                   parameters. Most kernels are launched once; a scan's body kernels once per time
 *                   step, with the carries' slots alternating between two buffers
 * @param inputSlots graph input name (data, param or state) to its slot
 * @param outputSlots graph output name to the slot holding it after a run
 * @param swaps      pairs {input slot, new-value slot}: after a run (and after outputs are
 *                   read) the two device buffers are exchanged, which applies the graph's updates
 *                   without copying
 */
record ExecutionPlan(int[] slotSizes, List<Kernel> kernels, List<Launch> launches,
                     Map<String, Integer> inputSlots, Map<String, Integer> outputSlots, List<int[]> swaps) {
    /** One enqueue: kernel number {@code kernel} of {@link #kernels} with these slots as its buffer parameters. */
    record Launch(int kernel, int[] slots) {}
}
