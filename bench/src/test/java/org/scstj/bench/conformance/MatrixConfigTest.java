package org.scstj.bench.conformance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;

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
    void wholeMatrix_withoutTheWholeMediumRate_isAccepted_twoPortalsOneTargetTenLuns() throws Exception {
        // the blockio configurations' loop devices stand in as regular files (vdisk_blockio takes either)
        java.util.Map<Configuration, Path> loops = new java.util.EnumMap<>(Configuration.class);
        for (Configuration c : Configuration.values()) {
            if (c.loopSectorSize() > 0) {
                Path f = dir.resolve(c.id + ".loop.img");
                try (var raf = new java.io.RandomAccessFile(f.toFile(), "rw")) {
                    raf.setLength(Configuration.LOOP_BYTES);
                }
                loops.put(c, f);
            }
        }
        java.nio.file.Files.write(dir.resolve("cd.iso"), new byte[4 * 2048]); // the vcdrom's image
        String text = MatrixConfig.render(dir, 3270, EnumSet.allOf(Configuration.class), false, loops);
        ScstjConfig config = load(text);
        assertEquals(2, config.portals().size(), config.portals().toString());
        assertTrue(text.contains("portals = [\"127.0.0.1:3270\", \"127.0.0.2:3270\"]"), text);
        assertTrue(text.contains("luns { 0 = matrix-thin, 1 = matrix-thick-4k, 2 = matrix-removable, 3 = matrix-read-only, "
                + "4 = matrix-nullio, 5 = matrix-physical-4k, 6 = matrix-sanitize, 7 = matrix-blockio, 8 = matrix-blockio-4k, "
                + "9 = matrix-vcdrom }"),
                text);
        assertFalse(text.contains("whole-medium-rate"), text);
    }

    @Test
    void wholeMediumRate_isEitherAcceptedOrTheOnlyThingRefused() throws Exception {
        // before the SANITIZE work lands the engine key is unknown; after, the whole matrix loads
        String text = MatrixConfig.render(dir, 3270, EnumSet.of(Configuration.SANITIZE), true);
        assertTrue(text.contains("  engine.whole-medium-rate = 12M\n"), text);
        try {
            load(text);
        } catch (InvalidConfigException e) {
            List<String> problems = MatrixConfig.problems(e.getMessage());
            assertEquals(1, problems.size(), e.getMessage());
            assertTrue(MatrixConfig.isAbout(problems.getFirst(), MatrixConfig.RATE_KEY), e.getMessage());
        }
    }

    @Test
    void problems_areTheKeyedLinesOfChecksOutput() {
        String removable = "/d/scstj.conf:8: scstj.handlers.vdisk_fileio.matrix-removable.removable: unknown key for a "
                + "vdisk_fileio device (known: block-size, filename)";
        String other = "/d/scstj.conf:5: scstj.handlers.vdisk_fileio.matrix-thin.size: not a size";
        List<String> problems = MatrixConfig.problems(removable + "\n" + other + "\n");
        assertEquals(List.of(removable, other), problems);
        assertTrue(MatrixConfig.isAbout(removable, MatrixConfig.REMOVABLE_KEY));
        assertFalse(MatrixConfig.isAbout(other, MatrixConfig.REMOVABLE_KEY));
        assertEquals(List.of(), MatrixConfig.problems("/d/scstj.conf: OK"));
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
