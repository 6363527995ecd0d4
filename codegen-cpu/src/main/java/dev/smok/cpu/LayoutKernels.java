package dev.smok.cpu;

import dev.smok.ir.Node;
import dev.smok.ir.Op;
import dev.smok.ir.Shape;

/**
 * Concat, slice and pad along one axis, as block copies, and transpose as a strided copy. Viewing a
 * tensor as [outer, dim(axis)·inner], each of the first three moves one contiguous block per outer
 * row with {@link System#arraycopy} (an intrinsic): concat places input i's block at its running
 * column offset, slice copies columns start·inner ..+ size·inner, pad zero-fills a row and copies
 * the input's block to start·inner. Transpose walks the output in order with an odometer over its
 * axes and reads the input through per-axis strides, so it needs no index map and its set-up does
 * not grow with the tensor (see {@link Transpose}). Every op overwrites its whole output.
 */
final class LayoutKernels {
    private LayoutKernels() {}

    static OpCalls.Kernel create(Node n, int[] in, int out) {
        Shape os = n.out().shape();
        if (n.op() == Op.TRANSPOSE) return Transpose.of(n.in(0).shape().dims(), n.attrs().ints("perm"), in[0], out);
        if (n.op() == Op.CONCAT) {
            int axis = os.normalizeAxes(new int[] {n.attrs().i("axis", 1)})[0];
            int outer = os.size(0, axis), inner = os.size(axis + 1, os.rank());
            int[] blocks = new int[in.length];
            for (int i = 0; i < in.length; i++) blocks[i] = n.in(i).shape().dim(axis) * inner;
            return new Concat(in, out, outer, os.dim(axis) * inner, blocks);
        }
        Shape xs = n.in(0).shape();
        int axis = n.attrs().i("axis");
        if (axis < 0) axis += xs.rank();
        int outer = xs.size(0, axis), inner = xs.size(axis + 1, xs.rank()), start = n.attrs().i("start");
        return n.op() == Op.SLICE
                ? new Slice(in[0], out, outer, xs.dim(axis) * inner, start * inner, os.dim(axis) * inner)
                : new Pad(in[0], out, outer, xs.dim(axis) * inner, start * inner, os.dim(axis) * inner);
    }

    static final class Concat extends OpCalls.Kernel {
        private final int[] in, blocks;
        private final int out, outer, row;

        Concat(int[] in, int out, int outer, int row, int[] blocks) {
            this.in = in.clone(); this.out = out; this.outer = outer; this.row = row; this.blocks = blocks;
        }

        @Override public void run(float[] a) {
            int at = 0;
            for (int i = 0; i < in.length; i++) {
                int block = blocks[i], src = in[i];
                for (int r = 0; r < outer; r++) System.arraycopy(a, src + r * block, a, out + r * row + at, block);
                at += block;
            }
        }

        @Override String describe() { return "concat of " + in.length + " in " + outer + " rows of " + row; }
    }

    /** out row r = in[r·inRow + from .. + outRow). */
    static final class Slice extends OpCalls.Kernel {
        private final int in, out, outer, inRow, from, outRow;

        Slice(int in, int out, int outer, int inRow, int from, int outRow) {
            this.in = in; this.out = out; this.outer = outer; this.inRow = inRow; this.from = from; this.outRow = outRow;
        }

        @Override public void run(float[] a) {
            for (int r = 0; r < outer; r++) System.arraycopy(a, in + r * inRow + from, a, out + r * outRow, outRow);
        }

        @Override String describe() { return "slice " + outer + " rows, " + outRow + " of " + inRow + " from " + from; }
    }

    /** out row r = zeros with in's row at {@code at}. */
    static final class Pad extends OpCalls.Kernel {
        private final int in, out, outer, inRow, at, outRow;

        Pad(int in, int out, int outer, int inRow, int at, int outRow) {
            this.in = in; this.out = out; this.outer = outer; this.inRow = inRow; this.at = at; this.outRow = outRow;
        }

        @Override public void run(float[] a) {
            for (int r = 0; r < outer; r++) {
                int o = out + r * outRow;
                java.util.Arrays.fill(a, o, o + at, 0f);
                System.arraycopy(a, in + r * inRow, a, o + at, inRow);
                java.util.Arrays.fill(a, o + at + inRow, o + outRow, 0f);
            }
        }

        @Override String describe() { return "pad " + outer + " rows of " + inRow + " into " + outRow + " at " + at; }
    }

    /**
     * out = transpose(in, perm). Axes of size 1 are dropped and output axes that are also adjacent,
     * in order, in the input are merged, so [N,T,F] → [T,N,F] becomes rows of F contiguous floats
     * and NCHW → NHWC a [N, HW, C] walk. The last (merged) output axis is the inner loop: one
     * {@code arraycopy} per row when it is contiguous in the input and long enough, else a strided
     * loop. The outer axes advance like an odometer that keeps the row's input offset, so the
     * set-up is O(rank) and a run does one add per row beyond the copy itself.
     */
    static final class Transpose extends OpCalls.Kernel {
        /** Below this many contiguous floats a row is copied by a loop rather than {@code arraycopy}. */
        private static final int ARRAYCOPY_MIN = 16;

        private final int in, out, rows, inner, innerStride;
        private final int[] dims, strides; // the outer output axes and their input strides
        private final int[] coord;         // the odometer: scratch, runs are one at a time

        private Transpose(int in, int out, int rows, int inner, int innerStride, int[] dims, int[] strides) {
            this.in = in; this.out = out; this.rows = rows; this.inner = inner; this.innerStride = innerStride;
            this.dims = dims; this.strides = strides; this.coord = new int[dims.length];
        }

        static Transpose of(int[] inDims, int[] perm, int in, int out) {
            int r = inDims.length;
            int[] inStrides = new int[r];
            int size = 1;
            for (int d = r - 1; d >= 0; d--) { inStrides[d] = size; size *= inDims[d]; }
            // output axes in order as (dim, input stride), size-1 axes dropped, runs adjacent in the input merged
            int[] dims = new int[r], strides = new int[r];
            int k = 0;
            for (int d = 0; d < r; d++) {
                int dim = inDims[perm[d]], stride = inStrides[perm[d]];
                if (dim == 1) continue;
                if (k > 0 && strides[k - 1] == stride * dim) { dims[k - 1] *= dim; strides[k - 1] = stride; continue; }
                dims[k] = dim; strides[k] = stride; k++;
            }
            if (k == 0) { dims[0] = 1; strides[0] = 1; k = 1; }
            int inner = dims[k - 1];
            return new Transpose(in, out, size / inner, inner, strides[k - 1],
                    java.util.Arrays.copyOf(dims, k - 1), java.util.Arrays.copyOf(strides, k - 1));
        }

        @Override public void run(float[] a) {
            int[] c = coord;
            java.util.Arrays.fill(c, 0);
            int src = in, dst = out;
            boolean block = innerStride == 1 && inner >= ARRAYCOPY_MIN;
            for (int row = 0; row < rows; row++) {
                if (block) System.arraycopy(a, src, a, dst, inner);
                else for (int j = 0, s = src; j < inner; j++, s += innerStride) a[dst + j] = a[s];
                dst += inner;
                for (int d = c.length - 1; d >= 0; d--) { // next row: advance the odometer
                    src += strides[d];
                    if (++c[d] < dims[d]) break;
                    c[d] = 0;
                    src -= strides[d] * dims[d];
                }
            }
        }

        @Override String describe() {
            return "transpose " + rows + " rows of " + inner + (innerStride == 1 ? " contiguous" : " strided by " + innerStride)
                    + " (outer axes " + java.util.Arrays.toString(dims) + ", input strides " + java.util.Arrays.toString(strides) + ")";
        }
    }
}
