package org.scstj.mgmt.admin;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The running configuration on disk: written after every successful change to the file the daemon
 * was started with, crash-safely (a temporary file beside it, fsync, rename over it, fsync of the
 * directory), the previous {@code keep} versions kept as {@code FILE.1} (newest) to {@code FILE.N}.
 * A configuration without a non-empty {@code scstj} block is never written (the caller has
 * validated it whole; this is the last guard against replacing a valid file with an empty one).
 */
final class ConfigStore {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path file;
    private final int keep;
    private long written;

    ConfigStore(Path file, int keep) {
        this.file = file.toAbsolutePath();
        this.keep = keep;
    }

    Path file() {
        return file;
    }

    /** How many times the file was written by this daemon. */
    synchronized long writes() {
        return written;
    }

    /** Writes {@code document} as HOCON ({@link Hocon#render}) under a header comment. */
    synchronized void write(Config document, String header) throws IOException {
        guard(document);
        String text = Hocon.render(document, header);
        Path dir = file.getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
        Set<PosixFilePermission> mode = Files.exists(file) ? Files.getPosixFilePermissions(file) : OWNER_ONLY;
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(mode));
        } catch (FileAlreadyExistsException e) {
            throw new IOException("cannot create " + tmp + ": it reappeared", e);
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
        rotate();
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        syncDirectory(dir);
        written++;
    }

    /** FILE.(N-1) → FILE.N, …, FILE → FILE.1 (a copy: FILE stays in place until the rename replaces it). */
    private void rotate() throws IOException {
        if (keep <= 0 || !Files.exists(file)) {
            return;
        }
        for (int i = keep - 1; i >= 1; i--) {
            Path from = version(i);
            if (Files.exists(from)) {
                Files.move(from, version(i + 1), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        }
        Path first = version(1);
        Path tmp = first.resolveSibling("." + first.getFileName() + ".tmp");
        Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        // not fsynced: a copy lost in a crash costs an old version, never the file itself
        Files.move(tmp, first, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    Path version(int n) {
        return file.resolveSibling(file.getFileName() + "." + n);
    }

    private static void guard(Config document) throws IOException {
        if (!(document.root().get("scstj") instanceof ConfigObject scstj) || scstj.isEmpty()) {
            throw new IOException("refusing to write a configuration without a scstj block");
        }
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
