package org.scstj.mgmt.config;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import org.scstj.engine.model.GroupSpec;
import org.scstj.engine.model.LunMapping;
import org.scstj.engine.model.TargetSpec;
import org.scstj.transports.iscsi.login.IscsiNames;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads {@code scstj.target-drivers.iscsi.targets."<name>" { luns {...}, groups {...} }}
 * (SCST's TARGET → LUN / GROUP → INITIATOR) into {@link TargetSpec}s, numbering relative target
 * ports 1, 2, 3… in the order the file lists the targets.
 */
final class TargetReader {
    /** SAM-5 4.7: single-level LUNs with peripheral or flat addressing reach 0..16383. */
    static final int MAX_LUN = 16383;

    /** auth is the driver's ChapConfig; portal-groups and redirect (RFC 7143 4.4.1, 6.2) IscsiSettings checks. */
    private static final Set<String> TARGET_KEYS = Set.of("luns", "groups", "auth", "portal-groups", "redirect",
            "enabled");
    private static final Set<String> GROUP_KEYS = Set.of("initiators", "luns", "auth");
    private static final Set<String> LUN_KEYS = Set.of("device", "read-only");
    private static final Pattern LUN_NUMBER = Pattern.compile("\\d{1,9}");

    private final ConfigReader reader;
    private final Set<String> devices;
    /** Targets with {@code enabled = false}: configured, numbered, but not served. */
    private final Set<String> disabled = new java.util.HashSet<>();

    TargetReader(ConfigReader reader, Set<String> devices) {
        this.reader = reader;
        this.devices = devices;
    }

    List<TargetSpec> read() {
        ConfigObject targets = reader.written(KnownKeys.TARGETS);
        if (targets == null) {
            if (reader.value(KnownKeys.TARGETS) != null && !(reader.value(KnownKeys.TARGETS) instanceof ConfigObject)) {
                reader.problem(KnownKeys.TARGETS, "expected an object { \"<iqn>\" { luns { ... } } }");
            }
            return List.of();
        }
        List<String> names = reader.inFileOrder(KnownKeys.TARGETS, targets.keySet());
        List<TargetSpec> out = new ArrayList<>();
        for (String name : names) {
            List<String> path = ConfigReader.child(KnownKeys.TARGETS, name);
            IscsiNames.problem(name).ifPresent(p -> reader.problem(path, p));
            if (!(targets.get(name) instanceof ConfigObject target)) {
                reader.problem(path, "expected a target block { luns { ... }, groups { ... } }");
                continue;
            }
            unknownKeys(path, target, TARGET_KEYS);
            List<LunMapping> luns = luns(ConfigReader.child(path, "luns"));
            List<GroupSpec> groups = groups(ConfigReader.child(path, "groups"));
            if (!enabled(ConfigReader.child(path, "enabled"))) {
                disabled.add(org.scstj.engine.spi.Names.canonical(name));
            }
            out.add(new TargetSpec(name, luns, groups, out.size() + 1));
        }
        return out;
    }

    /** Canonical names of the targets configured with {@code enabled = false}. */
    Set<String> disabled() {
        return disabled;
    }

    /** SCST's target {@code enabled} attribute: a disabled target refuses logins (and has no session). */
    private boolean enabled(List<String> path) {
        ConfigValue v = reader.value(path);
        if (v == null) {
            return true;
        }
        if (v.valueType() != ConfigValueType.BOOLEAN) {
            reader.problem(path, "expected true or false");
            return true;
        }
        return (Boolean) v.unwrapped();
    }

    private List<GroupSpec> groups(List<String> path) {
        ConfigValue v = reader.value(path);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof ConfigObject groups)) {
            reader.problem(path, "expected an object { <group name> { initiators = [...], luns { ... } } }");
            return List.of();
        }
        List<String> names = reader.inFileOrder(path, groups.keySet());
        List<GroupSpec> out = new ArrayList<>();
        for (String name : names) {
            List<String> groupPath = ConfigReader.child(path, name);
            if (!(groups.get(name) instanceof ConfigObject group)) {
                reader.problem(groupPath, "expected a group block { initiators = [...], luns { ... } }");
                continue;
            }
            unknownKeys(groupPath, group, GROUP_KEYS);
            out.add(new GroupSpec(name, initiators(ConfigReader.child(groupPath, "initiators")),
                    luns(ConfigReader.child(groupPath, "luns"))));
        }
        return out;
    }

    private List<String> initiators(List<String> path) {
        ConfigValue v = reader.value(path);
        if (v == null) {
            reader.problem(path, "missing: a group lists the initiator names (or patterns with * and ?) it matches");
            return List.of();
        }
        if (v.valueType() != ConfigValueType.LIST) {
            reader.problem(path, "expected a list of initiator names, e.g. [\"iqn.1993-08.org.debian:01:*\"]");
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (Object o : (List<?>) v.unwrapped()) {
            if (!(o instanceof String s) || s.isBlank()) {
                reader.problem(path, "every initiator must be a non-empty string, found " + o);
            } else if (s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > IscsiNames.MAX_BYTES) {
                reader.problem(path, "an initiator name is at most " + IscsiNames.MAX_BYTES + " bytes: " + s);
            } else {
                out.add(s);
            }
        }
        return out;
    }

    /** {@code luns { 0 = disk01, 1 { device = null0, read-only = true } }}, sorted by LUN. */
    private List<LunMapping> luns(List<String> path) {
        ConfigValue v = reader.value(path);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof ConfigObject luns)) {
            reader.problem(path, "expected an object { <LUN> = <device>, ... }");
            return List.of();
        }
        reader.rawChildren(path).forEach((key, lines) -> {
            if (lines.size() > 1) {
                reader.problemAtLine(ConfigReader.child(path, key), lines.get(1),
                        "duplicate LUN " + key + " (also at line " + lines.get(0) + "); HOCON would keep only the last");
            }
        });
        Map<Integer, String> byNumber = new TreeMap<>();
        List<LunMapping> out = new ArrayList<>();
        for (String key : luns.keySet()) {
            List<String> lunPath = ConfigReader.child(path, key);
            if (!LUN_NUMBER.matcher(key).matches() || Integer.parseInt(key) > MAX_LUN) {
                reader.problem(lunPath, "a LUN number is an integer 0.." + MAX_LUN);
                continue;
            }
            int lun = Integer.parseInt(key);
            String same = byNumber.putIfAbsent(lun, key);
            if (same != null) {
                reader.problem(lunPath, "duplicate LUN " + lun + " (also written as " + same + ")");
                continue;
            }
            LunMapping mapping = mapping(lunPath, lun, luns.get(key));
            if (mapping != null) {
                out.add(mapping);
            }
        }
        out.sort(Comparator.comparingInt(LunMapping::lun));
        return out;
    }

    private LunMapping mapping(List<String> path, int lun, ConfigValue v) {
        String device;
        boolean readOnly = false;
        if (v.valueType() == ConfigValueType.STRING) {
            device = (String) v.unwrapped();
        } else if (v instanceof ConfigObject o) {
            unknownKeys(path, o, LUN_KEYS);
            ConfigValue d = o.get("device");
            if (d == null || d.valueType() != ConfigValueType.STRING) {
                reader.problem(ConfigReader.child(path, "device"), d == null ? "missing: the device this LUN exports" : "expected a device name");
                return null;
            }
            device = (String) d.unwrapped();
            ConfigValue ro = o.get("read-only");
            if (ro != null) {
                Boolean b = bool(ro);
                if (b == null) {
                    reader.problem(ConfigReader.child(path, "read-only"), "expected true or false");
                    return null;
                }
                readOnly = b;
            }
        } else {
            reader.problem(path, "expected a device name or { device = <name>, read-only = true|false }");
            return null;
        }
        if (!devices.contains(device)) {
            reader.problem(path, "device '" + device + "' is not defined under scstj.handlers");
            return null;
        }
        return new LunMapping(lun, device, readOnly);
    }

    private static Boolean bool(ConfigValue v) {
        Object o = v.unwrapped();
        if (o instanceof Boolean b) {
            return b;
        }
        if (o instanceof String s) {
            return switch (s) {
                case "true", "yes", "on" -> true;
                case "false", "no", "off" -> false;
                default -> null;
            };
        }
        return null;
    }

    private void unknownKeys(List<String> path, ConfigObject o, Set<String> known) {
        for (String key : o.keySet()) {
            if (!known.contains(key)) {
                reader.problem(ConfigReader.child(path, key),
                        "unknown key (known here: " + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }
}
