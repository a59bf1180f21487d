package org.scstj.bench.admin;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdminOptionsTest {

    @Test
    void defaults_areAThousandDevicesAndNoFile() {
        AdminOptions o = AdminOptions.parse(List.of("--launcher", ""));
        assertEquals(1000, o.devices());
        assertEquals(Optional.empty(), o.out());
        assertEquals(Optional.empty(), o.launcher());
    }

    @Test
    void options_takeSeparateAndInlineValues() {
        AdminOptions o = AdminOptions.parse(List.of("--devices", "300", "--out=/tmp/r.md", "--launcher", "/x/scstj"));
        assertEquals(300, o.devices());
        assertEquals(Optional.of(Path.of("/tmp/r.md")), o.out());
        assertEquals(Optional.of(Path.of("/x/scstj")), o.launcher());
    }

    @Test
    void devices_mustLeaveALunNumberForTheExtraOne() {
        assertEquals(AdminOptions.MAX_DEVICES, AdminOptions.parse(List.of("--devices", "16382")).devices());
        assertThrows(IllegalArgumentException.class, () -> AdminOptions.parse(List.of("--devices", "16383")));
        assertThrows(IllegalArgumentException.class, () -> AdminOptions.parse(List.of("--devices", "0")));
        assertThrows(IllegalArgumentException.class, () -> AdminOptions.parse(List.of("--devices", "many")));
    }

    @Test
    void badCommandLines_areRefused() {
        assertThrows(IllegalArgumentException.class, () -> AdminOptions.parse(List.of("--devices")));
        assertThrows(IllegalArgumentException.class, () -> AdminOptions.parse(List.of("--fileio")));
        assertThrows(IllegalArgumentException.class, () -> AdminOptions.parse(List.of("1000")));
    }

    @Test
    void usage_namesEveryOption() {
        for (String option : List.of("--devices", "--out", "--launcher", "--help")) {
            assertTrue(AdminOptions.USAGE.contains(option), option);
        }
    }
}
