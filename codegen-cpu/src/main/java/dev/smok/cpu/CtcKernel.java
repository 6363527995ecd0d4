package dev.smok.cpu;

import dev.smok.ir.IrException;
import dev.smok.ir.Node;

/** CTC loss and gradient (not compiled yet). */
final class CtcKernel {
    private CtcKernel() {}

    static OpCalls.Kernel create(Node n, int[] in, int out) {
        throw new IrException("cpu backend cannot compile op '" + n.op().text() + "' yet; use --backend interpreter");
    }
}
