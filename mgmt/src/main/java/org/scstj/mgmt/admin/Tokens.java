package org.scstj.mgmt.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The admin API's two bearer tokens, {@code <state-dir>/admin/admin.token} (every action) and
 * {@code readonly.token} (GET only): 256 random bits each, generated at first start into files
 * only their owner can read (the directory is 0700 too), kept across restarts. A token is never
 * logged; requests compare it in constant time.
 */
final class Tokens {
    enum Role { ADMIN, READ_ONLY }

    private final byte[] admin;
    private final byte[] readOnly;

    private Tokens(byte[] admin, byte[] readOnly) {
        this.admin = admin;
        this.readOnly = readOnly;
    }

    static Path dir(Path stateDir) {
        return stateDir.resolve("admin");
    }

    static Tokens loadOrCreate(Path stateDir) throws IOException {
        Path dir = dir(stateDir);
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        return new Tokens(token(dir.resolve("admin.token")), token(dir.resolve("readonly.token")));
    }

    private static byte[] token(Path file) throws IOException {
        if (Files.exists(file)) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            String t = Files.readString(file, StandardCharsets.US_ASCII).trim();
            if (t.length() >= 32) {
                return t.getBytes(StandardCharsets.US_ASCII);
            }
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String t = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, t + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return t.getBytes(StandardCharsets.US_ASCII);
    }

    /** The role of an Authorization header's bearer token, or null when it is missing or wrong. */
    Role role(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        byte[] given = authorization.substring(7).trim().getBytes(StandardCharsets.US_ASCII);
        // both compared, always: the time does not tell which one nearly matched
        boolean isAdmin = MessageDigest.isEqual(given, admin);
        boolean isReadOnly = MessageDigest.isEqual(given, readOnly);
        return isAdmin ? Role.ADMIN : isReadOnly ? Role.READ_ONLY : null;
    }
}
