package org.scstj.mgmt.imports;

import java.util.List;

/**
 * An iSCSI target, {@code targets."<name>" { ... }}.
 *
 * @param luns         what initiators in no group see
 * @param auth         CHAP credentials for logins to the target, or null for none
 * @param portalGroups the portal groups it is reachable through; empty: all of them
 */
public record ImportedTarget(String name, List<ImportedLun> luns, List<ImportedGroup> groups, ChapCredentials auth,
                             List<String> portalGroups) {
    public ImportedTarget {
        luns = List.copyOf(luns);
        groups = List.copyOf(groups);
        portalGroups = List.copyOf(portalGroups);
    }
}
