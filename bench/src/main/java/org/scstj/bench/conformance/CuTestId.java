package org.scstj.bench.conformance;

/**
 * One libiscsi test as {@code iscsi-test-cu -l} names it: {@code FAMILY.SUITE.TEST}, such as
 * {@code ALL.Read10.BeyondEol}. libiscsi lists the same test function under several families
 * (ALL, SCSI, iSCSI, LINUX); {@link #distinct()} names it without the family.
 *
 * @param family the family (ALL, SCSI, iSCSI, LINUX)
 * @param suite  the suite, as CUnit prints it after {@code Suite:}
 * @param test   the test, as CUnit prints it after {@code Test:}
 */
record CuTestId(String family, String suite, String test) {

    /** {@code FAMILY.SUITE}: a row of the matrix table. */
    String familySuite() {
        return family + "." + suite;
    }

    /** {@code SUITE.TEST}: the test whatever family lists it. */
    String distinct() {
        return suite + "." + test;
    }

    /** {@code FAMILY.SUITE.TEST}, the form {@code iscsi-test-cu -t} takes. */
    @Override
    public String toString() {
        return family + "." + suite + "." + test;
    }
}
