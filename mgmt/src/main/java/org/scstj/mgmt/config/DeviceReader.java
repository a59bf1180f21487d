package org.scstj.mgmt.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import org.scstj.engine.model.DeviceSpec;
import org.scstj.engine.spi.DeviceHandlerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads {@code scstj.handlers.<type>.<device> { ... }} (SCST's HANDLER → DEVICE) into
 * {@link DeviceSpec}s: the type must be an installed handler, the device name unique over all
 * handlers, the keys known, {@code size} a size, and the handler's own
 * {@link DeviceHandlerFactory#validate} must accept the block.
 */
final class DeviceReader {
    private static final Pattern DEVICE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private final ConfigReader reader;
    private final Map<String, DeviceHandlerFactory> factories;
    private final Map<List<Object>, Boolean> valid;

    /**
     * @param valid device blocks a handler found valid before, by (type, name, block): a loader that
     *              validates one configuration after another (the admin plane, once per change) asks
     *              the handler again only about the blocks that changed
     */
    DeviceReader(ConfigReader reader, Map<String, DeviceHandlerFactory> factories, Map<List<Object>, Boolean> valid) {
        this.reader = reader;
        this.factories = factories;
        this.valid = valid;
    }

    /** The devices in the order the file lists them. */
    List<DeviceSpec> read() {
        ConfigObject handlers = reader.written(KnownKeys.HANDLERS);
        if (handlers == null) {
            if (reader.value(KnownKeys.HANDLERS) != null && !(reader.value(KnownKeys.HANDLERS) instanceof ConfigObject)) {
                reader.problem(KnownKeys.HANDLERS, "expected an object { <handler type> { <device> { ... } } }");
            }
            return List.of();
        }
        record Written(String type, String name, int line) {
        }
        List<Written> written = new ArrayList<>();
        for (String type : handlers.keySet()) {
            List<String> typePath = ConfigReader.child(KnownKeys.HANDLERS, type);
            if (!factories.containsKey(type)) {
                reader.problem(typePath, "unknown handler type (known: "
                        + (factories.isEmpty() ? "none installed" : String.join(", ", factories.keySet())) + ")");
            } else if (!(handlers.get(type) instanceof ConfigObject devices)) {
                reader.problem(typePath, "expected an object { <device name> { ... } }");
            } else {
                reportRepeats(typePath);
                devices.keySet().forEach(name -> written.add(new Written(type, name, reader.line(ConfigReader.child(typePath, name)))));
            }
        }
        written.sort(Comparator.comparingInt(Written::line).thenComparing(Written::type).thenComparing(Written::name));
        List<DeviceSpec> found = new ArrayList<>();
        Map<String, String> typeOfName = new HashMap<>();
        for (Written w : written) {
            String type = w.type();
            String name = w.name();
            List<String> path = ConfigReader.child(KnownKeys.HANDLERS, type, name);
            String other = typeOfName.putIfAbsent(name, type);
            if (other != null) {
                reader.problem(path, "device name already used under " + ConfigReader.key(ConfigReader.child(KnownKeys.HANDLERS, other))
                        + " (line " + reader.line(ConfigReader.child(KnownKeys.HANDLERS, other, name)) + "); device names must be unique over all handlers");
                continue;
            }
            if (!DEVICE_NAME.matcher(name).matches()) {
                reader.problem(path, "a device name is 1..64 of A-Z a-z 0-9 _ . - starting with a letter or digit");
            }
            if (!(reader.value(path) instanceof ConfigObject block)) {
                reader.problem(path, "expected a device block { ... }");
                continue;
            }
            Config config = block.toConfig();
            if (!deviceProblems(factories.get(type), name, path, config)) {
                found.add(new DeviceSpec(name, type, config));
            }
        }
        return found;
    }

    /** HOCON merges a device block given twice; refuse that rather than guess which was meant. */
    private void reportRepeats(List<String> typePath) {
        reader.rawChildren(typePath).forEach((name, lines) -> {
            if (lines.size() > 1) {
                reader.problemAtLine(ConfigReader.child(typePath, name), lines.get(1),
                        "device defined twice (lines " + lines.get(0) + " and " + lines.get(1) + "); HOCON would merge the two blocks");
            }
        });
    }

    /**
     * Checks one device through its handler's {@link DeviceHandlerFactory#validate}, the one place
     * that knows the handler's keys and values; each "key: problem" answer is reported at that
     * key's line. True when it has problems.
     */
    private boolean deviceProblems(DeviceHandlerFactory factory, String name, List<String> path, Config config) {
        List<Object> block = List.of(factory.type(), name, config);
        if (valid.containsKey(block)) {
            return false;
        }
        int before = reader.problems().size();
        List<String> answers;
        try {
            answers = factory.validate(name, config);
        } catch (RuntimeException e) {
            answers = List.of(": the " + factory.type() + " handler failed to check this device: " + e);
        }
        for (String answer : answers) {
            int colon = answer.indexOf(": ");
            String key = colon > 0 ? answer.substring(0, colon).strip() : "";
            String message = colon >= 0 ? answer.substring(colon + 2) : answer;
            reader.problem(key.isEmpty() || !config.hasPathOrNull(key) ? path : ConfigReader.child(path, key.split("\\.")),
                    key.isEmpty() || config.hasPathOrNull(key) ? message : key + ": " + message);
        }
        boolean problems = reader.problems().size() > before;
        if (!problems) {
            if (valid.size() > 65_536) {
                valid.clear(); // bounded: a long-running daemon's changes never make it grow for ever
            }
            valid.put(block, Boolean.TRUE);
        }
        return problems;
    }
}
