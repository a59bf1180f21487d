package org.scstj.mgmt.admin;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ConfigStoreTest {
    @TempDir
    Path dir;

    static String conf(int n) {
        return "# h\nscstj {\n  state-dir = \"/x\"\n  n = " + n + "\n}\n";
    }

    static com.typesafe.config.Config doc(int n) {
        return com.typesafe.config.ConfigFactory.parseString(conf(n));
    }

    @Test
    void keepsTheLastVersionsNewestFirstAndTheFileMode() throws IOException {
        Path f = dir.resolve("s.conf");
        Files.writeString(f, conf(0));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        ConfigStore store = new ConfigStore(f, 2);
        for (int i = 1; i <= 4; i++) {
            store.write(doc(i), "h");
        }
        assertEquals(conf(4), Files.readString(f));
        assertEquals(conf(3), Files.readString(store.version(1)));
        assertEquals(conf(2), Files.readString(store.version(2)));
        assertFalse(Files.exists(store.version(3)));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertFalse(Files.exists(dir.resolve(".s.conf.tmp")));
    }

    @Test
    void neverWritesAConfigurationWithoutAScstjBlock() throws IOException {
        Path f = dir.resolve("s.conf");
        Files.writeString(f, conf(0));
        ConfigStore store = new ConfigStore(f, 2);
        assertThrows(IOException.class, () -> store.write(com.typesafe.config.ConfigFactory.empty(), "h"));
        assertThrows(IOException.class, () -> store.write(com.typesafe.config.ConfigFactory.parseString("other { a = 1 }"), "h"));
        assertThrows(IOException.class, () -> store.write(com.typesafe.config.ConfigFactory.parseString("scstj { }"), "h"));
        assertEquals(conf(0), Files.readString(f));
        assertFalse(Files.exists(store.version(1)));
    }

    @Test
    void aNewFileIsOwnerOnly() throws IOException {
        Path f = dir.resolve("new.conf");
        new ConfigStore(f, 2).write(doc(1), "h");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    }
}
