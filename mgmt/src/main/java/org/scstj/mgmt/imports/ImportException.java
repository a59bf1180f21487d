package org.scstj.mgmt.imports;

/**
 * The source file cannot be imported at all: a syntax error, an unknown top-level keyword, JSON
 * of the wrong shape. The location is as precise as the format allows.
 */
public final class ImportException extends Exception {
    private final String location;

    /**
     * @param location {@code LINE:COLUMN} or {@code LINE} for {@code scst.conf}, a JSON path or
     *                 {@code LINE:COLUMN} for {@code saveconfig.json}
     * @param message  what is wrong
     */
    public ImportException(String location, String message) {
        super(location + ": " + message);
        this.location = location;
    }

    public String location() {
        return location;
    }

    /** The message without the location, so callers can put the file name in front. */
    public String reason() {
        return getMessage().substring(location.length() + 2);
    }
}
