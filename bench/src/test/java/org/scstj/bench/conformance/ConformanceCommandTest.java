package org.scstj.bench.conformance;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConformanceCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return ConformanceCommand.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void help_printsTheUsageAndExitsZero() {
        assertEquals(ConformanceCommand.OK, run("--help"));
        String usage = out.toString(StandardCharsets.UTF_8);
        assertTrue(usage.startsWith("Usage: ./scstj conformance [OPTIONS]"), usage);
        assertTrue(usage.contains("--initiator-name-2"), usage);
    }

    @Test
    void anUnknownOption_isAUsageError() {
        assertEquals(ConformanceCommand.USAGE, run("--bogus"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("conformance: unknown option '--bogus'"));
    }

    @Test
    void describe_saysWhatATestListFileHolds() {
        CuListing listing = CuListing.parse("ALL.Read10.Simple\nALL.OrWrite.Simple\nALL.OrWrite.Verify\n");
        TestSelection s = TestSelection.of(Configuration.NULLIO, listing);
        String shown = Matrix.describe(List.of("iscsi-test-cu", "-t", "/d/tests-nullio.txt", "iscsi://h/t/4"), s,
                Configuration.NULLIO);
        assertTrue(shown.startsWith("iscsi-test-cu -t /d/tests-nullio.txt iscsi://h/t/4 (2 tests: ALL.ReadCapacity10,"), shown);
        assertTrue(shown.endsWith(" except OrWrite.Verify,WriteSame10.Check,WriteSame16.Check)"), shown);
        TestSelection one = TestSelection.of(Configuration.READ_ONLY, CuListing.parse("ALL.ReadOnly.ReadOnlySBC\n"));
        assertEquals("iscsi-test-cu -t ALL.ReadOnly", Matrix.describe(List.of("iscsi-test-cu", "-t", "ALL.ReadOnly"), one,
                Configuration.READ_ONLY));
    }
}
