package org.scstj.mgmt.config;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Refuses keys under {@code scstj} that nothing reads: a misspelt key would otherwise be ignored
 * silently. The schema is every module's {@code reference.conf} plus the parts whose keys are
 * names chosen by the operator, which other readers check: handler types and devices
 * ({@link DeviceReader}), targets ({@link TargetReader}), dispatchers and mailboxes (free-form
 * Pekko blocks).
 */
final class KnownKeys {
    static final List<String> ROOT = List.of("scstj");
    static final List<String> HANDLERS = List.of("scstj", "handlers");
    static final List<String> DRIVERS = List.of("scstj", "target-drivers");
    static final List<String> ISCSI = List.of("scstj", "target-drivers", "iscsi");
    static final List<String> TARGETS = List.of("scstj", "target-drivers", "iscsi", "targets");
    static final List<String> PORTALS = List.of("scstj", "target-drivers", "iscsi", "portals");
    static final List<String> DISPATCHERS = List.of("scstj", "dispatchers");
    /** Free-form Pekko mailbox blocks, as the dispatchers are (scstj.engine.mailbox names one). */
    static final List<String> MAILBOXES = List.of("scstj", "mailboxes");
    /** CHAP for discovery sessions: checked key by key by the driver's ChapConfig. */
    static final List<String> DISCOVERY_AUTH = List.of("scstj", "target-drivers", "iscsi", "discovery-auth");

    /** Group names are the operator's; IscsiSettings checks every group's keys. */
    static final List<String> PORTAL_GROUPS = List.of("scstj", "target-drivers", "iscsi", "portal-groups");

    /** Device group names are the operator's; AluaReader checks every group's keys. */
    static final List<String> ALUA_DEVICE_GROUPS = List.of("scstj", "alua", "device-groups");
    /** Target group names are the operator's; AluaReader checks every group's keys. */
    static final List<String> ALUA_TARGET_GROUPS = List.of("scstj", "alua", "target-groups");

    /** Node names are the operator's, and self has no default; ClusterReader checks both. */
    static final List<String> CLUSTER_NODES = ClusterReader.NODES;
    static final List<String> CLUSTER_SELF = ClusterReader.SELF;

    /** Read by other readers, so never unknown even if no reference.conf declares them. */
    private static final Set<List<String>> READ_ELSEWHERE = Set.of(HANDLERS, TARGETS, DISPATCHERS, MAILBOXES, PORTALS,
            DISCOVERY_AUTH, PORTAL_GROUPS, ALUA_DEVICE_GROUPS, ALUA_TARGET_GROUPS, CLUSTER_NODES, CLUSTER_SELF);
    private static final Set<String> TARGET_DRIVERS = Set.of("iscsi");

    private final ConfigReader reader;
    private final ConfigObject reference;

    KnownKeys(ConfigReader reader, ConfigObject reference) {
        this.reader = reader;
        this.reference = reference;
    }

    void check() {
        ConfigObject scstj = reader.written(ROOT);
        if (scstj == null) {
            reader.problem(ROOT, "missing: the file must have a scstj { ... } block");
            return;
        }
        walk(ROOT, scstj, reference.get("scstj"));
    }

    private void walk(List<String> path, ConfigObject written, ConfigValue known) {
        ConfigObject knownObject = known instanceof ConfigObject o ? o : null;
        for (Map.Entry<String, ConfigValue> e : written.entrySet()) {
            List<String> p = ConfigReader.child(path, e.getKey());
            if (READ_ELSEWHERE.contains(p)) {
                continue;
            }
            if (path.equals(DRIVERS) && !TARGET_DRIVERS.contains(e.getKey())) {
                reader.problem(p, "unknown target driver (known: " + String.join(", ", TARGET_DRIVERS) + ")");
                continue;
            }
            ConfigValue k = knownObject == null ? null : knownObject.get(e.getKey());
            boolean container = p.equals(DRIVERS) || p.equals(ISCSI);
            if (k == null && !container) {
                reader.problem(p, "unknown key");
            } else if (k instanceof ConfigObject || container) {
                if (e.getValue() instanceof ConfigObject o) {
                    walk(p, o, k);
                } else {
                    reader.problem(p, "expected an object { ... }");
                }
            }
        }
    }
}
