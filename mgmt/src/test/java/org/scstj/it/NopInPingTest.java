package org.scstj.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The daemon pings with NOP-In (RFC 7143 11.19, nop-in-interval) and libiscsi answers: a busy
 * iscsi-perf run many ping intervals long is never disconnected, and the daemon stops cleanly
 * (Async Message logout request at stop, 11.9.1). The target offers ErrorRecoveryLevel 1; libiscsi
 * asks for 0, so these sessions run at ERL 0 (13.20) and libiscsi's iSCSI suites still pass.
 */
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
class NopInPingTest {
    private static final String CONFIG = """
            scstj {
              state-dir = "@DIR@/state"
              handlers { vdisk_fileio { disk0 { filename = "@DIR@/disk0.img", size = 64M, thin-provisioned = true } } }
              target-drivers.iscsi {
                portals = ["127.0.0.1:@PORT@"]
                nop-in-interval = 200ms
                nop-in-timeout = 1s
                negotiation.error-recovery-level = 1
                targets { "iqn.2026-11.org.scstj:ping" { luns { 0 = disk0 } } }
              }
            }
            """;

    @TempDir
    Path dir;

    @Test
    void iscsiPerf_answersPings_andIsNeverDisconnected() throws Exception {
        Tools.require("iscsi-perf", "libiscsi-bin");
        try (Daemon daemon = Daemon.start(dir, CONFIG)) {
            Tools.Result r = Tools.run(List.of("iscsi-perf", "-t", "3", "-m", "4", "-b", "8",
                    "iscsi://127.0.0.1:" + daemon.port + "/iqn.2026-11.org.scstj:ping/0"), 60);
            assertEquals(0, r.exit(), r.output() + daemon.log());
            assertFalse(r.output().toLowerCase().contains("reconnect"), r.output());
            daemon.stopCleanly();
        }
    }
    @Test
    void iscsiTestCu_iscsiFamily_passesWhileTheTargetPingsAndOffersErl1() throws Exception {
        Tools.require("iscsi-test-cu", "libiscsi-bin");
        try (Daemon daemon = Daemon.start(dir, CONFIG)) {
            Tools.Result r = Tools.run(List.of("iscsi-test-cu", "-d", "-t", "iSCSI",
                    "iscsi://127.0.0.1:" + daemon.port + "/iqn.2026-11.org.scstj:ping/0"), 300);
            Tools.CUnitSummary summary = Tools.CUnitSummary.parse(r.output());
            org.junit.jupiter.api.Assertions.assertNotNull(summary, r.output() + daemon.log());
            org.junit.jupiter.api.Assertions.assertTrue(summary.ran() > 0, r.output());
            assertEquals(0, summary.failed(), r.output());
            daemon.stopCleanly();
        }
    }
}
