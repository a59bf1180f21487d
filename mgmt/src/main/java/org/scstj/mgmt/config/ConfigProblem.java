package org.scstj.mgmt.config;

/**
 * One thing wrong with a configuration, located like a compiler error:
 * {@code /etc/scstj.conf:12: scstj.handlers.vdisk_fileio.disk01.sise: unknown key}.
 *
 * @param source  the file (or resource) the value came from
 * @param line    its line, or -1 when unknown
 * @param key     the full HOCON path of the key at fault, empty for the file as a whole
 * @param message what is wrong, and where it helps, what would be right
 */
public record ConfigProblem(String source, int line, String key, String message) {

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(source);
        if (line > 0) {
            s.append(':').append(line);
        }
        s.append(": ");
        if (!key.isEmpty()) {
            s.append(key).append(": ");
        }
        return s.append(message).toString();
    }
}
