package org.scstj.bench.conformance;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConformanceOptionsTest {
    @Test
    void defaults_everyConfigurationOnShmWithTwoInitiatorNames() {
        ConformanceOptions o = ConformanceOptions.parse(List.of("--launcher", ""));
        assertEquals(EnumSet.allOf(Configuration.class), o.configurations());
        assertEquals(Path.of("/dev/shm"), o.dir());
        assertEquals(Optional.empty(), o.out());
        assertEquals(Optional.empty(), o.logs());
        assertEquals(Optional.empty(), o.launcher());
        assertEquals(Optional.of(ConformanceOptions.DEFAULT_INITIATOR_1), o.initiatorName());
        assertEquals(Optional.of(ConformanceOptions.DEFAULT_INITIATOR_2), o.initiatorName2());
        assertEquals(Duration.ofMinutes(10), o.runTimeout());
    }

    @Test
    void everyOption_withASeparateValueOrAfterEquals() {
        ConformanceOptions o = ConformanceOptions.parse(List.of("--only", "nullio,thin", "--out=/tmp/m.md", "--dir", "/tmp",
                "--logs", "/tmp/logs", "--launcher=/x/scstj", "-i", "iqn.2026-11.org.example:a", "--initiator-name-2",
                "iqn.2026-11.org.example:b", "--run-timeout", "30"));
        assertEquals(EnumSet.of(Configuration.THIN, Configuration.NULLIO), o.configurations());
        assertEquals(Optional.of(Path.of("/tmp/m.md")), o.out());
        assertEquals(Path.of("/tmp"), o.dir());
        assertEquals(Optional.of(Path.of("/tmp/logs")), o.logs());
        assertEquals(Optional.of(Path.of("/x/scstj")), o.launcher());
        assertEquals(Optional.of("iqn.2026-11.org.example:a"), o.initiatorName());
        assertEquals(Optional.of("iqn.2026-11.org.example:b"), o.initiatorName2());
        assertEquals(Duration.ofSeconds(30), o.runTimeout());
        assertEquals(Optional.of("iqn.2026-11.org.example:c"),
                ConformanceOptions.parse(List.of("-I", "iqn.2026-11.org.example:c")).initiatorName2());
    }

    @Test
    void badArguments_areUsageErrorsNamingTheProblem() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConformanceOptions.parse(List.of("--quick")))
                .getMessage().contains("--quick"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConformanceOptions.parse(List.of("--only", "thick")))
                .getMessage().contains("thin,thick-4k,removable,read-only,nullio"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConformanceOptions.parse(List.of("--run-timeout", "0")))
                .getMessage().contains("--run-timeout"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConformanceOptions.parse(List.of("--out")))
                .getMessage().contains("needs a value"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConformanceOptions.parse(List.of("-I", "a b")))
                .getMessage().contains("iSCSI name"));
    }
}
