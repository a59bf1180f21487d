package org.scstj.mgmt.imports;

import java.util.List;

/**
 * What an importer read, in scstj's terms, ready for {@link HoconWriter}.
 *
 * @param devices       in source order
 * @param portals       the driver's {@code portals} ({@code HOST:PORT}), when there are no portal groups
 * @param portalGroups  the driver's {@code portal-groups}, or empty for the plain {@code portals}
 * @param discoveryAuth CHAP for discovery sessions, or null
 * @param targets       in source order (scstj numbers relative target ports in this order)
 * @param notes         what was not imported or was changed, in source order
 */
public record ImportedConfig(List<ImportedDevice> devices, List<String> portals, List<ImportedPortalGroup> portalGroups,
                             ChapCredentials discoveryAuth, List<ImportedTarget> targets, List<ImportNote> notes) {
    public ImportedConfig {
        devices = List.copyOf(devices);
        portals = List.copyOf(portals);
        portalGroups = List.copyOf(portalGroups);
        targets = List.copyOf(targets);
        notes = List.copyOf(notes);
    }
}
