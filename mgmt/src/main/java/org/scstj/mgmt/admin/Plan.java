package org.scstj.mgmt.admin;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import org.scstj.engine.model.AluaSpec;
import org.scstj.engine.model.DeviceSpec;
import org.scstj.engine.model.GroupSpec;
import org.scstj.engine.model.LunMapping;
import org.scstj.engine.model.TargetSpec;
import org.scstj.engine.scsitarget.TargetAcl;
import org.scstj.engine.spi.DeviceHandlerFactory;
import org.scstj.engine.spi.SessionInfo;
import org.scstj.mgmt.config.ScstjConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The difference between the running configuration and another: what a change adds, changes and
 * removes, in the engine's and the driver's terms, each step marked when it would disrupt an open
 * session (close it or a connection, abort tasks, or take away a LUN it sees) or needs a restart.
 * {@link Applier} carries it out; {@code scstj admin plan} prints its steps.
 */
final class Plan {
    /** Keys under {@code scstj} that only a restart applies. */
    static final List<String> RESTART_KEYS = List.of("state-dir", "engine", "dispatchers", "mailboxes", "admin", "cluster");

    enum Action { ADD, CHANGE, REMOVE }

    /** One line of the plan. {@code object} is the admin API path of what changes. */
    record Step(Action action, String object, String detail, boolean disruptive, boolean restart) {
    }

    /** A device present in both whose configuration differs. */
    /**
     * @param medium the new removable medium when the handler's {@link DeviceHandlerFactory#mediumAttribute}
     *               changed: {@link Optional#empty()} to empty the drive; null when it did not change
     */
    record DeviceChange(DeviceSpec from, DeviceSpec to, Long resizeTo, Config live, boolean replace,
                        Optional<String> medium) {
        DeviceChange(DeviceSpec from, DeviceSpec to, Long resizeTo, Config live, boolean replace) {
            this(from, to, resizeTo, live, replace, null);
        }
    }

    final ScstjConfig from;
    final ScstjConfig to;
    final List<DeviceSpec> addedDevices = new ArrayList<>();
    final List<DeviceSpec> removedDevices = new ArrayList<>();
    final List<DeviceChange> changedDevices = new ArrayList<>();
    /** Targets (enabled ones, as the engine runs them) added, changed or removed, by name. */
    final Map<String, TargetSpec> targetUpdates = new LinkedHashMap<>();
    final Set<String> removedTargets = new LinkedHashSet<>();
    boolean driverChanged;
    /** {@code scstj.alua} differs: the engine gets the new one (SPC-5 5.16.2.8 implicit changes). */
    boolean aluaChanged;
    final List<Step> steps = new ArrayList<>();

    private Plan(ScstjConfig from, ScstjConfig to) {
        this.from = from;
        this.to = to;
    }

    boolean isEmpty() {
        return steps.isEmpty();
    }

    boolean disruptive() {
        return steps.stream().anyMatch(Step::disruptive);
    }

    List<Step> restartSteps() {
        return steps.stream().filter(Step::restart).toList();
    }

    /** Top-level objects the plan touches: the lock set and the generations to bump. */
    Set<String> objects() {
        Set<String> out = new TreeSet<>();
        for (Step s : steps) {
            out.add(s.object());
        }
        return out;
    }

    static Plan between(ScstjConfig from, ScstjConfig to, Map<String, DeviceHandlerFactory> handlers,
                        List<SessionInfo> sessions) {
        Plan p = new Plan(from, to);
        p.devices(handlers);
        p.targets(sessions);
        p.driver(sessions);
        p.alua();
        p.restart();
        return p;
    }

    private void devices(Map<String, DeviceHandlerFactory> handlers) {
        Map<String, DeviceSpec> a = byName(from.engine().devices());
        Map<String, DeviceSpec> b = byName(to.engine().devices());
        Set<String> mappedBefore = mapped(from.engine().targets());
        Set<String> mappedAfter = mapped(to.engine().targets());
        for (DeviceSpec d : b.values()) {
            DeviceSpec old = a.get(d.name());
            if (old == null) {
                addedDevices.add(d);
                steps.add(new Step(Action.ADD, Paths.device(d.name()), d.handlerType(), false, false));
            } else if (!old.handlerType().equals(d.handlerType()) || !old.config().equals(d.config())) {
                DeviceChange c = deviceChange(old, d, handlers.get(d.handlerType()));
                changedDevices.add(c);
                boolean inUse = mappedBefore.contains(d.name()) || mappedAfter.contains(d.name());
                steps.add(new Step(Action.CHANGE, Paths.device(d.name()), describe(c), c.replace() && inUse, false));
            }
        }
        for (DeviceSpec d : a.values()) {
            if (!b.containsKey(d.name())) {
                removedDevices.add(d);
                steps.add(new Step(Action.REMOVE, Paths.device(d.name()), d.handlerType()
                        + (mappedBefore.contains(d.name()) ? ", mapped: its tasks are aborted" : ""),
                        mappedBefore.contains(d.name()), false));
            }
        }
    }

    /** What changing a device takes: a resize, live attributes, or (anything else) re-adding it. */
    static DeviceChange deviceChange(DeviceSpec old, DeviceSpec d, DeviceHandlerFactory handler) {
        if (!old.handlerType().equals(d.handlerType()) || handler == null) {
            return new DeviceChange(old, d, null, ConfigFactory.empty(), true);
        }
        Set<String> keys = new TreeSet<>(old.config().root().keySet());
        keys.addAll(d.config().root().keySet());
        Long resize = null;
        Config live = ConfigFactory.empty();
        boolean replace = false;
        Optional<String> medium = null;
        for (String k : keys) {
            ConfigValue x = old.config().root().get(k);
            ConfigValue y = d.config().root().get(k);
            if (Objects.equals(x == null ? null : x.unwrapped(), y == null ? null : y.unwrapped())) {
                continue;
            }
            if (k.equals("size") && y != null) {
                resize = d.config().getBytes("size");
            } else if (k.equals(handler.mediumAttribute())) {
                medium = y == null ? Optional.empty() : Optional.of(String.valueOf(y.unwrapped()));
            } else if (handler.liveAttributes().contains(k) && (y != null || defaultOf(handler, k) != null)) {
                // a key taken out goes back to the handler's default
                live = live.withValue(com.typesafe.config.ConfigUtil.quoteString(k), y != null ? y : defaultOf(handler, k));
            } else {
                replace = true;
            }
        }
        return new DeviceChange(old, d, resize, live, replace, medium);
    }

    /** A handler's default of a key as a configuration value, or null when it has none. */
    private static ConfigValue defaultOf(DeviceHandlerFactory handler, String key) {
        for (DeviceHandlerFactory.Attribute a : handler.attributes()) {
            if (a.name().equals(key) && a.defaultValue() != null) {
                try {
                    return ConfigFactory.parseString("v = " + a.defaultValue()).getValue("v");
                } catch (com.typesafe.config.ConfigException e) {
                    return null;
                }
            }
        }
        return null;
    }

    private static String describe(DeviceChange c) {
        if (c.replace()) {
            return "re-added with its new configuration (a key that cannot change live changed)";
        }
        List<String> parts = new ArrayList<>();
        if (c.resizeTo() != null) {
            parts.add("resize to " + c.resizeTo() + " bytes");
        }
        for (Map.Entry<String, ConfigValue> e : c.live().root().entrySet()) {
            parts.add(e.getKey() + " = " + e.getValue().unwrapped());
        }
        if (c.medium() != null) {
            parts.add(c.medium().map(m -> "load the medium " + m).orElse("eject the medium"));
        }
        return String.join(", ", parts);
    }

    private void targets(List<SessionInfo> sessions) {
        Map<String, TargetSpec> a = byTarget(from.engine().targets());
        Map<String, TargetSpec> b = byTarget(to.engine().targets());
        for (TargetSpec t : b.values()) {
            TargetSpec old = a.get(t.name());
            if (old == null) {
                targetUpdates.put(t.name(), t);
                steps.add(new Step(Action.ADD, Paths.target(t.name()), luns(t), false, false));
            } else if (!old.equals(t)) {
                targetUpdates.put(t.name(), t);
                lunSteps(old, t, sessionsOf(sessions, t.name()));
            }
        }
        for (TargetSpec t : a.values()) {
            if (!b.containsKey(t.name())) {
                removedTargets.add(t.name());
                long open = sessionsOf(sessions, t.name()).size();
                steps.add(new Step(Action.REMOVE, Paths.target(t.name()),
                        open == 0 ? "no session" : open + " session(s) closed", open > 0, false));
            }
        }
    }

    /** The LUN and group differences of one target, disruptive where an open session loses or sees a LUN replaced. */
    private void lunSteps(TargetSpec old, TargetSpec t, List<SessionInfo> open) {
        TargetAcl before = new TargetAcl(old);
        TargetAcl after = new TargetAcl(t);
        String base = Paths.target(t.name());
        mappingSteps(base, old.defaultLuns(), t.defaultLuns(), open, before, after);
        Map<String, GroupSpec> ga = new LinkedHashMap<>();
        old.groups().forEach(g -> ga.put(g.name(), g));
        Map<String, GroupSpec> gb = new LinkedHashMap<>();
        t.groups().forEach(g -> gb.put(g.name(), g));
        for (GroupSpec g : gb.values()) {
            GroupSpec og = ga.get(g.name());
            String gp = base + "/groups/" + Paths.encode(g.name());
            if (og == null) {
                steps.add(new Step(Action.ADD, gp, g.initiators() + ": " + lunList(g.luns()),
                        losesLuns(open, before, after), false));
                continue;
            }
            if (!og.initiators().equals(g.initiators())) {
                steps.add(new Step(Action.CHANGE, gp + "/initiators", og.initiators() + " → " + g.initiators(),
                        losesLuns(open, before, after), false));
            }
            mappingSteps(gp, og.luns(), g.luns(), open, before, after);
        }
        for (GroupSpec g : ga.values()) {
            if (!gb.containsKey(g.name())) {
                steps.add(new Step(Action.REMOVE, base + "/groups/" + Paths.encode(g.name()), lunList(g.luns()),
                        losesLuns(open, before, after), false));
            }
        }
        if (old.relativeTargetPortId() != t.relativeTargetPortId() || !old.portIdsByGroup().equals(t.portIdsByGroup())) {
            steps.add(new Step(Action.CHANGE, base, "relative target port identifier " + old.relativeTargetPortId()
                    + " → " + t.relativeTargetPortId() + " for new logins", false, false));
        }
    }

    private void mappingSteps(String base, List<LunMapping> a, List<LunMapping> b, List<SessionInfo> open,
                              TargetAcl before, TargetAcl after) {
        Map<Integer, LunMapping> ma = new LinkedHashMap<>();
        a.forEach(m -> ma.put(m.lun(), m));
        Map<Integer, LunMapping> mb = new LinkedHashMap<>();
        b.forEach(m -> mb.put(m.lun(), m));
        for (LunMapping m : b) {
            LunMapping o = ma.get(m.lun());
            if (o == null) {
                steps.add(new Step(Action.ADD, base + "/luns/" + m.lun(), mapping(m), false, false));
            } else if (!o.equals(m)) {
                steps.add(new Step(Action.CHANGE, base + "/luns/" + m.lun(), mapping(o) + " → " + mapping(m),
                        seenBy(open, before, m.lun(), o), false));
            }
        }
        for (LunMapping o : a) {
            if (!mb.containsKey(o.lun())) {
                steps.add(new Step(Action.REMOVE, base + "/luns/" + o.lun(), mapping(o), seenBy(open, before, o.lun(), o),
                        false));
            }
        }
    }

    /** An open session sees this exact mapping now. */
    private static boolean seenBy(List<SessionInfo> open, TargetAcl before, int lun, LunMapping m) {
        return open.stream().anyMatch(s -> before.lunsFor(s.initiatorName()).contains(m));
    }

    /** Some open session would lose a LUN it sees, or see one mapped differently. */
    private static boolean losesLuns(List<SessionInfo> open, TargetAcl before, TargetAcl after) {
        for (SessionInfo s : open) {
            List<LunMapping> now = after.lunsFor(s.initiatorName());
            for (LunMapping m : before.lunsFor(s.initiatorName())) {
                if (!now.contains(m)) {
                    return true;
                }
            }
        }
        return false;
    }

    private void driver(List<SessionInfo> sessions) {
        Config a = driverView(from.iscsi());
        Config b = driverView(to.iscsi());
        if (a.equals(b)) {
            return;
        }
        driverChanged = true;
        Set<String> keys = new TreeSet<>(a.root().keySet());
        keys.addAll(b.root().keySet());
        for (String k : keys) {
            ConfigValue x = a.root().get(k);
            ConfigValue y = b.root().get(k);
            if (Objects.equals(x, y)) {
                continue;
            }
            if (k.equals("portals")) {
                portalSteps(x, y, sessions);
            } else if (k.equals("targets")) {
                targetDriverSteps((ConfigObject) x, (ConfigObject) y);
            } else {
                steps.add(new Step(x == null ? Action.ADD : y == null ? Action.REMOVE : Action.CHANGE,
                        Paths.DRIVER + "/" + k, "for new logins", false, false));
            }
        }
    }

    private void portalSteps(ConfigValue x, ConfigValue y, List<SessionInfo> sessions) {
        List<?> a = x == null ? List.of() : (List<?>) x.unwrapped();
        List<?> b = y == null ? List.of() : (List<?>) y.unwrapped();
        for (Object p : b) {
            if (!a.contains(p)) {
                steps.add(new Step(Action.ADD, Paths.portal(String.valueOf(p)), "listen", false, false));
            }
        }
        for (Object p : a) {
            if (!b.contains(p)) {
                long using = sessions.stream().filter(s -> s.connections().stream()
                        .anyMatch(c -> samePortal(c.localAddress(), String.valueOf(p)))).count();
                steps.add(new Step(Action.REMOVE, Paths.portal(String.valueOf(p)),
                        using == 0 ? "stop listening" : "stop listening; " + using + " session(s) closed", using > 0, false));
            }
        }
    }

    static boolean samePortal(String local, String portal) {
        if (local == null) {
            return false;
        }
        String port = portal.substring(portal.lastIndexOf(':') + 1);
        String host = portal.substring(0, portal.lastIndexOf(':'));
        return local.endsWith(":" + port) && (host.equals("0.0.0.0") || host.equals("[::]") || local.startsWith(host + ":"));
    }

    private void targetDriverSteps(ConfigObject a, ConfigObject b) {
        Set<String> names = new TreeSet<>();
        if (a != null) {
            names.addAll(a.keySet());
        }
        if (b != null) {
            names.addAll(b.keySet());
        }
        for (String n : names) {
            ConfigValue x = a == null ? null : a.get(n);
            ConfigValue y = b == null ? null : b.get(n);
            if (x != null && y != null && !withoutMembers(x).equals(withoutMembers(y))) {
                steps.add(new Step(Action.CHANGE, Paths.target(n) + "/auth",
                        "authentication or portal groups, for new logins", false, false));
            }
        }
    }

    /** A target's driver settings without its groups' members (a membership change has its own step). */
    private static ConfigValue withoutMembers(ConfigValue target) {
        if (!(target instanceof ConfigObject t) || !(t.get("groups") instanceof ConfigObject groups)) {
            return target;
        }
        ConfigObject g = groups;
        for (String name : groups.keySet()) {
            if (groups.get(name) instanceof ConfigObject group) {
                g = g.withValue(name, group.withoutKey("initiators"));
            }
        }
        return t.withValue("groups", g);
    }

    /**
     * The ALUA differences: a device group whose states, PREF or members change is one implicit
     * change of its LUs' states (TRANSITIONING for the transition delay, then 2A/06 to every I_T
     * nexus, SPC-5 5.16.2.8); a target group's membership applies to new logins.
     */
    private void alua() {
        AluaSpec a = from.engine().alua();
        AluaSpec b = to.engine().alua();
        if (a.equals(b)) {
            return;
        }
        aluaChanged = true;
        if (a.implicitTransitionSeconds() != b.implicitTransitionSeconds() || !a.transitionDelay().equals(b.transitionDelay())) {
            steps.add(new Step(Action.CHANGE, Paths.ALUA, "implicit transition time " + a.implicitTransitionSeconds()
                    + " s → " + b.implicitTransitionSeconds() + " s, transition delay " + a.transitionDelay().toMillis()
                    + " ms → " + b.transitionDelay().toMillis() + " ms", false, false));
        }
        Map<String, AluaSpec.TargetGroupSpec> ta = new LinkedHashMap<>();
        a.targetGroups().forEach(g -> ta.put(g.name(), g));
        Map<String, AluaSpec.TargetGroupSpec> tb = new LinkedHashMap<>();
        b.targetGroups().forEach(g -> tb.put(g.name(), g));
        for (AluaSpec.TargetGroupSpec g : tb.values()) {
            AluaSpec.TargetGroupSpec og = ta.get(g.name());
            if (!g.equals(og)) {
                steps.add(new Step(og == null ? Action.ADD : Action.CHANGE, Paths.targetGroup(g.name()),
                        "id " + g.id() + ", portal group tags " + new TreeSet<>(g.portalGroupTags()) + ", for new logins",
                        false, false));
            }
        }
        for (AluaSpec.TargetGroupSpec g : ta.values()) {
            if (!tb.containsKey(g.name())) {
                steps.add(new Step(Action.REMOVE, Paths.targetGroup(g.name()), "id " + g.id(), false, false));
            }
        }
        Map<String, AluaSpec.DeviceGroupSpec> da = new LinkedHashMap<>();
        a.deviceGroups().forEach(g -> da.put(g.name(), g));
        Map<String, AluaSpec.DeviceGroupSpec> db = new LinkedHashMap<>();
        b.deviceGroups().forEach(g -> db.put(g.name(), g));
        for (AluaSpec.DeviceGroupSpec g : db.values()) {
            AluaSpec.DeviceGroupSpec og = da.get(g.name());
            if (!g.equals(og)) {
                steps.add(new Step(og == null ? Action.ADD : Action.CHANGE, Paths.deviceGroup(g.name()),
                        "states " + new java.util.TreeMap<>(g.states()) + ", preferred " + new TreeSet<>(g.preferred())
                                + ": an implicit change, 2A/06 to every nexus of " + new TreeSet<>(g.devices()),
                        false, false));
            }
        }
        for (AluaSpec.DeviceGroupSpec g : da.values()) {
            if (!db.containsKey(g.name())) {
                steps.add(new Step(Action.REMOVE, Paths.deviceGroup(g.name()), "its devices become active/optimized",
                        false, false));
            }
        }
    }

    private void restart() {
        Config a = from.config();
        Config b = to.config();
        for (String k : RESTART_KEYS) {
            String path = "scstj." + k;
            ConfigValue x = a.hasPathOrNull(path) ? a.getValue(path) : null;
            ConfigValue y = b.hasPathOrNull(path) ? b.getValue(path) : null;
            if (!Objects.equals(x == null ? null : x.unwrapped(), y == null ? null : y.unwrapped())) {
                steps.add(new Step(Action.CHANGE, "/api/v1/settings/" + k, "needs a restart", false, true));
            }
        }
    }

    /**
     * What the driver reads of its block: everything but the LUNs, groups' LUNs and the enabled
     * flag, which are the engine's.
     */
    static Config driverView(Config iscsi) {
        Config out = iscsi;
        if (iscsi.hasPath("targets") && iscsi.getValue("targets") instanceof ConfigObject targets) {
            for (String name : targets.keySet()) {
                String tp = "targets." + com.typesafe.config.ConfigUtil.quoteString(name);
                out = out.withoutPath(tp + ".luns").withoutPath(tp + ".enabled");
                if (targets.get(name) instanceof ConfigObject t && t.get("groups") instanceof ConfigObject groups) {
                    for (String g : groups.keySet()) {
                        out = out.withoutPath(tp + ".groups." + com.typesafe.config.ConfigUtil.quoteString(g) + ".luns");
                    }
                }
            }
        }
        return out;
    }

    private static List<SessionInfo> sessionsOf(List<SessionInfo> sessions, String target) {
        return sessions.stream().filter(s -> org.scstj.engine.spi.Names.canonical(s.target()).equals(target)).toList();
    }

    private static Set<String> mapped(List<TargetSpec> targets) {
        Set<String> out = new java.util.HashSet<>();
        for (TargetSpec t : targets) {
            t.defaultLuns().forEach(m -> out.add(m.device()));
            t.groups().forEach(g -> g.luns().forEach(m -> out.add(m.device())));
        }
        return out;
    }

    private static Map<String, DeviceSpec> byName(List<DeviceSpec> devices) {
        Map<String, DeviceSpec> out = new LinkedHashMap<>();
        devices.forEach(d -> out.put(d.name(), d));
        return out;
    }

    private static Map<String, TargetSpec> byTarget(List<TargetSpec> targets) {
        Map<String, TargetSpec> out = new LinkedHashMap<>();
        targets.forEach(t -> out.put(t.name(), t));
        return out;
    }

    private static String luns(TargetSpec t) {
        return lunList(t.defaultLuns()) + (t.groups().isEmpty() ? "" : ", " + t.groups().size() + " group(s)");
    }

    private static String lunList(List<LunMapping> luns) {
        return luns.isEmpty() ? "no LUNs" : String.join(", ", luns.stream().map(Plan::mapping).toList());
    }

    private static String mapping(LunMapping m) {
        return "LUN " + m.lun() + " = " + m.device() + (m.readOnly() ? " (read-only)" : "");
    }
}
