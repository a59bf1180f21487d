package org.scstj.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Linux's {@code sr} on a CD/DVD drive written outside the JVM (issue 19, docs/user-handlers.md
 * "MEDIUM"): a {@code user} device of {@code type = cdrom} whose handler, the Python
 * {@code user-handlers/python/examples/iso_disc.py}, the daemon starts itself with an empty drive;
 * the configuration's {@code medium} names the first image, which the core sends the handler as it
 * attaches (MEDIUM). The guest run is {@link LinuxCdromTest}'s, whole: sr attaches the LU, mounts
 * the disc and checks its file; a load while Linux has the door locked is refused (409) by the core;
 * the admin API's load sends the second image to the handler (MEDIUM, MEDIUM_DONE with its capacity),
 * and sr notices the change by itself; {@code eject -r} opens the core's tray and the next open closes
 * it; the admin API's eject empties the handler's drive, and sr finds no medium (3A/01). The handler
 * attaches once, and the daemon logs no error.
 */
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
class LinuxUserCdromTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    static final String TEMPLATE = """
            scstj {
              state-dir = "@DIR@/state"
              handlers.user.cd1 {
                socket = "@DIR@/cd1.sock"
                type = cdrom
                medium = "@DIR@/a.iso"
                command = ["python3", "%s", "@DIR@/cd1.sock"]
              }
              target-drivers.iscsi {
                portals = ["127.0.0.1:@PORT@"]
                targets {
                  "%s" { luns { 0 = cd1 } }
                }
              }
            }
            """;

    @TempDir
    Path dir;

    @Test
    void linuxSr_onAPythonDrive_mountsTheIso_noticesTheOperatorsSwap_ejectEmptiesTheDrive() throws Exception {
        String handler = REPO.resolve("user-handlers/python/examples/iso_disc.py").toString();
        String log = LinuxCdromTest.assertLinuxCdrom(dir, TEMPLATE.formatted(handler, LinuxCdromTest.TARGET), "medium", daemon -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!daemon.log().contains("user device cd1: the handler loaded " + dir.resolve("a.iso"))) {
                if (System.nanoTime() > deadline) {
                    fail("the handler did not attach and load the configured disc:\n" + daemon.log());
                }
                Thread.sleep(100);
            }
        }, "LinuxUserCdromTest");
        assertEquals(1, Pattern.compile("user device cd1: handler \"iso_disc.py\" .*attached, epoch")
                .matcher(log).results().count(), "the handler attached once:\n" + log);
        assertTrue(log.contains("user device cd1: the handler loaded " + dir.resolve("b.iso")), log);
        assertTrue(log.contains("user device cd1: the handler took its disc out"), log);
    }
}
