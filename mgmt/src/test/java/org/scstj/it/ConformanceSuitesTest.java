package org.scstj.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * libiscsi's {@code iscsi-test-cu}, suite by suite, against the real daemon: the suites the
 * foundation covers must pass with no failure. A {@code [SKIPPED]} inside a suite is reported in
 * the output (CUnit counts it as passed) and listed in docs/conformance.md.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@EnabledIfSystemProperty(named = "scstj.it", matches = "true")
class ConformanceSuitesTest {
    private static final String TWO_INITIATORS =
            "-i iqn.2026-11.org.scstj.it:initiator-1 -I iqn.2026-11.org.scstj.it:initiator-2";

    @TempDir
    static Path dir;
    private Daemon daemon;

    @BeforeAll
    void startDaemon() throws Exception {
        Tools.require("iscsi-test-cu", "libiscsi-bin");
        daemon = Daemon.start(dir, ItConfig.TEMPLATE);
    }

    @AfterAll
    void stopDaemon() throws Exception {
        if (daemon != null) {
            daemon.stopCleanly();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Mandatory", "Inquiry", "ReadCapacity10", "ReadCapacity16", "Read6", "Read10", "Read12",
            "Read16", "Write10", "Write12", "Write16", "TestUnitReady", "ModeSense6", "Verify10", "Verify12",
            "Verify16", "iSCSIcmdsn", "iSCSIResiduals", "Unmap", "GetLBAStatus", "WriteSame10", "WriteSame16",
            "Prefetch10", "Prefetch16", "ReadDefectData10", "ReadDefectData12", "OrWrite",
            "CompareAndWrite", "WriteAtomic16", "ExtendedCopy", "ReceiveCopyResults", "ReportSupportedOpcodes"})
    void suitePasses(String suite) throws Exception {
        runSuite(suite, daemon.url(ItConfig.TARGET, 0), List.of());
    }

    /**
     * Suites that need a LU of their kind, on {@link ItConfig#MEDIA}: LUN 0 has a removable medium,
     * LUN 1 is write-protected. None may skip for want of it.
     */
    @ParameterizedTest(name = "{0} on LUN {1}")
    @CsvSource({"StartStopUnit, 0", "PreventAllow, 0", "ReadOnly, 1"})
    void suitePassesOnItsLun(String suite, int lun) throws Exception {
        String output = runSuite(suite, daemon.url(ItConfig.MEDIA, lun), List.of());
        assertFalse(output.contains("not removable") || output.contains("not write-protected"), output);
    }

    /**
     * Suites that need iscsi-test-cu options or a LUN of their own, as "SUITE LUN [OPTION ...]":
     * Sanitize (-S, --allow-sanitize) erases its LUN; the reservation suites log in with two
     * initiator names (-i, -I), one per I_T nexus.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Sanitize " + ItConfig.SANITIZE_LUN + " -S",
            "Reserve6 0 " + TWO_INITIATORS, "PrinReadKeys 0 " + TWO_INITIATORS,
            "PrinServiceactionRange 0 " + TWO_INITIATORS, "PrinReportCapabilities 0 " + TWO_INITIATORS,
            "ProutRegister 0 " + TWO_INITIATORS, "ProutReserve 0 " + TWO_INITIATORS,
            "ProutClear 0 " + TWO_INITIATORS, "ProutPreempt 0 " + TWO_INITIATORS})
    void suiteWithOptionsPasses(String spec) throws Exception {
        List<String> words = List.of(spec.split(" "));
        runSuite(words.get(0), daemon.url(ItConfig.TARGET, Integer.parseInt(words.get(1))),
                words.subList(2, words.size()));
    }

    private String runSuite(String suite, String url, List<String> options) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("iscsi-test-cu", "-d"));
        command.addAll(options);
        command.addAll(List.of("-t", "ALL." + suite, url));
        Tools.Result r = Tools.run(command, 600);
        System.out.println(r.output());
        Tools.CUnitSummary summary = Tools.CUnitSummary.parse(r.output());
        if (summary == null) {
            fail("no CUnit summary from " + suite + ":\n" + r.output() + "\n--- daemon log:\n" + daemon.log());
        }
        assertTrue(summary.ran() > 0, suite + " ran no test:\n" + r.output());
        assertEquals(0, summary.failed(), suite + " had failures:\n" + r.output());
        assertTrue(daemon.alive(), "daemon died during " + suite + ":\n" + daemon.log());
        return r.output();
    }
}
