package org.scstj.mgmt.imports;

import java.util.List;

/** {@code portal-groups.<name> { tag = N, portals = [...] }} (RFC 7143 4.4.1). */
public record ImportedPortalGroup(String name, int tag, List<String> portals) {
    public ImportedPortalGroup {
        portals = List.copyOf(portals);
    }
}
