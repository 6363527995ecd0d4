package dev.smok.ir;

/** A named graph input with its role. The value's name equals {@code name}. */
public record Input(Value value, Role role) {
    public String name() { return value.name(); }
    public Shape shape() { return value.shape(); }
}
