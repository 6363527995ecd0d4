package dev.smok.runtime.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Crash-safe file replacement: the bytes go to a temporary file in the target's own folder
 * (hidden, named {@code .NAME.PID.tmp}), are forced to disk with {@code fsync}, and the temporary
 * file is then atomically renamed over the target; finally the folder itself is fsync'd so the
 * rename is durable. A crash or kill at any moment leaves either the previous file or the new
 * one, never a mixture, and never a half-written file under the target's name. A failure
 * deletes the temporary file (a killed process may leave one behind; it is never read).
 */
public final class CheckpointWriter {
    private CheckpointWriter() {}

    /** Replaces {@code target} with {@code bytes} atomically and durably; creates missing parent folders. */
    public static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + abs.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) ch.write(b);
                ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + dir + " cannot rename atomically; refusing to overwrite " + abs + " unsafely", e);
            }
            syncFolder(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Makes a rename in {@code dir} durable (Linux allows fsync on a folder opened for reading). */
    private static void syncFolder(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // some platforms (Windows) cannot open folders; the rename itself is still atomic
        }
    }
}
