package dev.smok.runtime.io;

/**
 * A checkpoint that cannot be read or does not fit the model: missing, truncated, corrupt, or
 * holding a tensor whose name or shape differs. The message is one line that names the file and,
 * where one is at fault, the tensor with its expected and found shapes.
 */
public class CheckpointException extends RuntimeException {
    public CheckpointException(String message) { super(message); }

    public CheckpointException(String message, Throwable cause) { super(message, cause); }
}
