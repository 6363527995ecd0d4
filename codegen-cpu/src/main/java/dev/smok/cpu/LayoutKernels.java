package dev.smok.cpu;

import dev.smok.ir.Node;
import dev.smok.ir.Op;
import dev.smok.ir.Shape;

/**
 * Concat, slice and pad along one axis, as block copies. Viewing a tensor as
 * [outer, dim(axis)·inner], each op moves one contiguous block per outer row with
 * {@link System#arraycopy} (an intrinsic): concat places input i's block at its running column
 * offset, slice copies columns start·inner ..+ size·inner, pad zero-fills a row and copies the
 * input's block to start·inner. Every op overwrites its whole output.
 */
final class LayoutKernels {
    private LayoutKernels() {}

    static OpCalls.Kernel create(Node n, int[] in, int out) {
        Shape os = n.out().shape();
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
}
