package org.scstj.mgmt.config;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import org.scstj.engine.alua.AccessState;
import org.scstj.engine.model.AluaSpec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code scstj.alua} (SPC-5 5.16) into an {@link AluaSpec}, each mistake a problem at its
 * line: durations out of range, a state that is not one of the four an operator may set
 * (TRANSITIONING is the device server's own, SPC-5 5.16.2.6), a target port group id outside
 * 1..65535, a device that is not defined or is in two device groups.
 */
final class AluaReader {
    static final List<String> ALUA = List.of("scstj", "alua");
    static final List<String> DEVICE_GROUPS = List.of("scstj", "alua", "device-groups");
    private static final Set<String> GROUP_KEYS = Set.of("devices", "states", "preferred");
    private static final Map<String, AccessState> STATES = Map.of(
            "active-optimized", AccessState.ACTIVE_OPTIMIZED,
            "active-non-optimized", AccessState.ACTIVE_NON_OPTIMIZED,
            "standby", AccessState.STANDBY,
            "unavailable", AccessState.UNAVAILABLE);

    private final ConfigReader reader;
    private final Set<String> deviceNames;

    AluaReader(ConfigReader reader, Set<String> deviceNames) {
        this.reader = reader;
        this.deviceNames = deviceNames;
    }

    AluaSpec read() {
        int implicit = (int) seconds(ConfigReader.child(ALUA, "implicit-transition-time"), 0, 255);
        Duration delay = Duration.ofMillis(millis(ConfigReader.child(ALUA, "transition-delay")));
        List<AluaSpec.DeviceGroupSpec> groups = new ArrayList<>();
        Map<String, String> groupOf = new HashMap<>();
        if (reader.value(DEVICE_GROUPS) instanceof ConfigObject all) {
            for (String name : reader.inFileOrder(DEVICE_GROUPS, all.keySet())) {
                List<String> path = ConfigReader.child(DEVICE_GROUPS, name);
                if (!(all.get(name) instanceof ConfigObject g)) {
                    reader.problem(path, "expected an object { devices = [...], states { ... }, preferred = [...] }");
                    continue;
                }
                for (String key : g.keySet()) {
                    if (!GROUP_KEYS.contains(key)) {
                        reader.problem(ConfigReader.child(path, key), "unknown key (known: devices, states, preferred)");
                    }
                }
                Set<String> devices = new LinkedHashSet<>();
                for (String d : strings(ConfigReader.child(path, "devices"), g.get("devices"))) {
                    if (!deviceNames.contains(d)) {
                        reader.problem(ConfigReader.child(path, "devices"), "no device " + d);
                    } else if (groupOf.putIfAbsent(d, name) != null) {
                        reader.problem(ConfigReader.child(path, "devices"),
                                "device " + d + " is already in device group " + groupOf.get(d));
                    } else {
                        devices.add(d);
                    }
                }
                Map<Integer, AccessState> states = new LinkedHashMap<>();
                if (g.get("states") instanceof ConfigObject s) {
                    for (Map.Entry<String, ConfigValue> e : s.entrySet()) {
                        List<String> p = ConfigReader.child(path, "states", e.getKey());
                        int id = groupId(p, e.getKey());
                        AccessState state = e.getValue().valueType() == ConfigValueType.STRING
                                ? STATES.get((String) e.getValue().unwrapped()) : null;
                        if (state == null) {
                            reader.problem(p, e.getValue().unwrapped() + ": expected one of "
                                    + String.join(", ", new java.util.TreeSet<>(STATES.keySet())));
                        } else if (id > 0) {
                            states.put(id, state);
                        }
                    }
                } else if (g.get("states") != null) {
                    reader.problem(ConfigReader.child(path, "states"), "expected an object { \"<group id>\" = <state> }");
                }
                Set<Integer> preferred = new LinkedHashSet<>();
                for (String id : strings(ConfigReader.child(path, "preferred"), g.get("preferred"))) {
                    int n = groupId(ConfigReader.child(path, "preferred"), id);
                    if (n > 0) {
                        preferred.add(n);
                    }
                }
                groups.add(new AluaSpec.DeviceGroupSpec(name, devices, states, preferred));
            }
        }
        return new AluaSpec(implicit, delay, groups);
    }

    private int groupId(List<String> path, String text) {
        try {
            int id = Integer.parseInt(text.trim());
            if (id >= 1 && id <= 0xFFFF) {
                return id;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        reader.problem(path, "a target port group id is a portal group tag, 1..65535: " + text);
        return -1;
    }

    private List<String> strings(List<String> path, ConfigValue v) {
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (!(v.unwrapped() instanceof List<?> list)) {
            reader.problem(path, "expected a list [ ... ]");
            return out;
        }
        for (Object o : list) {
            out.add(String.valueOf(o));
        }
        return out;
    }

    private long seconds(List<String> path, long min, long max) {
        long ms = millis(path);
        long s = ms / 1000;
        if (s < min || s > max) {
            reader.problem(path, "expected " + min + "s to " + max + "s");
            return Math.max(min, Math.min(max, s));
        }
        return s;
    }

    private long millis(List<String> path) {
        try {
            long ms = reader.merged().getDuration(ConfigReader.key(path), java.util.concurrent.TimeUnit.MILLISECONDS);
            if (ms < 0) {
                reader.problem(path, "expected a duration of 0s or more");
                return 0;
            }
            return ms;
        } catch (com.typesafe.config.ConfigException e) {
            reader.problem(path, "expected a duration (10s, 500ms)");
            return 0;
        }
    }
}
