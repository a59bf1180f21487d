package org.scstj.engine.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * One small state file under the daemon's {@code state-dir} (saved mode pages, persistent
 * reservations with APTPL), written so that a crash at any moment leaves either the old content
 * or the new one, never a mix, and read so that a torn or corrupted file is detected rather than
 * half-applied.
 *
 * <p>Writing: the content goes to a temporary file in the same directory, which is forced to
 * stable storage (fsync), renamed over the file (atomic within a file system), and then the
 * directory is forced so the rename itself survives a power loss. Format: UTF-8 text, the body
 * followed by a last line {@code crc32c=XXXXXXXX} over the body's bytes; {@link #read} refuses a
 * file whose last line is missing or does not match.
 */
public final class StateFile {
    private static final String TRAILER = "crc32c=";

    private final Path path;

    public StateFile(Path path) {
        this.path = path;
    }

    public Path path() {
        return path;
    }

    /** A state file that exists but cannot be trusted: its check line is missing or wrong. */
    public static final class CorruptStateException extends IOException {
        public CorruptStateException(Path path, String why) {
            super(path + ": " + why + "; the file is ignored (it is replaced the next time this state is saved)");
        }
    }

    /** Replaces the file's content with {@code body}, crash-safely (see the class comment). */
    public void write(String body) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        byte[] trailer = String.format("%s%08x%n", TRAILER, crc.getValue()).getBytes(StandardCharsets.UTF_8);
        Path tmp = dir.resolve(path.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer all = ByteBuffer.allocate(bytes.length + trailer.length).put(bytes).put(trailer).flip();
            while (all.hasRemaining()) {
                ch.write(all);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.deleteIfExists(tmp);
            throw new IOException(dir + " cannot rename atomically; state is not saved", e);
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    /** The body last written, or empty when there is no file; {@link CorruptStateException} when it is damaged. */
    public Optional<String> read() throws IOException {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new CorruptStateException(path, "not UTF-8 text");
        }
        int end = text.endsWith("\n") ? text.length() - 1 : text.length();
        int lineStart = text.lastIndexOf('\n', end - 1) + 1;
        String last = text.substring(lineStart, end);
        if (!last.startsWith(TRAILER) || last.length() != TRAILER.length() + 8) {
            throw new CorruptStateException(path, "no check line (torn write?)");
        }
        String body = text.substring(0, lineStart);
        CRC32C crc = new CRC32C();
        crc.update(body.getBytes(StandardCharsets.UTF_8));
        long expected;
        try {
            expected = Long.parseLong(last.substring(TRAILER.length()), 16);
        } catch (NumberFormatException e) {
            throw new CorruptStateException(path, "unreadable check line");
        }
        if (expected != crc.getValue()) {
            throw new CorruptStateException(path, "check value does not match the content");
        }
        return Optional.of(body);
    }
}
