package dev.smok.ir;

/** What a graph input is. */
public enum Role {
    /** Fed by the caller on every run (images, labels). */
    INPUT,
    /** A trainable parameter; lives in the executable between runs. */
    PARAM,
    /** Non-trainable state that lives between runs (optimizer slots, running statistics, step counters). */
    STATE;

    public String text() { return name().toLowerCase(); }
}
