package org.scstj.mgmt.admin;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import org.scstj.engine.alua.AccessState;
import org.scstj.engine.alua.AluaState;
import org.scstj.engine.alua.TargetPortGroup;
import org.scstj.engine.model.AluaSpec;
import org.scstj.mgmt.config.ScstjConfig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The admin API's ALUA routes (SPC-5 5.16, docs/design/cluster.md 2.7): {@code GET /api/v1/alua}
 * shows the target port groups, the device groups and every LU's state per target port group as
 * REPORT TARGET PORT GROUPS would report it; {@code PUT /api/v1/alua/device-groups/{g}/states/{tpg}}
 * changes one group's state (and PREF) in the configuration through the {@link ChangeManager}, so
 * it is validated, written to the file and carried out as one implicit change (TRANSITIONING for
 * the transition delay, then 2A/06 to every I_T nexus of the group's LUs, SPC-5 5.16.2.8). When the
 * file says so already but a SET TARGET PORT GROUPS moved the LUs elsewhere, the LUs are put back in
 * the configured states (the same implicit change); LUs in them already are left alone.
 */
final class AluaApi {
    static final String DEVICE_GROUPS = "scstj.alua.device-groups";
    private final ChangeManager changes;

    AluaApi(ChangeManager changes) {
        this.changes = changes;
    }

    /** The configuration and API name of a state: {@code active-optimized}, ..., {@code transitioning}. */
    static String name(AccessState s) {
        return s.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** A state an operator may set (SPC-5 5.16.2.6: TRANSITIONING is the device server's own), or null. */
    static AccessState settable(String name) {
        for (AccessState s : AccessState.values()) {
            if (s != AccessState.TRANSITIONING && name(s).equals(name)) {
                return s;
            }
        }
        return null;
    }

    private static String statusName(int code) {
        return switch (code) {
            case TargetPortGroup.ALTERED_BY_SET_TPG -> "altered-by-set-target-port-groups";
            case TargetPortGroup.ALTERED_IMPLICITLY -> "altered-implicitly";
            default -> "none";
        };
    }

    /** {@code GET /api/v1/alua}. */
    Api.Reply get(Api.Call c) throws ApiException {
        AluaSpec spec = changes.state().config().engine().alua();
        ClusterControl cluster = changes.live().cluster();
        Map<String, AluaState> lus = ChangeManagerAwait.await("reading the LUs' access states",
                changes.live().aluaStates());
        Map<Integer, String> names = new LinkedHashMap<>();
        List<Map<String, Object>> targetGroups = new ArrayList<>();
        for (AluaSpec.TargetGroupSpec g : spec.targetGroups()) {
            names.put(g.id(), g.name());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", g.name());
            m.put("id", g.id());
            m.put("portal-group-tags", new TreeSet<>(g.portalGroupTags()));
            if (g.node() != null) {
                m.put("node", g.node());
            }
            m.put("generation", changes.generation(Paths.targetGroup(g.name())));
            targetGroups.add(m);
        }
        List<Map<String, Object>> deviceGroups = new ArrayList<>();
        for (AluaSpec.DeviceGroupSpec g : spec.deviceGroups()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", g.name());
            m.put("devices", new TreeSet<>(g.devices()));
            Map<String, Object> states = new LinkedHashMap<>();
            new java.util.TreeMap<>(g.states()).forEach((id, s) -> states.put(Integer.toString(id), name(s)));
            m.put("states", states);
            m.put("preferred", new TreeSet<>(g.preferred()));
            if (cluster != null || g.policy() != AluaSpec.Policy.MANUAL) {
                m.put("policy", g.policy().key());
            }
            if (cluster != null) {
                // cluster.md 5.4: who owns it as installed on this node (null: no owner now)
                m.put("preferred-nodes", g.preferredNodes());
                m.put("failback", g.failback());
                m.put("owner", g.owned() ? cluster.aluaOwners().get(g.name()) : null);
            }
            m.put("generation", changes.generation(Paths.deviceGroup(g.name())));
            deviceGroups.add(m);
        }
        List<Map<String, Object>> devices = new ArrayList<>();
        lus.forEach((device, state) -> {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("device", device);
            AluaSpec.DeviceGroupSpec dg = spec.deviceGroupOf(device);
            d.put("device-group", dg == null ? null : dg.name());
            d.put("version", state.version());
            d.put("tpgs", state.tpgs().name().toLowerCase(Locale.ROOT));
            List<Map<String, Object>> groups = new ArrayList<>();
            for (TargetPortGroup g : state.groups()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", g.id());
                m.put("name", names.get(g.id()));
                m.put("state", name(g.state()));
                m.put("preferred", g.preferred());
                m.put("status-code", g.statusCode());
                m.put("status", statusName(g.statusCode()));
                m.put("relative-target-ports", Arrays.stream(g.relativeTargetPortIds()).boxed().toList());
                groups.add(m);
            }
            d.put("target-port-groups", groups);
            devices.add(d);
        });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("implicit-transition-time", spec.implicitTransitionSeconds());
        out.put("transition-delay-ms", spec.transitionDelay().toMillis());
        out.put("target-groups", targetGroups);
        out.put("device-groups", deviceGroups);
        out.put("devices", devices);
        return Api.Reply.ok(out);
    }

    /** {@code PUT /api/v1/alua/device-groups/{group}/states/{tpg}} {"state": ..., "preferred": true|false}. */
    Api.Reply putState(Api.Call c) throws ApiException {
        Map<String, Object> body = Api.body(c, Set.of("state", "preferred"));
        if (!(body.get("state") instanceof String text)) {
            throw ApiException.field(422, "state", body.containsKey("state") ? "expected a string" : "required");
        }
        AccessState state = settable(text);
        if (state == null) {
            throw ApiException.field(422, "state", text + ": expected one of active-optimized, active-non-optimized,"
                    + " standby, unavailable (transitioning is the device server's own, SPC-5 5.16.2.6)");
        }
        Object preferred = body.get("preferred");
        if (preferred != null && !(preferred instanceof Boolean)) {
            throw ApiException.field(422, "preferred", "expected true or false");
        }
        String group = c.param("group");
        String object = Paths.deviceGroup(group);
        Map<String, Long> expected = c.ifMatch() == null ? Map.of() : Map.of(object, c.ifMatch());
        ChangeManager.Result r = changes.change(List.of(object),
                setState(group, c.param("tpg"), name(state), (Boolean) preferred),
                ChangeManager.Options.api(c.flag("dry-run"), expected, false));
        if (!c.flag("dry-run")) {
            // the file may say so already while the LUs are elsewhere (SET TARGET PORT GROUPS, 5.16.3)
            AluaSpec.DeviceGroupSpec g = changes.state().config().engine().alua().deviceGroups().stream()
                    .filter(x -> x.name().equals(group)).findFirst().orElse(null);
            if (g != null) {
                ChangeManagerAwait.await("putting the LUs of " + group + " in their states",
                        changes.live().applyConfiguredAlua(g.devices()));
            }
        }
        Map<String, Object> out = Api.result(r);
        long generation = changes.generation(object);
        out.put("generation", generation);
        return new Api.Reply(200, out, null, Map.of("ETag", "\"" + generation + "\""));
    }

    /**
     * The edit: {@code states.<tpg> = state} in the device group (under the spelling the file
     * already uses for that target port group, by name or by id, else by id), and the group added
     * to or taken out of {@code preferred} when {@code preferred} is given.
     */
    static ChangeManager.Edit setState(String group, String tpg, String state, Boolean preferred) {
        return (doc, running) -> {
            String path = DEVICE_GROUPS + "." + Edits.q(group);
            if (!doc.hasPath(path) || !(doc.getValue(path) instanceof ConfigObject block)) {
                throw ApiException.field(404, "group", "no device group " + group + " (known: "
                        + running.engine().alua().deviceGroups().stream().map(AluaSpec.DeviceGroupSpec::name).toList()
                        + ")");
            }
            int id = targetPortGroup(running, tpg);
            Config out = doc;
            String key = Integer.toString(id);
            if (block.get("states") instanceof ConfigObject states) {
                for (String k : states.keySet()) {
                    if (idOf(running, k) == id) {
                        key = k;
                    }
                }
            }
            out = Edits.set(out, path + ".states." + Edits.q(key), state);
            if (preferred != null) {
                List<Object> list = new ArrayList<>();
                if (block.get("preferred") != null && block.get("preferred").unwrapped() instanceof List<?> was) {
                    for (Object o : was) {
                        if (idOf(running, String.valueOf(o)) != id) {
                            list.add(o);
                        }
                    }
                }
                if (preferred) {
                    list.add(id);
                }
                out = Edits.set(out, path + ".preferred", list);
            }
            return out;
        };
    }

    /** A target port group named by id or by name: its id, else 404 naming it. */
    private static int targetPortGroup(ScstjConfig running, String tpg) throws ApiException {
        int id = idOf(running, tpg);
        if (id < 0) {
            throw ApiException.field(404, "tpg", "no target port group " + tpg + " (known: "
                    + running.engine().alua().targetGroups().stream().map(g -> g.id() + " (" + g.name() + ")").toList()
                    + ")");
        }
        return id;
    }

    private static int idOf(ScstjConfig running, String text) {
        for (AluaSpec.TargetGroupSpec g : running.engine().alua().targetGroups()) {
            if (g.name().equals(text) || Integer.toString(g.id()).equals(text.trim())) {
                return g.id();
            }
        }
        return -1;
    }
}
