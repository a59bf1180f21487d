package org.scstj.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A configuration reload against the running daemon (SIGHUP applies the file through the admin
 * plane): a new LUN mapping, then a new device with its LUN, are served without a restart; a change
 * that needs a restart (an engine setting) is refused whole and the running mapping stays; the
 * daemon serves on throughout. (That open sessions get REPORTED LUNS DATA HAS CHANGED is checked
 * through the engine, {@code ReconfigureTest}, and against the daemon, {@code AdminTest}.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
class ReloadTest {
    static final String TARGET = "iqn.2026-11.org.scstj:reload";
    static final String HOST = "iqn.2026-11.org.example:host";

    static final String BEFORE = """
            scstj {
              state-dir = "@DIR@/state"
              handlers.vdisk_fileio {
                x { filename = "@DIR@/x.img", size = 8M }
                y { filename = "@DIR@/y.img", size = 12M }
              }
              target-drivers.iscsi {
                portals = ["127.0.0.1:@PORT@"]
                targets { "iqn.2026-11.org.scstj:reload" { luns { 0 = x } } }
              }
            }
            """;
    static final String MORE_LUNS = BEFORE.replace("luns { 0 = x }", "luns { 0 = x, 1 = y }");
    static final String NEW_DEVICE = MORE_LUNS
            .replace("y { filename", "z { filename = \"@DIR@/z.img\", size = 4M }\n    y { filename")
            .replace("1 = y }", "1 = y, 2 = z }");
    static final String NEEDS_RESTART = NEW_DEVICE.replace("handlers.vdisk_fileio {",
            "engine.nexus-queue-depth = 64\n  handlers.vdisk_fileio {").replace(", 2 = z }", ", 2 = z, 3 = x }");

    @TempDir
    static Path dir;
    private Daemon daemon;

    @BeforeAll
    void startDaemon() throws Exception {
        Tools.require("iscsi-ls", "libiscsi-bin");
        daemon = Daemon.start(dir, BEFORE);
    }

    @AfterAll
    void stopDaemon() throws Exception {
        if (daemon != null) {
            daemon.stopCleanly();
        }
    }

    private String luns() {
        Tools.Result r = Tools.run(List.of("iscsi-ls", "-i", HOST, "-s", daemon.portal()), 60);
        assertEquals(0, r.exit(), r.output());
        return r.output();
    }

    @Test
    void aNewMappingAndANewDevice_areServedAfterSighup_andAChangeNeedingARestartIsRefused() throws Exception {
        assertFalse(luns().contains("Lun:1"));
        daemon.reload(MORE_LUNS, "reload applied");
        assertTrue(luns().contains("Lun:1"), "LUN 1 = y is served without a restart");

        daemon.reload(NEW_DEVICE, "reload applied");
        assertTrue(luns().contains("Lun:2"), "the new device z is served as LUN 2 without a restart");

        daemon.reload(NEEDS_RESTART, "reload refused");
        String now = luns();
        assertTrue(now.contains("Lun:2") && !now.contains("Lun:3"), "the running mapping stays: " + now);
        assertTrue(daemon.log().contains("needs a restart"), daemon.log());
        assertTrue(daemon.alive());
    }
}
