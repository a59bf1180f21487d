package org.scstj.bench.compare;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.mgmt.config.ConfigLoader;
import org.scstj.mgmt.config.ScstjConfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScstjTargetTest {
    @Test
    void generatedConfiguration_passesScstjsOwnValidation(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("scstj.img");
        BackingFiles.create(file, 1 << 20);
        String text = ScstjTarget.config(dir.resolve("state"), file, null, 43210);
        ScstjConfig config = new ConfigLoader(ConfigLoader.installedHandlers()).load("generated", text, ConfigFactory.empty());
        assertEquals(1, config.portals().size());
        assertEquals(43210, config.portals().getFirst().port());
        assertEquals("127.0.0.1", config.portals().getFirst().host());
        assertTrue(text.contains("1 = bench-file, 2 = bench-null"), text);
    }

    @Test
    void withTheRamdisk_lun4IsAUserDeviceTheDaemonStarts(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("scstj.img");
        BackingFiles.create(file, 1 << 20);
        String text = ScstjTarget.config(dir.resolve("state"), file, null, Path.of("/opt/ramdisk"), 43210);
        new ConfigLoader(ConfigLoader.installedHandlers()).load("generated", text, ConfigFactory.empty());
        assertTrue(text.contains("2 = bench-null, 4 = bench-user"), text);
        assertTrue(text.contains("command = [\"/opt/ramdisk\", \"--size\", \"1G\""), text);
    }

    @Test
    void classPathLaunch_usesTheLaunchersJvmOptions() {
        ScstjLaunch launch = ScstjLaunch.classPath();
        assertTrue(launch.prefix().containsAll(ScstjLaunch.LAUNCHER_JVM_OPTIONS));
        assertEquals(Path.of("c.conf").toString(), launch.command(Path.of("c.conf")).getLast());
        assertEquals("org.scstj.mgmt.Main", launch.prefix().get(launch.prefix().size() - 3));
    }

    @Test
    void backingFiles_identicalAndFullyWritten(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.img");
        Path b = dir.resolve("b.img");
        BackingFiles.create(a, 3 << 20);
        BackingFiles.create(b, 3 << 20);
        assertEquals(3 << 20, Files.size(a));
        assertEquals(-1, Files.mismatch(a, b));
        byte[] bytes = Files.readAllBytes(a);
        int mib = 1 << 20;
        assertFalse(Arrays.equals(bytes, 0, mib, bytes, mib, 2 * mib), "each 1 MiB chunk is stamped with its index");
        assertFalse(Arrays.equals(bytes, 2 * mib, 3 * mib, new byte[mib], 0, mib), "no chunk is all zeros");
    }
}
