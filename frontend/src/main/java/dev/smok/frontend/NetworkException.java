package dev.smok.frontend;

/** A network definition that cannot be built: the message names the layer, the shapes and the fix. */
public class NetworkException extends IllegalArgumentException {
    public NetworkException(String message) { super(message); }
}
