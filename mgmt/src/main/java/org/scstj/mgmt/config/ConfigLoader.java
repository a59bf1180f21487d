package org.scstj.mgmt.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import org.scstj.engine.model.DeviceSpec;
import org.scstj.engine.model.EngineSpec;
import org.scstj.engine.model.TargetSpec;
import org.scstj.engine.spi.DeviceHandlerFactory;
import org.scstj.transports.iscsi.config.IscsiSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Loads a HOCON configuration on top of every module's {@code reference.conf}, validates all of
 * it, and reads it once into {@link ScstjConfig}. A configuration with any problem is refused as a
 * whole, with every problem listed (bad-inputs row 29); nothing is started from it.
 */
public final class ConfigLoader {
    private final Map<String, DeviceHandlerFactory> factories;
    /** Device blocks found valid by their handler, for the next configuration this loader reads. */
    private final Map<List<Object>, Boolean> validDevices = new java.util.concurrent.ConcurrentHashMap<>();

    /** @param factories the device handler types that exist (see {@link #installedHandlers()}) */
    public ConfigLoader(List<DeviceHandlerFactory> factories) {
        Map<String, DeviceHandlerFactory> byType = new TreeMap<>();
        for (DeviceHandlerFactory f : factories) {
            byType.putIfAbsent(f.type(), f);
        }
        this.factories = Collections.unmodifiableMap(byType);
    }

    /** The handler factories on the class path ({@code META-INF/services}). */
    public static List<DeviceHandlerFactory> installedHandlers() {
        List<DeviceHandlerFactory> out = new ArrayList<>();
        ServiceLoader.load(DeviceHandlerFactory.class).forEach(out::add);
        return out;
    }

    /** Loads and validates a file. */
    public ScstjConfig load(Path file) throws InvalidConfigException {
        String source = file.toString();
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new InvalidConfigException(List.of(new ConfigProblem(source, -1, "", "cannot read: " + describe(e))));
        }
        Config parsed;
        try {
            parsed = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
        } catch (ConfigException e) {
            throw new InvalidConfigException(List.of(syntax(source, e)));
        }
        return read(source, text, parsed, ConfigFactory.empty());
    }

    /**
     * Loads and validates configuration text (an embedded resource, a test), with
     * {@code overrides} taking precedence over it (command-line flags).
     */
    public ScstjConfig load(String source, String text, Config overrides) throws InvalidConfigException {
        Config parsed;
        try {
            parsed = ConfigFactory.parseString(text, ConfigParseOptions.defaults().setOriginDescription(source));
        } catch (ConfigException e) {
            throw new InvalidConfigException(List.of(syntax(source, e)));
        }
        return read(source, text, overrides.withFallback(parsed), overrides);
    }

    /**
     * The configuration as its author wrote it, module defaults left out and substitutions
     * resolved: what the admin plane edits, compares and writes back.
     */
    public static Config document(Config parsed) {
        return parsed.resolveWith(parsed.withFallback(ConfigFactory.defaultReference()));
    }

    /** Parses a file into its {@link #document}, or reports why it cannot be read or parsed. */
    public static Config document(Path file) throws InvalidConfigException {
        String source = file.toString();
        try {
            return document(ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false)));
        } catch (ConfigException e) {
            throw new InvalidConfigException(List.of(syntax(source, e)));
        }
    }

    /**
     * Validates a document built by the admin plane (edited, not typed: it has no repeated keys to
     * look for) exactly as a file is validated.
     */
    public ScstjConfig load(String source, Config document) throws InvalidConfigException {
        return read(source, List.of(), document);
    }

    private ScstjConfig read(String source, String text, Config parsed, Config overrides) throws InvalidConfigException {
        return read(source, rawWithoutOverridden(text, overrides), parsed);
    }

    private ScstjConfig read(String source, List<RawKeys.Assignment> raw, Config parsed) throws InvalidConfigException {
        Config reference = ConfigFactory.defaultReference();
        Config merged;
        try {
            merged = parsed.withFallback(reference).resolve();
        } catch (ConfigException e) {
            throw new InvalidConfigException(List.of(syntax(source, e)));
        }
        ConfigReader reader = new ConfigReader(source, parsed, merged, raw);
        new KnownKeys(reader, reference.root()).check();
        Path stateDir = stateDir(reader);
        List<DeviceSpec> devices = new DeviceReader(reader, factories, validDevices).read();
        Set<String> names = devices.stream().map(DeviceSpec::name).collect(Collectors.toCollection(HashSet::new));
        // a device with problems is left out of `devices`; keep LUNs naming it from adding a second message
        names.addAll(definedDeviceNames(reader));
        TargetReader targetReader = new TargetReader(reader, names);
        List<TargetSpec> targets = targetReader.read();
        List<Portal> portals = portals(reader, !targets.isEmpty());
        Config iscsi = iscsiBlock(reader);
        adminFlags(reader);
        org.scstj.cluster.ClusterSpec cluster = new ClusterReader(reader).read();
        if (cluster != null && cluster.selfNode().witness()) {
            witnessServesNothing(reader, cluster.self(), devices, targets);
        }
        Map<String, Map<String, Integer>> listed = ClusterPorts.read(reader, cluster, portalGroupTags(iscsi));
        org.scstj.engine.model.AluaSpec alua = new AluaReader(reader, names, portalGroupTags(iscsi), cluster, listed).read();
        // numbered with the disabled ones, so enabling or disabling a target renumbers no other
        targets = numberPorts(targets, iscsi, listed).stream().filter(t -> !targetReader.disabled().contains(t.name())).toList();
        if (!reader.problems().isEmpty()) {
            List<ConfigProblem> byLine = new ArrayList<>(reader.problems());
            byLine.sort(Comparator.comparing(ConfigProblem::source).thenComparingInt(ConfigProblem::line));
            throw new InvalidConfigException(byLine);
        }
        return new ScstjConfig(source, merged, new EngineSpec(stateDir, devices, targets, alua), iscsi, portals, cluster);
    }

    /**
     * A witness node votes and serves nothing (docs/cluster.md): its file defines no device, no
     * target and no portal, so that no initiator can reach a LU through it and no LU's control
     * state waits for its acknowledgements.
     */
    private static void witnessServesNothing(ConfigReader reader, String self, List<DeviceSpec> devices,
                                             List<TargetSpec> targets) {
        String why = ": node " + self + " is a witness (scstj.cluster.nodes." + self + ".roles), it serves nothing";
        if (!devices.isEmpty() || !definedDeviceNames(reader).isEmpty()) {
            reader.problem(KnownKeys.HANDLERS, "devices defined" + why);
        }
        if (!targets.isEmpty()) {
            reader.problem(KnownKeys.TARGETS, "targets defined" + why);
        }
        // the transport's default portal is not this file's: only portals written here are refused
        for (List<String> path : List.of(KnownKeys.PORTAL_GROUPS, KnownKeys.PORTALS)) {
            if (reader.line(path) >= 0) {
                reader.problem(path, "portals defined" + why);
            }
        }
    }

    /** Keys given on the command line replace the text's; their raw assignments are no repeats. */
    private static List<RawKeys.Assignment> rawWithoutOverridden(String text, Config overrides) {
        return RawKeys.scan(text).stream()
                .filter(a -> !overrides.hasPathOrNull(ConfigReader.key(a.path())))
                .toList();
    }

    private static Set<String> definedDeviceNames(ConfigReader reader) {
        Set<String> names = new HashSet<>();
        if (reader.written(KnownKeys.HANDLERS) instanceof ConfigObject handlers) {
            for (ConfigValue devices : handlers.values()) {
                if (devices instanceof ConfigObject o) {
                    names.addAll(o.keySet());
                }
            }
        }
        return names;
    }

    private static Path stateDir(ConfigReader reader) {
        List<String> path = ConfigReader.child(KnownKeys.ROOT, "state-dir");
        ConfigValue v = reader.value(path);
        if (v == null || v.valueType() != ConfigValueType.STRING || ((String) v.unwrapped()).isBlank()) {
            reader.problem(path, "expected a directory path");
            return Path.of("state").toAbsolutePath();
        }
        try {
            return Path.of((String) v.unwrapped()).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            reader.problem(path, "not a path: " + e.getMessage());
            return Path.of("state").toAbsolutePath();
        }
    }

    private static List<Portal> portals(ConfigReader reader, boolean needed) {
        if (reader.value(KnownKeys.PORTAL_GROUPS) instanceof ConfigObject groups) {
            return groupPortals(groups); // IscsiSettings checks them (iscsiBlock)
        }
        ConfigValue v = reader.value(KnownKeys.PORTALS);
        if (v == null) {
            if (needed) {
                reader.problem(KnownKeys.PORTALS, "missing: the addresses to listen on, e.g. [\"0.0.0.0:3260\"]");
            }
            return List.of();
        }
        if (v.valueType() != ConfigValueType.LIST) {
            reader.problem(KnownKeys.PORTALS, "expected a list of HOST:PORT, e.g. [\"0.0.0.0:3260\"]");
            return List.of();
        }
        List<Portal> out = new ArrayList<>();
        for (Object o : (List<?>) v.unwrapped()) {
            Portal p = o instanceof String s ? Portal.parse(s).orElse(null) : null;
            if (p == null) {
                reader.problem(KnownKeys.PORTALS, "not HOST:PORT with a port 1..65535: " + o);
            } else if (out.contains(p)) {
                reader.problem(KnownKeys.PORTALS, "listed twice: " + p);
            } else {
                out.add(p);
            }
        }
        if (out.isEmpty() && needed) {
            reader.problem(KnownKeys.PORTALS, "no portal to listen on");
        }
        return out;
    }

    /** Every well-formed portal of {@code portal-groups { <name> { portals = [...] } }}, groups in tag order. */
    private static List<Portal> groupPortals(ConfigObject groups) {
        List<Map.Entry<Integer, List<Portal>>> byTag = new ArrayList<>();
        for (ConfigValue g : groups.values()) {
            if (g instanceof ConfigObject o && o.get("portals") != null && o.get("portals").valueType() == ConfigValueType.LIST
                    && o.get("tag") != null && o.get("tag").unwrapped() instanceof Number tag) {
                List<Portal> portals = new ArrayList<>();
                for (Object p : (List<?>) o.get("portals").unwrapped()) {
                    if (p instanceof String s) {
                        Portal.parse(s).ifPresent(portals::add);
                    }
                }
                byTag.add(Map.entry(tag.intValue(), portals));
            }
        }
        byTag.sort(Map.Entry.comparingByKey());
        List<Portal> out = new ArrayList<>();
        byTag.forEach(e -> out.addAll(e.getValue()));
        return out;
    }

    /**
     * SPC-5 7.7.6.4 relative target port identifiers, 1, 2, 3, … in file order: one per target, or
     * one per portal group (in tag order) for a target reachable through several (RFC 7143 4.4.1:
     * each portal group of a target is a SCSI target port). With one portal group this is the
     * target order alone.
     */
    private static List<TargetSpec> numberPorts(List<TargetSpec> targets, Config iscsi,
                                                Map<String, Map<String, Integer>> listed) {
        IscsiSettings settings;
        try {
            settings = IscsiSettings.from(iscsi);
        } catch (RuntimeException reported) { // iscsiBlock has reported it
            return targets;
        }
        if (listed != null) {
            return numberAcrossCluster(targets, iscsi, listed, settings);
        }
        List<TargetSpec> out = new ArrayList<>();
        int next = 1;
        for (TargetSpec t : targets) {
            List<IscsiSettings.PortalGroup> groups = settings.groupsOf(t.name());
            if (groups.isEmpty()) {
                out.add(new TargetSpec(t.name(), t.defaultLuns(), t.groups(), next++));
                continue;
            }
            Map<Integer, Integer> ids = new TreeMap<>();
            int first = next;
            for (IscsiSettings.PortalGroup g : groups) {
                ids.put(g.tag(), next++);
            }
            out.add(new TargetSpec(t.name(), t.defaultLuns(), t.groups(), first, Map.copyOf(ids)));
        }
        return out;
    }

    /**
     * In a cluster whose nodes list their portal groups ({@link ClusterPorts}): the same numbering
     * over every node's portal groups, node by node in {@code nodes} order, each node's in tag
     * order; a target restricted to some portal groups ({@code portal-groups = [...]}) gets ports
     * in the groups of those names on every node. The same on every node, so a relative target
     * port identifier names one port of the cluster, and REPORT TARGET PORT GROUPS on any node
     * lists every node's ports. A target's own default port is its first on this node.
     */
    private static List<TargetSpec> numberAcrossCluster(List<TargetSpec> targets, Config iscsi,
                                                        Map<String, Map<String, Integer>> listed, IscsiSettings settings) {
        Map<Integer, String> selfTags = new java.util.HashMap<>();
        settings.portalGroups().forEach(g -> selfTags.put(g.tag(), g.name()));
        List<TargetSpec> out = new ArrayList<>();
        int next = 1;
        for (TargetSpec t : targets) {
            String restriction = "targets." + com.typesafe.config.ConfigUtil.quoteString(t.name()) + ".portal-groups";
            List<String> only = iscsi.hasPath(restriction) ? iscsi.getStringList(restriction) : null;
            Map<Integer, Integer> ids = new TreeMap<>();
            int own = -1;
            for (Map<String, Integer> groups : listed.values()) {
                List<Map.Entry<String, Integer>> byTag = new ArrayList<>(groups.entrySet());
                byTag.sort(Map.Entry.comparingByValue());
                for (Map.Entry<String, Integer> g : byTag) {
                    if (only == null || only.contains(g.getKey())) {
                        if (own < 0 && selfTags.containsKey(g.getValue())) {
                            own = next;
                        }
                        ids.put(g.getValue(), next++);
                    }
                }
            }
            out.add(new TargetSpec(t.name(), t.defaultLuns(), t.groups(), own > 0 ? own : ids.isEmpty() ? next++
                    : ids.values().iterator().next(), Map.copyOf(ids)));
        }
        return out;
    }

    /** The iSCSI portal groups, name to tag (SPC-5 5.16.2.1: ALUA target port groups are made of them), or null. */
    private static Map<String, Integer> portalGroupTags(Config iscsi) {
        try {
            Map<String, Integer> out = new java.util.LinkedHashMap<>();
            IscsiSettings.from(iscsi).portalGroups().forEach(g -> out.put(g.name(), g.tag()));
            return out;
        } catch (RuntimeException reported) { // iscsiBlock has reported it
            return null;
        }
    }

    /** The admin plane's switches (docs/admin.md, docs/metrics.md): each true or false. */
    private static void adminFlags(ConfigReader reader) {
        for (String key : List.of("enabled", "allow-insecure-remote", "metrics-public", "metrics-per-initiator")) {
            List<String> path = List.of("scstj", "admin", key);
            ConfigValue v = reader.value(path);
            boolean ok = v == null || v.valueType() == ConfigValueType.BOOLEAN
                    || v.valueType() == ConfigValueType.STRING
                    && Set.of("true", "false", "yes", "no", "on", "off").contains((String) v.unwrapped());
            if (!ok) {
                reader.problem(path, "expected true or false");
            }
        }
    }

    /** The iSCSI driver reads its own block; its complaints join the others. */
    private static Config iscsiBlock(ConfigReader reader) {
        if (!(reader.value(KnownKeys.ISCSI) instanceof ConfigObject o)) {
            return ConfigFactory.empty();
        }
        Config iscsi = o.toConfig();
        try {
            IscsiSettings.from(iscsi);
        } catch (ConfigException e) {
            ConfigOrigin origin = e.origin();
            reader.problemAtLine(KnownKeys.ISCSI, origin == null ? -1 : origin.lineNumber(), e.getMessage());
        } catch (RuntimeException e) {
            reader.problem(KnownKeys.ISCSI, describe(e));
        }
        return iscsi;
    }

    private static ConfigProblem syntax(String source, ConfigException e) {
        ConfigOrigin origin = e.origin();
        String where = origin != null && origin.filename() != null ? origin.filename() : source;
        String message = e.getMessage();
        // Typesafe Config puts "<origin>: " in front of its messages; the problem names it already
        if (origin != null && message.startsWith(origin.description() + ": ")) {
            message = message.substring(origin.description().length() + 2);
        }
        return new ConfigProblem(where, origin == null ? -1 : origin.lineNumber(), "", message);
    }

    private static String describe(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
