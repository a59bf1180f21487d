package org.scstj.engine.latency;

import org.scstj.engine.cdb.DataDirection;

import java.util.Locale;

/**
 * How a command is counted: by its data direction as the command table's row gives it (SAM-5 5.1),
 * as SCST's latency statistics do: Data-In commands are reads (READ, but also INQUIRY), Data-Out
 * commands writes, the rest (TEST UNIT READY, SYNCHRONIZE CACHE) other.
 */
public enum Op {
    READ, WRITE, OTHER;

    static final Op[] ALL = values();

    public static Op of(DataDirection direction) {
        if (direction == null) {
            return OTHER;
        }
        return switch (direction) {
            case IN -> READ;
            case OUT -> WRITE;
            case NONE -> OTHER;
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
