package org.scstj.transports.iscsi.conn;

/** RFC 1982 serial number arithmetic on 32 bits, as RFC 7143 4.2.2.1 requires for CmdSN and StatSN. */
final class SerialNumber {
    private SerialNumber() {
    }

    /** {@code a < b} in serial arithmetic (undefined when they are exactly 2^31 apart; false then). */
    static boolean lessThan(int a, int b) {
        return a != b && b - a > 0;
    }

    static boolean greaterThan(int a, int b) {
        return lessThan(b, a);
    }

    /** {@code low <= x <= high} in serial arithmetic. */
    static boolean inRange(int x, int low, int high) {
        return !lessThan(x, low) && !greaterThan(x, high);
    }
}
