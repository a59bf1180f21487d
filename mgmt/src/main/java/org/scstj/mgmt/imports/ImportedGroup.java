package org.scstj.mgmt.imports;

import java.util.List;

/**
 * A security group, {@code groups.<name> { initiators = [...], luns { ... }, auth { ... } }}.
 *
 * @param auth the group's own CHAP credentials, or null to use the target's
 */
public record ImportedGroup(String name, List<String> initiators, List<ImportedLun> luns, ChapCredentials auth) {
    public ImportedGroup {
        initiators = List.copyOf(initiators);
        luns = List.copyOf(luns);
    }
}
