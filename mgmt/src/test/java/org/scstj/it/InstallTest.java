package org.scstj.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./scstj install} into a temporary prefix, configuration and unit directory: the wrapper
 * validates the example configuration, the unit runs the wrapper, systemd accepts the unit's keys,
 * and a second install keeps the configuration. No service is started.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
class InstallTest {
    /** The launcher may build the project first. */
    private static final long INSTALL_SECONDS = 900;

    @TempDir
    static Path dir;
    private Path prefix;
    private Path etc;
    private Path units;
    private Tools.Result first;

    /** The repository: the first directory up from the working directory with the launcher and the unit. */
    static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isExecutable(p.resolve("scstj")) && Files.isRegularFile(p.resolve("packaging/scstj.service"))) {
                return p;
            }
        }
        throw new IllegalStateException("no ./scstj launcher above " + Path.of("").toAbsolutePath());
    }

    private Tools.Result install() {
        return Tools.run(List.of(repositoryRoot().resolve("scstj").toString(), "install", "--prefix", prefix.toString(),
                "--config-dir", etc.toString(), "--unit-dir", units.toString()), INSTALL_SECONDS);
    }

    @BeforeAll
    void installOnce() {
        prefix = dir.resolve("prefix");
        etc = dir.resolve("etc");
        units = dir.resolve("units");
        first = install();
        assertEquals(0, first.exit(), first.output());
    }

    @Test
    void install_putsTheJarsWrapperConfigAndUnitInPlace() {
        assertTrue(Files.isExecutable(prefix.resolve("bin/scstj")), first.output());
        assertTrue(Files.isRegularFile(etc.resolve("scstj.conf")), first.output());
        assertTrue(Files.isRegularFile(units.resolve("scstj.service")), first.output());
        assertTrue(first.output().contains("systemctl enable --now scstj"), first.output());
    }

    @Test
    void wrapper_checksTheExampleConfiguration() {
        Tools.Result check = Tools.run(List.of(prefix.resolve("bin/scstj").toString(), "check", "-c",
                etc.resolve("scstj.conf").toString()), 120);
        assertEquals(0, check.exit(), check.output());
        assertTrue(check.output().contains("OK"), check.output());
    }

    @Test
    void unit_runsTheWrapperWithTheConfiguration() throws IOException {
        List<String> unit = Files.readAllLines(units.resolve("scstj.service"));
        assertTrue(unit.contains("ExecStart=" + prefix.resolve("bin/scstj") + " serve -c " + etc.resolve("scstj.conf")),
                String.join("\n", unit));
        assertTrue(unit.contains("ReadWritePaths=/var/lib/scstj " + etc), String.join("\n", unit));
        assertTrue(unit.contains("ExecReload=/bin/kill -HUP $MAINPID"), String.join("\n", unit));
    }

    /**
     * systemd-analyze verify checks the unit's sections and keys; it also looks at the world outside
     * the unit (the targets named in After=, whether systemd runs at all), which this test does not
     * judge: only lines naming the unit's file count.
     */
    @Test
    void unit_hasOnlyKeysSystemdKnows() {
        if (!Tools.onPath("systemd-analyze")) {
            return;
        }
        Path unit = units.resolve("scstj.service");
        Tools.Result verify = Tools.run(List.of("systemd-analyze", "verify", unit.toString()), 120);
        List<String> aboutUnit = verify.output().lines().filter(l -> l.contains("scstj.service:")).toList();
        List<String> problems = aboutUnit.stream().filter(l -> l.contains("Unknown") || l.contains("Failed to parse")
                || l.contains("Invalid") || l.contains("unknown") || l.contains("not executable")
                || l.contains("Missing")).toList();
        assertEquals(List.of(), problems, verify.output());
    }

    @Test
    void secondInstall_keepsTheConfiguration() throws IOException {
        Path config = etc.resolve("scstj.conf");
        String edited = Files.readString(config) + "# edited by the operator\n";
        Files.writeString(config, edited);
        Tools.Result again = install();
        assertEquals(0, again.exit(), again.output());
        assertEquals(edited, Files.readString(config));
        assertTrue(again.output().contains("kept " + config), again.output());
    }
}
