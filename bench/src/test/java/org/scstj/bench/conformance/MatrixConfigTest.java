package org.scstj.bench.conformance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.mgmt.config.ConfigLoader;
import org.scstj.mgmt.config.InvalidConfigException;
import org.scstj.mgmt.config.ScstjConfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MatrixConfigTest {
    @TempDir
    Path dir;

    @Test
    void matrixWithoutRemovable_isAcceptedAsIs_twoPortalsOneTargetFourLuns() throws Exception {
        Set<Configuration> all = EnumSet.complementOf(EnumSet.of(Configuration.REMOVABLE));
        ScstjConfig config = load(MatrixConfig.render(dir, 3270, all));
        assertEquals(2, config.portals().size(), config.portals().toString());
        String text = MatrixConfig.render(dir, 3270, all);
        assertTrue(text.contains("portals = [\"127.0.0.1:3270\", \"127.0.0.2:3270\"]"), text);
        assertTrue(text.contains("luns { 0 = matrix-thin, 1 = matrix-thick-4k, 3 = matrix-read-only, 4 = matrix-nullio }"), text);
    }

    @Test
    void removable_isEitherAcceptedOrTheOnlyThingRefused() throws Exception {
        // before the removable-medium work lands the key is unknown; after, the whole matrix loads
        String text = MatrixConfig.render(dir, 3270, EnumSet.allOf(Configuration.class));
        try {
            load(text);
        } catch (InvalidConfigException e) {
            assertTrue(MatrixConfig.onlyRefuses(e.getMessage(), "removable"), e.getMessage());
        }
    }

    @Test
    void onlyRefuses_needsEveryProblemToBeAboutTheKey() {
        String removable = "/d/scstj.conf:8: scstj.handlers.vdisk_fileio.matrix-removable.removable: unknown key for a "
                + "vdisk_fileio device (known: block-size, filename)";
        String other = "/d/scstj.conf:5: scstj.handlers.vdisk_fileio.matrix-thin.size: not a size";
        assertTrue(MatrixConfig.onlyRefuses(removable, "removable"));
        assertFalse(MatrixConfig.onlyRefuses(removable + "\n" + other, "removable"));
        assertFalse(MatrixConfig.onlyRefuses("/d/scstj.conf: OK", "removable"));
    }

    @Test
    void url_isHostPortTargetLun() {
        assertEquals("iscsi://127.0.0.2:3270/iqn.2026-11.org.scstj:conformance/4",
                MatrixConfig.url(MatrixConfig.HOST_2, 3270, Configuration.NULLIO));
    }

    /** Loads {@code text} as {@code scstj check} would, the read-only LU's file written first as the matrix does. */
    private ScstjConfig load(String text) throws Exception {
        Files.write(dir.resolve("read-only.img"), new byte[1 << 20]);
        Path file = dir.resolve("scstj.conf");
        Files.writeString(file, text);
        return new ConfigLoader(ConfigLoader.installedHandlers()).load(file);
    }
}
