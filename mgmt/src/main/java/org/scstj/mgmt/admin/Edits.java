package org.scstj.mgmt.admin;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import org.scstj.engine.spi.Names;
import org.scstj.mgmt.config.ScstjConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The edits of the configuration document behind each admin API change. Each is pure (it may be
 * applied again on a newer document, {@link ChangeManager}) and refuses what cannot apply with the
 * client's error (404 for a missing object, 409 for a conflicting one); everything else the
 * validator of the whole document judges.
 */
final class Edits {
    static final String HANDLERS = "scstj.handlers";
    static final String ISCSI = "scstj.target-drivers.iscsi";
    static final String TARGETS = ISCSI + ".targets";

    private Edits() {
    }

    static String q(String key) {
        return ConfigUtil.quoteString(key);
    }

    static String devicePath(String handler, String name) {
        return HANDLERS + "." + q(handler) + "." + q(name);
    }

    /** The handler a device is configured under, or null. */
    static String handlerOf(Config doc, String device) {
        if (!doc.hasPath(HANDLERS)) {
            return null;
        }
        for (Map.Entry<String, ConfigValue> h : doc.getObject(HANDLERS).entrySet()) {
            if (h.getValue() instanceof ConfigObject devices && devices.containsKey(device)) {
                return h.getKey();
            }
        }
        return null;
    }

    /** The document key of a target, matched by canonical name (RFC 3722), or null. */
    static String targetKey(Config doc, String name) {
        if (!doc.hasPath(TARGETS)) {
            return null;
        }
        String canonical = Names.canonical(name);
        for (String k : doc.getObject(TARGETS).keySet()) {
            if (Names.canonical(k).equals(canonical)) {
                return k;
            }
        }
        return null;
    }

    static String targetPath(Config doc, String name) throws ApiException {
        String k = targetKey(doc, name);
        if (k == null) {
            throw new ApiException(404, "no target " + name);
        }
        return TARGETS + "." + q(k);
    }

    static String groupPath(Config doc, String target, String group) throws ApiException {
        String t = targetPath(doc, target);
        String g = t + ".groups." + q(group);
        if (!doc.hasPath(g)) {
            throw new ApiException(404, "target " + target + " has no group " + group);
        }
        return g;
    }

    /** A value added by the admin plane: after everything in the document, in the request's order. */
    static ConfigValue added(Config doc, Object json) {
        return Hocon.stamp(json);
    }

    static Config set(Config doc, String path, Object json) {
        return doc.withValue(path, added(doc, json));
    }

    /** PUT a device: add it, or replace its whole configuration (under any handler). */
    static ChangeManager.Edit putDevice(String name, String handler, Map<String, Object> attributes) {
        return (doc, running) -> {
            String old = handlerOf(doc, name);
            Config out = doc;
            if (old != null && !old.equals(handler)) {
                out = out.withoutPath(devicePath(old, name));
            }
            String path = devicePath(handler, name);
            if (old != null && old.equals(handler)) {
                // keep the device where it was in the file
                ConfigValue at = doc.getValue(path);
                return out.withValue(path, Hocon.stamp(attributes)
                        .withOrigin(at.origin()));
            }
            return set(out, path, attributes);
        };
    }

    /** PATCH a device: the keys given are set (null: removed), the others kept. */
    static ChangeManager.Edit patchDevice(String name, Map<String, Object> attributes) {
        return (doc, running) -> {
            String handler = handlerOf(doc, name);
            if (handler == null) {
                throw new ApiException(404, "no device " + name);
            }
            Config out = doc;
            for (Map.Entry<String, Object> e : attributes.entrySet()) {
                String path = devicePath(handler, name) + "." + q(e.getKey());
                out = e.getValue() == null ? out.withoutPath(path) : set(out, path, e.getValue());
            }
            return out;
        };
    }

    /** Removes a device; a mapped one only with force, and then every LUN mapping it goes too. */
    static ChangeManager.Edit removeDevice(String name, boolean force) {
        return (doc, running) -> {
            String handler = handlerOf(doc, name);
            if (handler == null) {
                throw new ApiException(404, "no device " + name);
            }
            List<String> mappings = mappingsOf(doc, name);
            if (!mappings.isEmpty() && !force) {
                throw new ApiException(409, "device " + name + " is mapped (" + String.join(", ", mappings)
                        + "): remove those LUNs first, or force (their sessions get REPORTED LUNS DATA HAS CHANGED"
                        + " and the device's tasks are aborted)",
                        mappings.stream().map(m -> new ApiException.Problem(m, "maps " + name)).toList());
            }
            Config out = doc.withoutPath(devicePath(handler, name));
            for (String m : mappings) {
                out = out.withoutPath(m);
            }
            return out;
        };
    }

    /** Document paths of every LUN mapping (default and group, enabled targets or not) that names the device. */
    static List<String> mappingsOf(Config doc, String device) {
        List<String> out = new ArrayList<>();
        if (!doc.hasPath(TARGETS)) {
            return out;
        }
        for (Map.Entry<String, ConfigValue> t : doc.getObject(TARGETS).entrySet()) {
            if (!(t.getValue() instanceof ConfigObject target)) {
                continue;
            }
            String tp = TARGETS + "." + q(t.getKey());
            lunsNaming(target.get("luns"), device, tp + ".luns", out);
            if (target.get("groups") instanceof ConfigObject groups) {
                for (Map.Entry<String, ConfigValue> g : groups.entrySet()) {
                    if (g.getValue() instanceof ConfigObject group) {
                        lunsNaming(group.get("luns"), device, tp + ".groups." + q(g.getKey()) + ".luns", out);
                    }
                }
            }
        }
        return out;
    }

    private static void lunsNaming(ConfigValue luns, String device, String path, List<String> out) {
        if (!(luns instanceof ConfigObject o)) {
            return;
        }
        for (Map.Entry<String, ConfigValue> l : o.entrySet()) {
            Object v = l.getValue().unwrapped();
            Object d = v instanceof Map<?, ?> m ? m.get("device") : v;
            if (device.equals(d)) {
                out.add(path + "." + q(l.getKey()));
            }
        }
    }

    static ChangeManager.Edit resizeDevice(String name, long bytes) {
        return (doc, running) -> {
            String handler = handlerOf(doc, name);
            if (handler == null) {
                throw new ApiException(404, "no device " + name);
            }
            return set(doc, devicePath(handler, name) + ".size", bytes);
        };
    }

    /** Sets (or with null removes) one key of a device's block: 404 without the device. */
    static ChangeManager.Edit deviceKey(String name, String key, Object value) {
        return (doc, running) -> {
            String handler = handlerOf(doc, name);
            if (handler == null) {
                throw new ApiException(404, "no device " + name);
            }
            String path = devicePath(handler, name) + "." + q(key);
            return value == null ? doc.withoutPath(path) : set(doc, path, value);
        };
    }

    /** PUT a target: add it or replace its block (luns, groups, auth, portal-groups, redirect, enabled). */
    static ChangeManager.Edit putTarget(String name, Map<String, Object> block) {
        return (doc, running) -> {
            String k = targetKey(doc, name);
            if (k == null) {
                return set(doc, TARGETS + "." + q(name), block);
            }
            String path = TARGETS + "." + q(k);
            return doc.withValue(path, added(doc, block).withOrigin(doc.getValue(path).origin()));
        };
    }

    static ChangeManager.Edit removeTarget(String name) {
        return (doc, running) -> doc.withoutPath(targetPath(doc, name));
    }

    /** Sets (or with null removes) one key of a target's block, e.g. enabled or auth. */
    static ChangeManager.Edit targetKey(String name, String key, Object value) {
        return (doc, running) -> {
            String path = targetPath(doc, name) + "." + q(key);
            return value == null ? doc.withoutPath(path) : set(doc, path, value);
        };
    }

    /** PUT a LUN of a target (group null) or of one of its groups. */
    static ChangeManager.Edit putLun(String target, String group, int lun, Map<String, Object> mapping) {
        return (doc, running) -> {
            String base = group == null ? targetPath(doc, target) : groupPath(doc, target, group);
            return set(doc, base + ".luns." + q(Integer.toString(lun)), mapping);
        };
    }

    static ChangeManager.Edit removeLun(String target, String group, int lun) {
        return (doc, running) -> {
            String base = group == null ? targetPath(doc, target) : groupPath(doc, target, group);
            String path = base + ".luns." + q(Integer.toString(lun));
            if (!doc.hasPath(path)) {
                throw new ApiException(404, (group == null ? "target " + target : "group " + group) + " has no LUN " + lun);
            }
            return doc.withoutPath(path);
        };
    }

    static ChangeManager.Edit putGroup(String target, String group, Map<String, Object> block) {
        return (doc, running) -> {
            String path = targetPath(doc, target) + ".groups." + q(group);
            if (doc.hasPath(path)) {
                return doc.withValue(path, added(doc, block).withOrigin(doc.getValue(path).origin()));
            }
            return set(doc, path, block);
        };
    }

    static ChangeManager.Edit removeGroup(String target, String group) {
        return (doc, running) -> doc.withoutPath(groupPath(doc, target, group));
    }

    /** Adds an initiator name or pattern to a group (no change if it is there). */
    static ChangeManager.Edit addInitiator(String target, String group, String initiator) {
        return (doc, running) -> {
            String path = groupPath(doc, target, group) + ".initiators";
            List<Object> list = initiators(doc, path);
            if (!list.contains(initiator)) {
                list.add(initiator);
            }
            return doc.withValue(path, ConfigValueFactory.fromIterable(list, "admin API")
                    .withOrigin(doc.hasPath(path) ? doc.getValue(path).origin() : added(doc, "").origin()));
        };
    }

    static ChangeManager.Edit removeInitiator(String target, String group, String initiator) {
        return (doc, running) -> removeFrom(doc, target, group, initiator);
    }

    /** Moves an initiator from one group of a target to another, as one change. */
    static ChangeManager.Edit moveInitiator(String target, String from, String initiator, String to) {
        return (doc, running) -> addInitiator(target, to, initiator).apply(removeFrom(doc, target, from, initiator), running);
    }

    private static Config removeFrom(Config doc, String target, String group, String initiator) throws ApiException {
        String path = groupPath(doc, target, group) + ".initiators";
        List<Object> list = initiators(doc, path);
        if (!list.remove(initiator)) {
            throw new ApiException(404, "group " + group + " of " + target + " does not list " + initiator);
        }
        return doc.withValue(path, ConfigValueFactory.fromIterable(list, "admin API").withOrigin(doc.getValue(path).origin()));
    }

    private static List<Object> initiators(Config doc, String path) {
        List<Object> out = new ArrayList<>();
        if (doc.hasPath(path) && doc.getValue(path) instanceof ConfigList l) {
            out.addAll(l.unwrapped());
        }
        return out;
    }

    static final String PORTALS = ISCSI + ".portals";

    static ChangeManager.Edit addPortal(String portal) {
        return (doc, running) -> {
            noPortalGroups(doc);
            List<Object> list = portals(doc, running);
            if (list.contains(portal)) {
                throw new ApiException(409, "portal " + portal + " is there already");
            }
            list.add(portal);
            return doc.withValue(PORTALS, ConfigValueFactory.fromIterable(list, "admin API"));
        };
    }

    static ChangeManager.Edit removePortal(String portal) {
        return (doc, running) -> {
            noPortalGroups(doc);
            List<Object> list = portals(doc, running);
            if (!list.remove(portal)) {
                throw new ApiException(404, "no portal " + portal);
            }
            return doc.withValue(PORTALS, ConfigValueFactory.fromIterable(list, "admin API"));
        };
    }

    private static List<Object> portals(Config doc, ScstjConfig running) {
        List<Object> out = new ArrayList<>();
        running.portals().forEach(p -> out.add(p.toString()));
        if (doc.hasPath(PORTALS)) {
            out.clear();
            out.addAll(doc.getList(PORTALS).unwrapped());
        }
        return out;
    }

    private static void noPortalGroups(Config doc) throws ApiException {
        if (doc.hasPath(ISCSI + ".portal-groups")) {
            throw new ApiException(409, "the portals are configured in portal-groups: change "
                    + Paths.DRIVER + " (portal-groups) instead");
        }
    }

    /** PATCH the driver's settings: the keys given are set (null: back to the default). */
    static ChangeManager.Edit patchDriver(Map<String, Object> settings) {
        return (doc, running) -> {
            Config out = doc;
            for (Map.Entry<String, Object> e : settings.entrySet()) {
                if (Objects.equals(e.getKey(), "targets")) {
                    throw ApiException.field(422, "targets", "change targets through " + Paths.API + "/targets");
                }
                String path = ISCSI + "." + q(e.getKey());
                out = e.getValue() == null ? out.withoutPath(path) : set(out, path, e.getValue());
            }
            return out;
        };
    }

    /** A JSON object member as an ordered map (for the body of a PUT). */
    static Map<String, Object> object(Object json, String field) throws ApiException {
        if (json == null) {
            return new LinkedHashMap<>();
        }
        if (!(json instanceof Map<?, ?> m)) {
            throw ApiException.field(422, field, "expected a JSON object");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }
}
