package org.scstj.mgmt.imports;

import java.util.List;

/**
 * One line of {@code scst.conf}: a keyword or attribute name, its values, and when it opens a
 * block, the statements inside ({@code HANDLER vdisk_fileio { ... }}).
 *
 * @param block    whether the statement has a block (which may be empty)
 * @param children the block's statements, in file order
 */
record ScstConfStatement(String keyword, List<String> values, int line, boolean block, List<ScstConfStatement> children) {

    /** The values as one string, as SCST reads {@code IncomingUser joe secret} and {@code IncomingUser "joe secret"}. */
    String joined() {
        return String.join(" ", values);
    }

    /** What the source said, for notes: {@code LUN 0 disk01}. */
    String text() {
        return values.isEmpty() ? keyword : keyword + " " + joined();
    }
}
