package org.scstj.mgmt.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scstj.engine.alua.AccessState;
import org.scstj.engine.model.AluaSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/** {@code scstj.alua} (SPC-5 5.16) read into the engine's AluaSpec, and its mistakes refused at their line. */
class AluaConfigTest {
    @TempDir
    Path dir;

    private final ConfigLoader loader = new ConfigLoader(ConfigLoader.installedHandlers());

    private static final String BASE = """
            scstj {
              state-dir = "%s"
              handlers { vdisk_nullio { null0 { size = 1G }, null1 { size = 1G } } }
              target-drivers.iscsi.targets { "iqn.2026-12.org.scstj:t" { luns { 0 = null0, 1 = null1 } } }
              %s
            }
            """;

    private Path write(String alua) throws IOException {
        Path file = dir.resolve("scstj.conf");
        Files.writeString(file, BASE.formatted(dir.resolve("state"), alua));
        return file;
    }

    @Test
    void noAluaBlock_isTheDefault() throws Exception {
        assertEquals(AluaSpec.DEFAULT, loader.load(write("")).engine().alua());
    }

    @Test
    void deviceGroups_becomeTheSpec() throws Exception {
        AluaSpec a = loader.load(write("""
                alua {
                  implicit-transition-time = 30s
                  transition-delay = 500ms
                  device-groups { db { devices = [null0], states { "2" = standby }, preferred = [1] } }
                }""")).engine().alua();
        assertEquals(30, a.implicitTransitionSeconds());
        assertEquals(Duration.ofMillis(500), a.transitionDelay());
        assertEquals(1, a.deviceGroups().size());
        AluaSpec.DeviceGroupSpec g = a.deviceGroups().getFirst();
        assertEquals(Set.of("null0"), g.devices());
        assertEquals(Map.of(2, AccessState.STANDBY), g.states());
        assertEquals(Set.of(1), g.preferred());
        assertEquals(AccessState.STANDBY, a.initialFor("null0").stateOf(2));
        assertEquals(AccessState.ACTIVE_OPTIMIZED, a.initialFor("null1").stateOf(2));
    }

    @Test
    void mistakes_areRefusedEachAtItsKey() throws Exception {
        Path file = write("""
                alua {
                  implicit-transition-time = 300s
                  device-groups {
                    a {
                      devices = [null0, nothing]
                      states {
                        "2" = transitioning
                        "0" = standby
                      }
                    }
                    b {
                      devices = [null0]
                      colour = red
                    }
                  }
                }""");
        // one problem a line: each mistake on its own
        String m = assertThrows(InvalidConfigException.class, () -> loader.load(file)).getMessage();
        for (String part : new String[] {"implicit-transition-time", "no device nothing", "transitioning",
                "1..65535", "already in device group a", "colour"}) {
            assertTrue(m.contains(part), part + " in:\n" + m);
        }
    }
}
