package org.scstj.mgmt.imports;

/**
 * Something in the imported file that scstj has no equivalent for, or that was changed on the
 * way: a handler scstj lacks, an attribute it does not read, an ALUA group, a per-portal
 * restriction.
 *
 * @param location where in the source: a line number ({@code "12"}) for {@code scst.conf}, a
 *                 JSON path ({@code "$.targets[0].tpgs[1]"}) for {@code saveconfig.json}
 * @param message  what was not imported or what was changed, and why
 */
public record ImportNote(String location, String message) {

    static ImportNote atLine(int line, String message) {
        return new ImportNote(Integer.toString(line), message);
    }

    static ImportNote atPath(String jsonPath, String message) {
        return new ImportNote(jsonPath, message);
    }

    /** {@code FILE:LINE: message} or {@code FILE:$.path: message}, like a compiler's diagnostics. */
    public String format(String file) {
        return file + ":" + location + ": " + message;
    }
}
