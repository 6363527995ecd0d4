package dev.smok.runtime.data;

/** A data set that cannot be read: missing, truncated, corrupt, or inconsistent. One clear line. */
public class DataException extends RuntimeException {
    public DataException(String message) { super(message); }
}
