package dev.smok.frontend;

import dev.smok.ir.Shape;

/**
 * A parameter a layer declares: full name ({@code layer.w}), shape, initializer and fans.
 *
 * @param sharedWith the name of the parameter this one reuses (tied weights), or null
 */
public record ParamSpec(String name, Shape shape, Init init, int fanIn, int fanOut, String sharedWith) {
    public ParamSpec(String name, Shape shape, Init init, int fanIn, int fanOut) {
        this(name, shape, init, fanIn, fanOut, null);
    }
}
