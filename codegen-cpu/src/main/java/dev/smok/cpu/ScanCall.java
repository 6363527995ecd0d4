package dev.smok.cpu;

import dev.smok.ir.IrException;
import dev.smok.ir.Node;
import dev.smok.ir.Value;

import java.util.Map;

/** Scan (not compiled yet). */
final class ScanCall {
    private ScanCall() {}

    static OpCalls.Kernel create(Node n, Map<Value, Integer> offsets, OpCalls.Context ctx) {
        throw new IrException("cpu backend cannot compile op '" + n.op().text() + "' yet; use --backend interpreter");
    }
}
