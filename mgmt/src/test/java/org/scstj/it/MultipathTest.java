package org.scstj.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Two paths to one LU on one daemon: two portal groups (127.0.0.1 tag 1, 127.0.0.2 tag 2), so two
 * target ports and two ALUA target port groups. libiscsi's {@code iscsi-test-cu} is given both URLs:
 * it first checks that VPD 83h names the same LU through each path, then its MultipathIO suite
 * (LOGICAL UNIT RESET through one path seen as 29/03 on the other, COMPARE AND WRITE races across
 * paths) and the reservation suites with one initiator name per path. The same suites with the URLs
 * on different cluster nodes are issue 18's cluster test; this one pins the single-node behaviour.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
class MultipathTest {
    private static final String TARGET = "iqn.2026-12.org.scstj:mp";
    private static final String TEMPLATE = """
            scstj {
              state-dir = "@DIR@/state"
              handlers.vdisk_fileio { disk0 { filename = "@DIR@/disk0.img", size = 64M, thin-provisioned = true } }
              target-drivers.iscsi {
                portal-groups {
                  one { tag = 1, portals = ["127.0.0.1:@PORT@"] }
                  two { tag = 2, portals = ["127.0.0.2:@PORT@"] }
                }
                targets { "iqn.2026-12.org.scstj:mp" { luns { 0 = disk0 } } }
              }
            }
            """;
    private static final String TWO_INITIATORS =
            "-i iqn.2026-12.org.scstj.it:path-1 -I iqn.2026-12.org.scstj.it:path-2";

    @TempDir
    static Path dir;
    private Daemon daemon;

    @BeforeAll
    void startDaemon() throws Exception {
        Tools.require("iscsi-test-cu", "libiscsi-bin");
        daemon = Daemon.start(dir, TEMPLATE);
    }

    @AfterAll
    void stopDaemon() throws Exception {
        if (daemon != null) {
            daemon.stopCleanly();
        }
    }

    @ParameterizedTest(name = "{0} through two paths")
    @ValueSource(strings = {"MultipathIO", "Reserve6 " + TWO_INITIATORS, "PrinReadKeys " + TWO_INITIATORS,
            "ProutRegister " + TWO_INITIATORS, "ProutReserve " + TWO_INITIATORS, "ProutClear " + TWO_INITIATORS,
            "ProutPreempt " + TWO_INITIATORS})
    void suitePassesThroughBothPaths(String spec) throws Exception {
        List<String> words = List.of(spec.split(" "));
        List<String> command = new ArrayList<>(List.of("iscsi-test-cu", "-d"));
        command.addAll(words.subList(1, words.size()));
        command.addAll(List.of("-t", "ALL." + words.get(0), url("127.0.0.1"), url("127.0.0.2")));
        Tools.Result r = Tools.run(command, 600);
        System.out.println(r.output());
        assertTrue(r.output().contains("found matching LU device identifier for all (2) paths"),
                "libiscsi did not see one LU through two paths:\n" + r.output());
        Tools.CUnitSummary summary = Tools.CUnitSummary.parse(r.output());
        if (summary == null) {
            fail("no CUnit summary from " + spec + ":\n" + r.output() + "\n--- daemon log:\n" + daemon.log());
        }
        assertTrue(summary.ran() > 0, spec + " ran no test:\n" + r.output());
        assertEquals(0, summary.failed(), spec + " had failures:\n" + r.output());
        assertTrue(daemon.alive(), "daemon died during " + spec + ":\n" + daemon.log());
    }

    private String url(String address) {
        return "iscsi://" + address + ":" + daemon.port + "/" + TARGET + "/0";
    }
}
