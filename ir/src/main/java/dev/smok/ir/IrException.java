package dev.smok.ir;

/** A malformed graph, a shape that does not fit an op, or IR text that does not parse. */
public class IrException extends RuntimeException {
    public IrException(String message) { super(message); }
}
