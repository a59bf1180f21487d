package org.scstj.bench.conformance;

/**
 * How one test ended. CUnit knows only passed and failed; libiscsi reports a test that does not
 * apply (a command not implemented, a logical unit that is not removable, ...) as passed after a
 * {@code [SKIPPED]} line, which the matrix counts as skipped.
 */
enum Verdict {
    PASSED, SKIPPED, FAILED
}
